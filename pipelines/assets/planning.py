"""Dagster definitions for the planning step (being built)."""

import dagster as dg

defs = dg.Definitions()
