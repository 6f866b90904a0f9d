"""The dashboard's user accounts: a small JSON file under the data folder.

``<data>/users.json`` holds, per user, the role, the scope code, a display name, an
argon2id password hash (salted; parameters inside the hash), whether the user is a data
steward (may upload and withdraw exports of their scope), the SHA-256 of their API token
(random, 256 bits: a fast hash is enough) and when the account was created and last
changed. It is written atomically (a temporary file replaced onto
it) with mode 600, under an advisory lock so that two ``users`` commands cannot lose
each other's change. The web server rereads it when it changes, so a removed user or
a changed password takes effect on the next request without a restart.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dashboards.viewer import Viewer
from pipelines.scope import is_scope_code_of

FORMAT_VERSION = 1
#: the fields every user record has (steward and token_hash came later: optional)
_REQUIRED = ("username", "role", "scope_code", "display_name", "password_hash",
             "created_at", "changed_at")  # fmt: skip
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
MIN_PASSWORD_LENGTH = 10
# No 0/O, 1/l/I: generated passwords get read aloud and typed from paper.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class UserError(ValueError):
    """A user-store operation that cannot be done as asked (message says why)."""


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive ASCII: ``Zhang.Wei`` and ``zhang.wei`` are one."""
    name = (username or "").strip().lower()
    if not USERNAME.match(name):
        raise UserError(
            f"invalid username {username!r}: 2-32 characters a-z 0-9 . _ -, "
            "starting with a letter or digit"
        )
    return name


