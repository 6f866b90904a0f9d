"""``python -m dashboards users …``: manage the dashboard's user accounts.

    users add USER --role district --scope 朝阳区 [--name 张伟] [--steward] [--password-stdin]
    users token USER [--revoke]
    users remove USER
    users passwd USER [--password-stdin]
    users list
    users sessions USER
    users revoke USER [--session ID]
    users demo [--rotate]

Without ``--password-stdin`` a password is asked for twice on a terminal (an empty
answer generates one); when stdin is not a terminal one is generated. A generated
password is printed once and stored only as its hash. ``passwd``, ``remove`` and
``demo --rotate`` end the user's sessions at once, as ``revoke`` does. ``token`` gives a
data steward a new API token (printed once, kept as its SHA-256; the one before stops
working); ``--revoke`` takes it away.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from dashboards.auth.config import AuthConfig
from dashboards.auth.sessions import SessionStore
from dashboards.auth.state import StateDB
from dashboards.auth.users import UserError, UserStore, generate_password, normalise_username
from dashboards.viewer import ROLE_LABELS, ROLES
from pipelines.scope import CITY_CODE, ScopeError, resolve_scope, scope_name

HELP = "manage dashboard sign-in accounts"
# One demo account per role, scoped where the demo data has most stations (房山区 拱辰街道),
# and a data steward (数据管理员) of the city and of 房山区: (username, role, scope, name,
# steward)
DEMO_USERS = (
    ("demo-city", "city", None, "演示 市总工会 Demo city", False),
    ("demo-district", "district", "110111000000", "演示 房山区 Demo district", False),
    ("demo-subdistrict", "subdistrict", "110111011000", "演示 拱辰街道 Demo subdistrict", False),
    ("demo-steward-city", "city", None, "演示 市级数据管理员 Demo city steward", True),
    ("demo-steward-district", "district", "110111000000",
     "演示 房山区数据管理员 Demo district steward", True),
)  # fmt: skip


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``users`` command (and its subcommands) to an argparse subparsers set.

    The parser's default ``func`` is :func:`run`, called as ``func(args)``.
    """
    users = subparsers.add_parser("users", help=HELP, description=HELP)
    add_arguments(users)
    users.set_defaults(func=run)
    return users


def add_arguments(users: argparse.ArgumentParser) -> None:
    """Give a ``users`` parser its subcommands (add, remove, passwd, list, demo)."""
    commands = users.add_subparsers(dest="users_command", required=True, metavar="COMMAND")

    add = commands.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument(
        "--scope",
        help="district or subdistrict: a 12-digit code or a name (朝阳区, 海淀区/八里庄街道)",
    )
    add.add_argument("--name", default="", help="display name (default: the username)")
    add.add_argument(
        "--steward", action="store_true", help="a data steward: may upload exports of the scope"
    )
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    token = commands.add_parser("token", help="give a steward a new API token (printed once)")
    token.add_argument("username")
    token.add_argument("--revoke", action="store_true", help="take the token away instead")

    remove = commands.add_parser("remove", help="delete an account (its sessions end)")
    remove.add_argument("username")

    passwd = commands.add_parser("passwd", help="set a new password (ends its sessions)")
    passwd.add_argument("username")
    passwd.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )

    commands.add_parser("list", help="list the accounts (no hashes)")

    sessions = commands.add_parser("sessions", help="list an account's open sessions")
    sessions.add_argument("username")

    revoke = commands.add_parser("revoke", help="end an account's sessions now")
    revoke.add_argument("username")
    revoke.add_argument("--session", metavar="ID", help="only this one (an id from `sessions`)")

    demo = commands.add_parser("demo", help="create one demo account per role")
    demo.add_argument(
        "--rotate", action="store_true", help="give existing demo accounts new passwords"
    )


