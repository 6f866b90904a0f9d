"""The self-serve monthly cycle's web layer: data stewards upload exports, read a
preview, accept or discard them, follow the refresh, withdraw files of their scope.

- :mod:`.service` — the operations, with their rules and audit events (the API and the
  page call the same functions);
- :mod:`.api` — the HTTP API (docs/api.md), where files are streamed to disk;
- :mod:`.runner` — who runs the refresh an accept asks for (``WSI_REFRESH_RUNNER``).

The page is ``dashboards/pages/upload.py``; what the pipeline does with an upload (the
dry run, the landing registry, refresh requests, the audit log) is
:mod:`pipelines.uploads`. Nothing here imports dagster or opens the warehouse.
"""

from __future__ import annotations

import dash

from dashboards.upload import api
from pipelines.settings import Settings


def install_upload(app: dash.Dash, settings: Settings) -> None:
    """Add the upload API to ``app``'s server (sign-in guards it like every route)."""
    api.install(app.server, app.config.routes_pathname_prefix, settings)
