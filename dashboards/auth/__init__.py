"""Access control for the dashboard: who may sign in, and which numbers they may see.

Who a viewer is and what they may see: :mod:`dashboards.viewer` (scope codes:
:mod:`pipelines.scope`).

- :mod:`.users`: the users file ``<data>/users.json`` (argon2id hashes).
- :mod:`.state`: ``<data>/auth.sqlite``, the sign-in state every worker shares:
  :mod:`.sessions` (server-side sessions) and :mod:`.throttle` (lockout after
  repeated failed logins).
- :mod:`.web`: :func:`install_auth` (login, sessions, CSRF) and :func:`current_viewer`
  for callbacks; :mod:`.headers`: the security headers on every response.
- :mod:`.cli`: ``python -m dashboards users add|remove|passwd|list|sessions|revoke|demo``.
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