def run(args: argparse.Namespace, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    """Carry out one ``users`` subcommand; returns the process exit status."""
    from pipelines.settings import get_settings

    settings = get_settings()
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    store = UserStore(settings.users_path)
    sessions = session_store(settings.auth_state_path)
    try:
        if args.users_command == "add":
            scope = resolve_scope(args.role, args.scope, settings.divisions_csv)
            password, generated = _password(args, stdin)
            user = store.add(args.username, args.role, scope, password, args.name, args.steward)
            name = scope_name(scope, settings.divisions_csv)
            steward = ", data steward" if user.steward else ""
            print(f"added {user.username}: {args.role} {scope} {name}{steward}", file=out)
            if generated:
                _print_password(out, user.username, password)
        elif args.users_command == "remove":
            store.remove(args.username)
            name = normalise_username(args.username)
            ended = sessions.revoke(name)
            print(f"removed {name} ({_sessions_ended(ended)})", file=out)
        elif args.users_command == "passwd":
            if store.get(args.username) is None:
                raise UserError(f"no user {args.username}")
            password, generated = _password(args, stdin)
            user = store.set_password(args.username, password)
            ended = sessions.revoke(user.username)
            print(f"password changed for {user.username} ({_sessions_ended(ended)})", file=out)
            if generated:
                _print_password(out, user.username, password)
        elif args.users_command == "token":
            _token(store, args.username, args.revoke, out)
        elif args.users_command == "list":
            _list(store, settings.divisions_csv, out)
        elif args.users_command == "sessions":
            _sessions(sessions, normalise_username(args.username), out)
        elif args.users_command == "revoke":
            name = normalise_username(args.username)
            ended = sessions.revoke(name, args.session)
            print(f"{name}: {_sessions_ended(ended)}", file=out)
        elif args.users_command == "demo":
            _demo(store, sessions, rotate=args.rotate, out=out)
    except (UserError, ScopeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _password(args: argparse.Namespace, stdin: TextIO) -> tuple[str, bool]:
    """The new password and whether it was generated (and so must be printed)."""
    if args.password_stdin:
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise UserError("no password on stdin")
        return password, False
    if stdin.isatty():
        first = getpass.getpass("password (empty: generate one): ")
        if not first:
            return generate_password(), True
        if getpass.getpass("again: ") != first:
            raise UserError("the passwords differ")
        return first, False
    return generate_password(), True


def _print_password(out: TextIO, username: str, password: str) -> None:
    print(f"  password for {username}: {password}", file=out)
    print("  (shown once; only its hash is stored)", file=out)


def _list(store: UserStore, divisions_csv, out: TextIO) -> None:
    users = store.load()
    if not users:
        print(f"no users in {store.path}", file=out)
        return
    rows = [("username", "role", "scope", "name", "display name", "steward", "token", "created",
             "changed")]  # fmt: skip
    for user in users.values():
        rows.append(
            (
                user.username,
                user.role,
                user.scope_code,
                scope_name(user.scope_code, divisions_csv),
                user.display_name,
                "yes" if user.steward else "",
                "yes" if user.token_hash else "",
                user.created_at,
                user.changed_at,
            )
        )
    _print_table(rows, out)


def _token(store: UserStore, username: str, revoke: bool, out: TextIO) -> None:
    if revoke:
        store.revoke_token(username)
        print(f"{normalise_username(username)}: API token revoked", file=out)
        return
    token = store.issue_token(username)
    print(f"API token for {normalise_username(username)}: {token}", file=out)
    print("  (shown once; only its hash is stored; the token before it no longer works)", file=out)
    print("  use it as:  Authorization: Bearer <token>   (docs/api.md)", file=out)


def session_store(path: Path) -> SessionStore:
    """The sessions as the server sees them (lifetime and idle limit from the
    environment, as the server reads them)."""
    config = AuthConfig.from_env()
    lifetime_s, idle_s = config.session_hours * 3600, config.session_idle_minutes * 60
    return SessionStore(StateDB(path), lifetime_s, idle_s)


def _sessions_ended(count: int) -> str:
    return f"{count} session{'' if count == 1 else 's'} ended"


def _sessions(sessions: SessionStore, username: str, out: TextIO) -> None:
    records = sessions.of_user(username)
    if not records:
        print(f"{username} has no open sessions", file=out)
        return
    rows = [("id", "signed in", "last seen", "ends", "address", "browser")]
    for record in records:
        rows.append(
            (
                record.short_id,
                _local_time(record.created_at),
                _local_time(record.last_seen),
                _local_time(sessions.expires_at(record)),
                record.ip,
                record.user_agent[:60],
            )
        )
    _print_table(rows, out)


def _local_time(seconds: float) -> str:
    """Unix seconds as Beijing time, the time the office reads."""
    moment = datetime.fromtimestamp(seconds, ZoneInfo("Asia/Shanghai"))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _print_table(rows: list[tuple[str, ...]], out: TextIO) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip(), file=out)


def _demo(store: UserStore, sessions: SessionStore, rotate: bool, out: TextIO) -> None:
    existing = store.load()
    for username, role, scope, display, steward in DEMO_USERS:
        label = " ".join(ROLE_LABELS[role]) + (", 数据管理员 steward" if steward else "")
        if username in existing and not rotate:
            print(f"demo user {username} ({label}) exists; its password is unchanged", file=out)
            continue
        password = generate_password()
        if username in existing:
            store.set_password(username, password)
            ended = sessions.revoke(username)
            ended_text = _sessions_ended(ended)
            print(f"demo user {username} ({label}): new password ({ended_text})", file=out)
        else:
            store.add(username, role, scope or CITY_CODE, password, display, steward)
            print(f"demo user {username} ({label}): created", file=out)
        _print_password(out, username, password)
    if all(name in existing for name, *_ in DEMO_USERS) and not rotate:
        print(
            "(passwords were printed when they were created; `users demo --rotate` sets new ones)",
            file=out,
        )


def main(argv: list[str] | None = None) -> int:
    """Run the ``users`` command on its own (``python -m dashboards.auth users …``)."""
    parser = argparse.ArgumentParser(prog="python -m dashboards.auth")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)
