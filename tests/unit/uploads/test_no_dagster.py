"""The dashboard never imports Dagster, uploads included: it starts ``python -m pipelines
run`` in a process of its own when it runs a refresh itself (issue: "dashboards still
never imports dagster")."""

from __future__ import annotations

import subprocess
import sys

from pipelines.settings import REPO_ROOT

PROBE = """
import sys, tempfile
from pathlib import Path
from pipelines.settings import Settings
from dashboards.app import create_app
import dashboards.upload.api, dashboards.upload.runner, dashboards.upload.service
create_app(Settings(data_dir=Path(tempfile.mkdtemp())))
print(sorted(m for m in sys.modules if m.split(".")[0] == "dagster"))
"""


def test_the_dashboard_and_its_upload_code_load_no_dagster() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
