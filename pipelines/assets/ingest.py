"""Dagster definitions for the ingest step (being built)."""

import dagster as dg

defs = dg.Definitions()
