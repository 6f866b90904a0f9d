"""Dagster definitions, one module per kind of work: ingest, warehouse, planning, publish,
report. Each module exposes ``defs``; ``pipelines.definitions`` merges them."""
