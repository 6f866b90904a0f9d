"""Subcommands of ``python -m pipelines``."""
