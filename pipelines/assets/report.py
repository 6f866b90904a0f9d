"""Dagster definitions for the report step (being built)."""

import dagster as dg

defs = dg.Definitions()
