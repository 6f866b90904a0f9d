"""Dagster definitions for the warehouse step (being built)."""

import dagster as dg

defs = dg.Definitions()
