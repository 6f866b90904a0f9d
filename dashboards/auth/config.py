"""How access control is configured (the ``WSI_*`` variables), and the session secret."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuthConfig:
    """How access control behaves; :meth:`from_env` reads the ``WSI_*`` variables.

    - ``WSI_AUTH=off`` turns sign-in off for a single user on their own machine
      (everyone who can reach the port then sees the whole city).
    - ``WSI_SESSION_SECRET`` (at least 32 characters) signs the session cookies; by
      default a random key is generated once into ``<data>/.flask_secret``. Every
      worker of one deployment must share it.
    - ``WSI_SESSION_HOURS`` (default 12) is how long a sign-in lasts at most.
    - ``WSI_SESSION_IDLE_MINUTES`` (default 60) ends a session that long after its
      last request.
    - ``WSI_COOKIE_SECURE``: ``auto`` (default: when the request came over https),
      ``on`` (behind a TLS-terminating proxy that does not say so) or ``off``.
    - ``WSI_PROXY_HOPS``: the number of reverse proxies in front that set
      ``X-Forwarded-For``/``-Proto``; 0 (default) trusts no such header, so a client
      cannot fake its IP address to dodge the throttle.
    """

    enabled: bool = True
    session_hours: float = 12.0
    session_idle_minutes: float = 60.0
    cookie_secure: bool | None = None
    proxy_hops: int = 0
    session_secret: str | None = None

    @classmethod
    def from_env(cls) -> AuthConfig:
        env = os.environ
        secure = env.get("WSI_COOKIE_SECURE", "auto").strip().lower()
        return cls(
            enabled=_flag("WSI_AUTH", env.get("WSI_AUTH", "on")),
            session_hours=_positive("WSI_SESSION_HOURS", env, 12.0),
            session_idle_minutes=_positive("WSI_SESSION_IDLE_MINUTES", env, 60.0),
            cookie_secure=None if secure in ("", "auto") else _flag("WSI_COOKIE_SECURE", secure),
            proxy_hops=int(env.get("WSI_PROXY_HOPS", "").strip() or 0),
            session_secret=env.get("WSI_SESSION_SECRET") or None,
        )


def _positive(name: str, env: Mapping[str, str], default: float) -> float:
    text = env.get(name, "").strip()
    try:
        value = float(text) if text else default
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ValueError(f"{name}={text!r}: expected a positive number")
    return value


def _flag(name: str, value: str) -> bool:
    value = value.strip().lower()
    if value in ("1", "on", "true", "yes"):
        return True
    if value in ("0", "off", "false", "no"):
        return False
    raise ValueError(f"{name}={value!r}: expected on or off")


def load_or_create_secret(path: Path) -> str:
    """The session-signing key in ``path``, created once (mode 600) if missing.

    Created under a temporary name and hard-linked into place, so concurrent workers
    starting together agree on one key and never read a half-written file.
    """
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # If another worker won the race, its key is the one to use.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        log.warning("%s was readable by others (mode %o); setting it to 600", path, mode)
        os.chmod(path, 0o600)
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise ValueError(f"{path} holds a session secret shorter than 32 characters")
    return secret
