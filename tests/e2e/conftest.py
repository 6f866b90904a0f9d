"""Browser tests of the dashboard: headless Debian chromium through dash[testing].

The snapshot the tests run on comes from :func:`make_snapshot`, the one place to
change to run them on another snapshot (e.g. the pipeline's `small` demo).
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

from pipelines.settings import Settings
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def make_snapshot(path: Path) -> Path:
    """Write the snapshot the browser tests read to ``path``."""
    return build_synthetic_snapshot(path, months=14)


def pytest_setup_options() -> Options:
    options = Options()
    options.binary_location = CHROMIUM
    # every host but this machine resolves to nothing: a page that fetches anything from
    # the network (a CDN, map glyphs or tiles) logs a SEVERE error, which the tests refuse
    offline = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--enable-unsafe-swiftshader", "--window-size=1400,1600",
                     "--lang=zh-CN", offline):  # fmt: skip
        options.add_argument(argument)
    return options


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder holding a published snapshot."""
    make_snapshot(Settings(data_dir=tmp_path).snapshot_path)
    return tmp_path


@pytest.fixture
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
