"""Named siting scenarios, saved per user: ``<data>/scenarios/<username>.json``.

A scenario is the settings of a plan (a :class:`~pipelines.planning.request.PlanRequest`),
its name, when it was saved and on which month's stations, never the plan itself: a
scenario opened later is planned again on the snapshot of that day, for the viewer of
that day, so it can never show more than its owner may see now.

Who sees whose: a user sees and changes only their own file. Scenarios are working
notes, not published figures; to share a plan, print it (the printable plan) or download
it. The file is written whole to a temporary file beside it and renamed over it
(``os.replace``), under an exclusive lock, so two tabs or two server processes saving at
once never leave a half-written or mixed file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dashboards.data.snapshot import settings
from dashboards.viewer import Viewer
from pipelines.planning.printable import SHANGHAI
from pipelines.planning.request import PlanRequest

#: a user may keep this many scenarios; a longer name is cut
MAX_SCENARIOS = 50
MAX_NAME = 40
#: usernames as the user store allows them (a-z 0-9 . _ -, not starting with a dot)
_SAFE = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


class ScenarioError(ValueError):
    """A scenario that cannot be saved; ``code`` names the reason (``siting.scenario.*``)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def _owner(viewer: Viewer) -> str:
    # without sign-in the one person on the machine is "local"
    name = viewer.username or "local"
    if not set(name) <= _SAFE or name.startswith("."):
        raise ScenarioError("bad_user")
    return name


def _path(viewer: Viewer) -> Path:
    return settings().data_dir / "scenarios" / f"{_owner(viewer)}.json"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(path: Path) -> dict[str, dict[str, Any]]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return content.get("scenarios", {}) if isinstance(content, dict) else {}


def _write(path: Path, scenarios: dict[str, dict[str, Any]]) -> None:
    text = json.dumps({"version": 1, "scenarios": scenarios}, ensure_ascii=False, indent=1)
    handle, partial = tempfile.mkstemp(prefix=path.name, suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def scenarios(viewer: Viewer) -> dict[str, dict[str, Any]]:
    """The viewer's scenarios by name: ``request`` (a dict), ``saved_at``, ``month``."""
    return _read(_path(viewer))


def save_scenario(viewer: Viewer, name: str, request: PlanRequest, month: date | None) -> str:
    """Save (or replace) the viewer's scenario ``name``; returns the name as saved."""
    name = " ".join((name or "").split())[:MAX_NAME]
    if not name:
        raise ScenarioError("no_name")
    path = _path(viewer)
    with _locked(path):
        saved = _read(path)
        if name not in saved and len(saved) >= MAX_SCENARIOS:
            raise ScenarioError("too_many")
        saved[name] = {
            "request": request.to_dict(),
            "saved_at": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
            "month": month.isoformat() if month else None,
        }
        _write(path, saved)
    return name


def delete_scenario(viewer: Viewer, name: str) -> None:
    path = _path(viewer)
    with _locked(path):
        saved = _read(path)
        if saved.pop(name, None) is not None:
            _write(path, saved)


def scenario_request(viewer: Viewer, name: str) -> PlanRequest | None:
    """The settings saved as ``name`` (None when the viewer has no such scenario)."""
    entry = scenarios(viewer).get(name)
    return None if entry is None else PlanRequest.from_dict(entry.get("request") or {})
