"""``python -m pipelines demo-data``: write realistic demo exports into the landing folder."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo-data",
        help="generate demo landing files (all six sources)",
        description="Write demo exports of all six sources into <out>/<source>/, replacing the "
        "files of the previous demo run (listed in <out>/demo_manifest.json) and nothing else.",
    )
    parser.add_argument(
        "--scale", default="demo", help="small, demo or large (pipelines/demo/scales.py)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--out", type=Path, default=None, help="folder (default: the landing folder)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    from pipelines.demo import SCALES, generate

    if args.scale not in SCALES:
        print(f"unknown scale {args.scale!r}: one of {', '.join(SCALES)}", file=sys.stderr)
        return 2
    manifest = generate(
        args.scale, args.seed, args.out, progress=lambda m: print(m, file=sys.stderr, flush=True)
    )
    for source, total in manifest["totals"].items():
        files, rows, bad = total["files"], total["rows"], total["bad_rows"]
        print(f"{source:16} {files:4} files {rows:>12,} rows {bad:>8,} bad")
    seconds = time.perf_counter() - started
    print(f"demo data '{args.scale}' (seed {args.seed}) written in {seconds:.1f} s")
    return 0