def check_password(password: str, username: str) -> None:
    """Refuse passwords too short or too obvious to survive a guessing attack."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip().lower() == username.lower() or len(set(password)) < 4:
        raise UserError("the password is too easy to guess")


def generate_password() -> str:
    """A random password of 4 groups of 4 (about 92 bits), easy to copy by hand."""
    groups = ("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def default_hasher() -> PasswordHasher:
    """argon2id with RFC 9106's low-memory profile (t=3, 64 MiB, p=4): about 0.3 s here."""
    return PasswordHasher()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def token_digest(token: str) -> str:
    """What is kept of an API token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class User:
    username: str
    role: str
    scope_code: str
    display_name: str
    password_hash: str
    created_at: str
    changed_at: str
    #: may upload and withdraw exports of their scope (数据管理员)
    steward: bool = False
    #: SHA-256 of the API token ("" when none was issued)
    token_hash: str = ""

    def viewer(self) -> Viewer:
        return Viewer(
            self.scope_code, self.username, self.display_name, role=self.role, steward=self.steward
        )

    @property
    def session_stamp(self) -> str:
        """Changes whenever the password, role, scope or steward right changes, which ends
        old sessions."""
        material = f"{self.password_hash}\x00{self.role}\x00{self.scope_code}"
        if self.steward:
            material += "\x00steward"
        return hashlib.sha256(material.encode()).hexdigest()[:32]


class UserStore:
    """Read and change ``users.json``. ``hasher`` is injectable so tests can hash fast."""

    def __init__(self, path: Path, hasher: PasswordHasher | None = None) -> None:
        self.path = Path(path)
        self.hasher = hasher or default_hasher()
        self._cache: tuple[tuple[int, int, int], dict[str, User]] | None = None
        self._dummy_hash: str | None = None

    # -- reading -------------------------------------------------------------------
    def load(self) -> dict[str, User]:
        """All users by username; reread only when the file changed."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        users = self._read()
        self._cache = (key, users)
        return users

    def _read(self) -> dict[str, User]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except json.JSONDecodeError as error:
            raise UserError(f"{self.path} is not valid JSON: {error}") from error
        if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
            raise UserError(f"{self.path}: not a version {FORMAT_VERSION} users file")
        users = {}
        for record in document.get("users", []):
            try:
                user = User(
                    **{field: str(record[field]) for field in _REQUIRED},
                    steward=record.get("steward") is True,
                    token_hash=str(record.get("token_hash") or ""),
                )
            except (KeyError, TypeError, AttributeError) as error:
                raise UserError(f"{self.path}: a user record lacks {error}") from error
            if not is_scope_code_of(user.role, user.scope_code):
                raise UserError(f"{self.path}: user {user.username} has an invalid scope")
            users[user.username] = user
        return users

    def by_token(self, token: str) -> User | None:
        """The steward whose API token this is, or None."""
        digest = token_digest(token)
        found = None
        for user in self.load().values():  # every hash compared: no early exit to time
            if user.token_hash and hmac.compare_digest(user.token_hash, digest):
                found = user
        return found if found is not None and found.steward else None

    def get(self, username: str) -> User | None:
        """The user, or None for an unknown or malformed name (a broken file raises)."""
        try:
            name = normalise_username(username)
        except UserError:
            return None
        return self.load().get(name)

    # -- authentication ------------------------------------------------------------
    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password is right, else None, taking the same time either way."""
        user = self.get(username)
        if user is None:
            # Hash anyway so that response time does not tell which usernames exist.
            if self._dummy_hash is None:
                self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
            with contextlib.suppress(VerificationError, InvalidHashError):
                self.hasher.verify(self._dummy_hash, password)
            return None
        try:
            self.hasher.verify(user.password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if self.hasher.check_needs_rehash(user.password_hash):
            # Upgrade the cost parameters transparently; failing to write is not fatal.
            with contextlib.suppress(OSError, UserError):
                user = self._set_hash(user.username, self.hasher.hash(password), touch=False)
        return user

    # -- changes -------------------------------------------------------------------
    def add(
        self,
        username: str,
        role: str,
        scope_code: str,
        password: str,
        display_name: str = "",
        steward: bool = False,
    ) -> User:
        name = normalise_username(username)
        check_password(password, name)
        if not is_scope_code_of(role, scope_code):
            raise UserError(f"{scope_code!r} is not a valid scope code for role {role!r}")
        now = _now()
        user = User(
            username=name,
            role=role,
            scope_code=scope_code,
            display_name=display_name.strip() or name,
            password_hash=self.hasher.hash(password),
            created_at=now,
            changed_at=now,
            steward=steward,
        )
        with self._locked() as users:
            if name in users:
                raise UserError(f"user {name} already exists")
            users[name] = user
        return user

    def remove(self, username: str) -> None:
        name = normalise_username(username)
        with self._locked() as users:
            if users.pop(name, None) is None:
                raise UserError(f"no user {name}")

    def set_password(self, username: str, password: str) -> User:
        name = normalise_username(username)
        check_password(password, name)
        return self._set_hash(name, self.hasher.hash(password), touch=True)

    def issue_token(self, username: str) -> str:
        """A new API token for a steward (any earlier one stops working); only its hash
        is kept, so it is returned once."""
        name = normalise_username(username)
        token = "wsi_" + secrets.token_urlsafe(32)
        with self._locked() as users:
            user = users.get(name)
            if user is None:
                raise UserError(f"no user {name}")
            if not user.steward:
                raise UserError(f"{name} is not a data steward: only stewards use the API")
            users[name] = replace(user, token_hash=token_digest(token), changed_at=_now())
        return token

    def revoke_token(self, username: str) -> None:
        name = normalise_username(username)
        with self._locked() as users:
            if name not in users:
                raise UserError(f"no user {name}")
            users[name] = replace(users[name], token_hash="", changed_at=_now())

    def _set_hash(self, name: str, password_hash: str, touch: bool) -> User:
        with self._locked() as users:
            if name not in users:
                raise UserError(f"no user {name}")
            changes = {"password_hash": password_hash}
            if touch:
                changes["changed_at"] = _now()
            users[name] = replace(users[name], **changes)
            return users[name]

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, User]]:
        """Read-modify-write under an exclusive lock; written only if the block succeeds."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            users = dict(self._read())
            yield users
            self._write(users)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _write(self, users: dict[str, User]) -> None:
        document = {
            "version": FORMAT_VERSION,
            "users": [asdict(users[name]) for name in sorted(users)],
        }
        payload = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        # mkstemp creates the file with mode 600, so the hashes are never world-readable.
        fd, tmp = tempfile.mkstemp(prefix=".users-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self._cache = None
