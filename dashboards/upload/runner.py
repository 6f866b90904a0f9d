"""Who runs the refresh a steward's accept or withdrawal asks for (``WSI_REFRESH_RUNNER``).

- ``sensor``: the Dagster daemon runs (``make serve``, the systemd units): its landing
  sensor sees the accepted file, or the waiting request, within 30 s and starts the
  ``everything`` job. The dashboard starts nothing.
- ``subprocess`` (the default, ``make run``): no daemon runs, so the dashboard starts
  ``python -m pipelines run`` itself — in a process of its own, never importing dagster
  or opening the warehouse here. It starts one only when no refresh holds the refresh
  lock: a refresh that holds it serves the request when it is done (the ``run`` command
  refreshes again while requests wait). Its output goes to ``<data>/uploads/refresh.log``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading

from pipelines.refresh import LockTimeout, refresh_lock
from pipelines.settings import REPO_ROOT, Settings

log = logging.getLogger(__name__)

_started: dict[str, subprocess.Popen] = {}
_lock = threading.Lock()


def kick(settings: Settings) -> bool:
    """Make sure a refresh will serve the waiting requests; whether one was started."""
    if settings.refresh_runner != "subprocess":
        return False
    with _lock:
        mine = _started.get(str(settings.data_dir))
        if mine is not None and mine.poll() is None:
            return False  # ours still runs: it refreshes again while requests wait
        try:
            with refresh_lock(settings, timeout=0):
                pass
        except LockTimeout:
            return False  # another refresh runs, and it too looks again when done
        _started[str(settings.data_dir)] = _start(settings)
        return True


def _start(settings: Settings) -> subprocess.Popen:
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    log_path = settings.uploads_dir / "refresh.log"
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    env = {**os.environ, "WSI_DATA_DIR": str(settings.data_dir)}
    with os.fdopen(fd, "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipelines", "run", "--log-level", "INFO"],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a reload of the dashboard does not kill a refresh
        )
    log.info("started a refresh (pid %d), output in %s", process.pid, log_path)
    # reap it when it ends, so that no zombie is left behind
    threading.Thread(target=process.wait, name="refresh-reaper", daemon=True).start()
    return process
