"""The dashboard's pages: one module a page, found by Dash's page registry.

How to add a page (e.g. ``siting.py``)::

    import dash
    from dash import Input, Output, callback, html

    from dashboards import data, figures
    from dashboards.components import T, context, graph, page_header, section

    dash.register_page(
        __name__, path="/siting", order=8, name="选址规划",
        i18n_key="page.siting",   # add ("选址规划", "Siting") to i18n/strings.py
        filters=True,             # show the shell's month and scope pickers
        city_only=False,          # True: only city viewers see it in the navigation
    )

    def layout(**_):
        if not data.available():
            return no_data()
        return html.Div([page_header("page.siting"),
                         section("siting.map", graph("siting-map"), help_key="siting")])

    @callback(Output("siting-map", "figure"),
              Input("lang", "data"), Input("month", "value"), Input("scope", "data"))
    def update(lang, month, scope):
        viewer, month, scope = context(month, scope)   # PreventUpdate without data
        return figures.some_figure(data.some_query(viewer, scope, month), lang)

Rules of the pattern:

- The shell (``dashboards/app.py``) holds the inputs every page may read: ``lang``
  (store: "zh"/"en"), ``month`` (dropdown, ISO date), ``scope`` (store: the 12-digit
  code of the picked city/district/subdistrict/community, already allowed for the
  viewer). A page adds its own controls with ids prefixed by the page name.
- ``layout()`` returns static structure only; static text is ``T("key")`` so the
  shell's one translation callback switches it. It returns ``no_data()`` while there
  is no snapshot (the app must start and run without one).
- Callbacks are thin: ``context()`` → ``data.*`` (every query takes the viewer) →
  ``figures.*`` / ``components.rows`` — no SQL, no plotly construction in a page.
- Every figure's section has ``help_key`` (its "how is this computed" text in
  ``dashboards/i18n/explainers.py``, from metrics.md); every table has
  ``download_bar(name)`` and its callback writes its parameters to
  ``download_params(name)``; ``name`` is a key of ``data.DOWNLOADS``.
- Long computations (over ~2 s) use a background callback.
"""
