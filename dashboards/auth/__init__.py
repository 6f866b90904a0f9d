"""Access control for the dashboard: who may sign in, and which numbers they may see.

Who a viewer is and what they may see: :mod:`dashboards.viewer` (scope codes:
:mod:`pipelines.scope`).

- :mod:`.users`: the users file ``<data>/users.json`` (argon2id hashes).
- :mod:`.throttle`: lockout after repeated failed logins.
- :mod:`.web`: :func:`install_auth` (login, sessions, CSRF, headers) and
  :func:`current_viewer` for callbacks.
- :mod:`.cli`: ``python -m dashboards users add|remove|passwd|list|demo``.
"""

from dashboards.auth.cli import register
from dashboards.auth.web import AuthConfig, csrf_token, current_viewer, install_auth
from dashboards.viewer import ROLES, Viewer
from pipelines.scope import CITY_CODE

__all__ = [
    "CITY_CODE",
    "ROLES",
    "AuthConfig",
    "Viewer",
    "csrf_token",
    "current_viewer",
    "install_auth",
    "register",
]
