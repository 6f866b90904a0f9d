"""The dashboard (Dash): the monthly review for union leadership, the coverage map for
planners, and the data-quality view for data stewards. It reads only the serving
snapshot, read-only, through :mod:`dashboards.data`."""
