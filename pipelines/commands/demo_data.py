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
        "--scale",
        default="demo",
        help="small, demo, large, or national with --volume (pipelines/demo/scales.py)",
    )
    parser.add_argument(
        "--volume",
        type=int,
        default=None,
        help="national: usage rows in its year (a national year is about 1,000,000,000)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--out", type=Path, default=None, help="folder (default: the landing folder)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    from pipelines.demo import SCALES, generate
    from pipelines.demo.scales import national

    if args.scale == "national":
        if args.volume is None:
            print("--scale national needs --volume (usage rows in its year)", file=sys.stderr)
            return 2
        try:
            scale = national(args.volume)
        except ValueError as error:
            print(f"--volume: {error}", file=sys.stderr)
            return 2
    elif args.scale not in SCALES:
        print(f"unknown scale {args.scale!r}: one of {', '.join(SCALES)}", file=sys.stderr)
        return 2
    elif args.volume is not None:
        print("--volume applies to --scale national only", file=sys.stderr)
        return 2
    else:
        scale = args.scale
    manifest = generate(
        scale, args.seed, args.out, progress=lambda m: print(m, file=sys.stderr, flush=True)
    )
    for source, total in manifest["totals"].items():
        files, rows, bad = total["files"], total["rows"], total["bad_rows"]
        print(f"{source:16} {files:4} files {rows:>12,} rows {bad:>8,} bad")
    seconds = time.perf_counter() - started
    print(f"demo data '{args.scale}' (seed {args.seed}) written in {seconds:.1f} s")
    return 0
