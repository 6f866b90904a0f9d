"""Realistic demo exports of all six landing sources, deterministic for a seed.

``generate("small" | "demo" | "large", seed, out_dir)`` writes the files and returns
their manifest; ``python -m pipelines demo-data`` is the command line.
"""

from pipelines.demo.generate import MANIFEST, generate, remove_previous
from pipelines.demo.scales import SCALES, Scale

__all__ = ["MANIFEST", "SCALES", "Scale", "generate", "remove_previous"]
