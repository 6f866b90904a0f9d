"""The upload API (docs/api.md), for district systems that push exports by script and for
the 数据上报 page, which posts its files here too:

    POST   /api/uploads                      multipart: file, source (optional) → preview
    POST   /api/uploads/<upload_id>/accept   → the refresh asked for
    DELETE /api/uploads/<upload_id>          → discarded
    GET    /api/refresh/<refresh_id>         → its status and stage
    GET    /api/files                        → the landing files of the caller's scope
    DELETE /api/files/<source>/<name>        → withdrawn at the next refresh

Authentication is the sign-in's (:mod:`dashboards.auth.web`): a session cookie with its
CSRF token in ``X-CSRFToken``, or a steward's ``Authorization: Bearer`` token. A file is
streamed to disk as it arrives (``werkzeug``'s form parser writing straight into the
staging folder), never held in memory, and refused past ``WSI_UPLOAD_MAX_MB``.
Refusals are JSON: ``{"error": code, "message": English, "message_zh": Chinese}``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import IO

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from dashboards import data
from dashboards.auth import current_viewer
from dashboards.i18n.upload import error, rejection
from dashboards.upload import service
from pipelines.settings import Settings
from pipelines.uploads.landing import Refused

#: room for the form's other fields and the multipart framing around the file
_FORM_ROOM = 64 * 1024


def _json_errors(view: Callable[..., Response]) -> Callable[..., Response]:
    @wraps(view)
    def wrapped(*args: object, **kwargs: object) -> Response:
        try:
            return view(*args, **kwargs)
        except Refused as refused:
            return refusal(refused.code, str(refused), refused.status, **refused.params)

    return wrapped


def refusal(code: str, message: str, status: int, **params: object) -> Response:
    response = jsonify({"error": code, "message": message, "message_zh": error(code, **params)})
    response.status_code = status
    return response


def _address() -> str:
    return request.remote_addr or "unknown"


def _stream_to(settings: Settings, target: Path) -> tuple[str, str | None]:
    """Parse the multipart body, writing its one file part into ``target``; the file's
    name as sent and the ``source`` field."""
    limit = settings.upload_max_bytes
    mb = f"{limit / 2**20:.3g}"  # 200, or 0.01 for a test's small limit
    opened: list[IO[bytes]] = []

    def into_target(*_: object, **__: object) -> IO[bytes]:
        if opened:
            raise Refused("bad_request", "one file per request")
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = os.fdopen(os.open(target, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), "wb+")
        opened.append(handle)
        return handle

    request.max_content_length = limit + _FORM_ROOM
    try:
        if "files" in request.__dict__:  # the sign-in's CSRF check parsed the form already
            form, files = request.form, request.files
            if "file" in files:
                with into_target() as out:
                    shutil.copyfileobj(files["file"].stream, out, 1 << 20)
        else:
            parser = FormDataParser(
                stream_factory=into_target,
                max_form_memory_size=_FORM_ROOM,
                max_content_length=limit + _FORM_ROOM,
                max_form_parts=16,
            )
            _, form, files = parser.parse(
                request.stream, request.mimetype, request.content_length,
                request.mimetype_params,
            )  # fmt: skip
        for handle in opened:
            handle.close()
        if "file" not in files or not target.exists():
            raise Refused("no_file", "no file in the request (multipart field `file`)")
        if target.stat().st_size > limit:
            raise RequestEntityTooLarge()
        return files["file"].filename or "", form.get("source") or None
    except RequestEntityTooLarge:
        target.unlink(missing_ok=True)
        raise Refused("too_large", f"the file is over the {mb} MB limit", 413, mb=mb) from None
    except HTTPException as problem:
        target.unlink(missing_ok=True)
        raise Refused("bad_request", problem.description or "a malformed request") from None
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def install(server: Flask, prefix: str, settings: Settings) -> None:
    """Add the API's routes to the dashboard's Flask server."""
    # Nothing bigger than an upload is ever posted: refuse it before anything reads it.
    server.config["MAX_CONTENT_LENGTH"] = settings.upload_max_bytes + _FORM_ROOM

    @_json_errors
    def upload() -> Response:
        viewer = current_viewer()
        service.check_steward(viewer)
        upload_id = service.new_upload_id()
        staged = service.staged_dir(settings) / f"{upload_id}.upload"
        filename, source = _stream_to(settings, staged)
        received = service.receive(
            settings, viewer, upload_id, staged, filename, source, _address()
        )
        body = received.as_json()
        if body["preview"]["status"] == "rejected":
            body["preview"]["message_zh"] = rejection(body["preview"]["message"])
        response = jsonify(body)
        response.status_code = 201
        return response

    @_json_errors
    def accept(upload_id: str) -> Response:
        accepted = service.accept(settings, current_viewer(), upload_id, _address())
        refresh = service.refresh_status(settings, current_viewer(), accepted.refresh_id)
        response = jsonify({"upload_id": upload_id, "landing_path": accepted.landing_path,
                            **refresh.as_json()})  # fmt: skip
        response.status_code = 202
        return response

    @_json_errors
    def discard(upload_id: str) -> Response:
        service.discard(settings, current_viewer(), upload_id)
        return jsonify({"upload_id": upload_id, "status": "discarded"})

    @_json_errors
    def refresh(refresh_id: int) -> Response:
        return jsonify(service.refresh_status(settings, current_viewer(), refresh_id).as_json())

    @_json_errors
    def files() -> Response:
        viewer = current_viewer()
        service.check_steward(viewer)
        return jsonify({"files": data.steward_files(viewer)})

    @_json_errors
    def withdraw(source: str, name: str) -> Response:
        viewer = current_viewer()
        service.check_steward(viewer)
        path = f"{source}/{name}"
        found = service.withdraw(settings, viewer, data.steward_files(viewer), path, _address())
        response = jsonify(found.as_json())
        response.status_code = 202
        return response

    api = f"{prefix}api"
    routes = (
        ("/uploads", "wsi_api_upload", upload, ["POST"]),
        ("/uploads/<upload_id>/accept", "wsi_api_accept", accept, ["POST"]),
        ("/uploads/<upload_id>", "wsi_api_discard", discard, ["DELETE"]),
        ("/refresh/<int:refresh_id>", "wsi_api_refresh", refresh, ["GET"]),
        ("/files", "wsi_api_files", files, ["GET"]),
        ("/files/<source>/<name>", "wsi_api_withdraw", withdraw, ["DELETE"]),
    )
    for path, endpoint, view, methods in routes:
        server.add_url_rule(api + path, endpoint, view, methods=methods)
