"""Warm Station Insights pipeline: ingestion, warehouse, planning, reports (Dagster)."""
