"""Print an HTML report to PDF with headless chromium, when chromium is installed.

Chromium runs with a fresh profile, no background networking and every host name
resolving to nothing, so printing never reaches the network even by accident. The
report's charts are static SVG, so the page is complete when it has loaded.
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


def print_to_pdf(html_path: Path, pdf_path: Path, chromium: str) -> Path:
    """Write ``pdf_path`` from ``html_path``; replaces the file only when printing worked."""
    partial = pdf_path.with_name(pdf_path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="wsi-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={partial}",
            html_path.resolve().as_uri(),
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    if result.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        raise PdfError(
            f"chromium could not print {html_path.name} (exit {result.returncode}): "
            f"{result.stderr.strip()[-500:]}"
        )
    os.replace(partial, pdf_path)
    return pdf_path
