"""What a steward can do, one function each, for the HTTP API and the 数据上报 page alike:
take an uploaded file and preview it, accept or discard it, withdraw a landing file,
read a refresh's progress. Every function takes the viewer first and enforces the rules:
stewards only, the source their scope may send, their own uploads, files of their scope.
Each writes its audit event.

An uploaded file waits in ``<data>/uploads/staged/`` (under a random name, never its
own) until its steward accepts it (it is copied into landing atomically, under the
steward's name, and a refresh is asked for) or discards it; staged files older than a
day are removed.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from dashboards.upload import runner
from dashboards.viewer import Viewer
from pipelines.ingest.read import inspect_bytes
from pipelines.settings import Settings
from pipelines.uploads import audit, detect, landing, registry, requests
from pipelines.uploads.landing import Refused
from pipelines.uploads.preview import dry_run
from pipelines.uploads.store import store

STAGED_HOURS = 24
_UPLOAD_COLUMNS = (
    "upload_id, username, scope_code, source, name, landing_path, staged, sha256, size, "
    "created_at, status, preview, refresh_id"
)


@dataclass(frozen=True)
class Upload:
    upload_id: str
    username: str
    scope_code: str
    source: str
    name: str
    landing_path: str
    staged: str
    sha256: str
    size: int
    created_at: float
    status: str  # previewed | accepting | accepted | discarded
    preview: dict
    refresh_id: int | None

    def as_json(self) -> dict:
        return {
            "upload_id": self.upload_id,
            "source": self.source,
            "name": self.name,
            "landing_path": self.landing_path,
            "size": self.size,
            "sha256": self.sha256,
            "status": self.status,
            "refresh_id": self.refresh_id,
            "preview": self.preview,
        }


def staged_dir(settings: Settings) -> Path:
    return settings.uploads_dir / "staged"


def new_upload_id() -> str:
    return secrets.token_urlsafe(12)


def check_steward(viewer: Viewer) -> None:
    if not viewer.steward:
        raise Refused("not_steward", "only data stewards may upload or withdraw", 403)


def receive(
    settings: Settings,
    viewer: Viewer,
    upload_id: str,
    staged: Path,
    filename: str,
    source: str | None,
    address: str,
) -> Upload:
    """Preview a file the web layer streamed to ``staged`` and keep it for an accept."""
    check_steward(viewer)
    try:
        name = landing.safe_name(filename)
        if staged.stat().st_size == 0:
            raise Refused("empty", f"{name}: the file is empty")
        if not source:
            allowed = [s for s in detect.candidates(staged) if _may_send(s, viewer.scope_code)]
            if not allowed:
                raise Refused("no_source", f"{name}: its headers match no source; choose one")
            source = allowed[0]
        landing.check_source(source, viewer.scope_code)
        path = landing.landing_path(source, viewer.username, name)
        landing.check_owner(settings, path, viewer.username)
        audit.record(settings, "upload", viewer.username, path, address)
        preview = dry_run(
            settings, staged, source, path, registry.Uploader(viewer.username, viewer.scope_code)
        )
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    counts = preview["counts"]
    audit.record(
        settings, "preview", viewer.username,
        f"{path}: {preview['status']}, {counts['rows_read']} read, "
        f"{counts['rows_loaded']} would load, {counts['rows_quarantined']} quarantined",
        address,
    )  # fmt: skip
    upload = Upload(
        upload_id, viewer.username, viewer.scope_code, source, name, path, staged.name,
        inspect_bytes(staged).sha256, staged.stat().st_size, time.time(), "previewed",
        preview, None,
    )  # fmt: skip
    with store(settings).write() as con:
        con.execute(
            f"INSERT INTO uploads ({_UPLOAD_COLUMNS}) VALUES ({', '.join('?' * 13)})",
            (*_row(upload)[:11], json.dumps(preview, ensure_ascii=False), None),
        )
    _clean_staged(settings)
    return upload


def _may_send(source: str, scope_code: str) -> bool:
    try:
        landing.check_source(source, scope_code)
    except Refused:
        return False
    return True


def _row(upload: Upload) -> tuple:
    return tuple(getattr(upload, f.strip()) for f in _UPLOAD_COLUMNS.split(","))


def get_upload(settings: Settings, viewer: Viewer, upload_id: str) -> Upload:
    """The viewer's own upload (another person's is as good as absent)."""
    rows = store(settings).read(
        f"SELECT {_UPLOAD_COLUMNS} FROM uploads WHERE upload_id = ? AND username = ?",
        (upload_id, viewer.username),
    )
    if not rows:
        raise Refused("no_upload", f"no upload {upload_id} of yours", 404)
    values = list(rows[0])
    values[11] = json.loads(values[11])
    return Upload(*values)


def accept(settings: Settings, viewer: Viewer, upload_id: str, address: str) -> Upload:
    """Land a previewed upload and ask for a refresh."""
    check_steward(viewer)
    upload = get_upload(settings, viewer, upload_id)
    if upload.status == "discarded":
        raise Refused("discarded", f"upload {upload_id} was discarded", 404)
    if upload.preview["status"] != "loaded":
        raise Refused("rejected_file", f"{upload.name} would be rejected as a whole", 422)
    if upload.scope_code != viewer.scope_code:
        raise Refused("scope_changed", "your scope changed since the upload", 409)
    with store(settings).write() as con:  # one accept, however many clicks
        claimed = con.execute(
            "UPDATE uploads SET status = 'accepting' WHERE upload_id = ? AND status = 'previewed'",
            (upload_id,),
        ).rowcount
    if not claimed:
        raise Refused("already_accepted", f"upload {upload_id} was accepted already", 409)
    try:
        landing.check_owner(settings, upload.landing_path, viewer.username)
        # registered before the file lands: no refresh may read it without its scope
        uploader = registry.Uploader(viewer.username, viewer.scope_code)
        registry.register(settings, upload.landing_path, uploader, upload_id)
        landing.place(settings, staged_dir(settings) / upload.staged, upload.landing_path)
    except BaseException:
        with store(settings).write() as con:
            con.execute("UPDATE uploads SET status = 'previewed' WHERE upload_id = ?", (upload_id,))
        raise
    refresh_id = requests.queue(settings, "accept", upload.landing_path, viewer.username)
    with store(settings).write() as con:
        con.execute(
            "UPDATE uploads SET status = 'accepted', refresh_id = ? WHERE upload_id = ?",
            (refresh_id, upload_id),
        )
    (staged_dir(settings) / upload.staged).unlink(missing_ok=True)
    audit.record(settings, "accept", viewer.username, upload.landing_path, address)
    runner.kick(settings)
    return get_upload(settings, viewer, upload_id)


def discard(settings: Settings, viewer: Viewer, upload_id: str) -> None:
    upload = get_upload(settings, viewer, upload_id)
    if upload.status != "previewed":
        raise Refused("already_accepted", f"upload {upload_id} is {upload.status}", 409)
    with store(settings).write() as con:
        con.execute("UPDATE uploads SET status = 'discarded' WHERE upload_id = ?", (upload_id,))
    (staged_dir(settings) / upload.staged).unlink(missing_ok=True)


def withdraw(
    settings: Settings, viewer: Viewer, files: list[dict], path: str, address: str
) -> requests.Refresh:
    """Ask for the landing file ``path`` — one of ``files``, the viewer's scope's — to be
    withdrawn by the next refresh."""
    check_steward(viewer)
    found = next((f for f in files if f["path"] == path), None)
    if found is None:
        raise Refused("no_file_here", f"no file {path} in your scope", 404)
    if found["status"] == "withdrawing":
        raise Refused("withdrawing", f"{path} is being withdrawn already", 409)
    refresh_id = requests.queue(settings, "withdraw", path, viewer.username)
    audit.record(settings, "withdraw", viewer.username, path, address)
    runner.kick(settings)
    return requests.get(settings, refresh_id)


def refresh_status(settings: Settings, viewer: Viewer, refresh_id: int) -> requests.Refresh:
    """A refresh the viewer asked for (the city steward: any)."""
    found = requests.get(settings, refresh_id)
    mine = found is not None and found.username == viewer.username
    if found is None or not (mine or (viewer.is_city and viewer.steward)):
        raise Refused("no_refresh", f"no refresh {refresh_id} of yours", 404)
    if found.stage == "queued":
        runner.kick(settings)  # a runner that died left it waiting: start another
    return found


def _clean_staged(settings: Settings) -> None:
    """Forget uploads nobody accepted within a day."""
    cutoff = time.time() - STAGED_HOURS * 3600
    old = store(settings).read(
        "SELECT upload_id, staged FROM uploads WHERE status = 'previewed' AND created_at < ?",
        (cutoff,),
    )
    for upload_id, staged in old:
        (staged_dir(settings) / staged).unlink(missing_ok=True)
        with store(settings).write() as con:
            con.execute("UPDATE uploads SET status = 'discarded' WHERE upload_id = ?", (upload_id,))
