"""Engines other than the embedded DuckDB default that run the same models (``sql/``)."""
