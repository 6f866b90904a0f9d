"""Dagster definitions for the publish step (being built)."""

import dagster as dg

defs = dg.Definitions()
