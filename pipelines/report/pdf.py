"""Headless chromium, when it is installed: print an HTML report to PDF, or take a
picture of an HTML page at a given size (the WeChat month card).

Chromium runs with a fresh profile, no background networking and every host name
resolving to nothing, so it never reaches the network even by accident. The pages'
charts are static SVG, so a page is complete when it has loaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 120


class PdfError(RuntimeError):
    """Chromium ran but did not produce the PDF."""


def find_chromium() -> str | None:
    """The path of a chromium-compatible browser on PATH, or None."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(chromium: str, html_path: Path, output: list[str], partial: Path, what: str) -> None:
    """Run chromium on ``html_path`` with the ``output`` flags, which write ``partial``."""
    with tempfile.TemporaryDirectory(prefix="wsi-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            *output,
            html_path.resolve().as_uri(),
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    if result.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        raise PdfError(
            f"chromium could not {what} {html_path.name} (exit {result.returncode}): "
            f"{result.stderr.strip()[-500:]}"
        )


def print_to_pdf(html_path: Path, pdf_path: Path, chromium: str) -> Path:
    """Write ``pdf_path`` from ``html_path``; replaces the file only when printing worked."""
    partial = pdf_path.with_name(pdf_path.name + ".partial")
    _run(chromium, html_path, ["--no-pdf-header-footer", f"--print-to-pdf={partial}"], partial,
         "print")  # fmt: skip
    os.replace(partial, pdf_path)
    return pdf_path


def screenshot(html_path: Path, png_path: Path, width: int, height: int, chromium: str) -> Path:
    """Write ``png_path``: the page at ``width`` × ``height`` CSS pixels, one device pixel
    each; replaces the file only when it worked."""
    # chromium picks the format by the extension: the partial file keeps ".png"
    partial = png_path.with_name(png_path.stem + ".partial.png")
    flags = ["--hide-scrollbars", "--force-device-scale-factor=1",
             f"--window-size={width},{height}", f"--screenshot={partial}"]  # fmt: skip
    _run(chromium, html_path, flags, partial, "take a picture of")
    os.replace(partial, png_path)
    return png_path
