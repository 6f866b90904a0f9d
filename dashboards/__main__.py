"""``python -m dashboards [serve] [--host H] [--port P] [--debug]``, and
``python -m dashboards users add|remove|passwd|list|sessions|revoke|demo`` (see
dashboards/auth/cli.py).

Commands are subcommands so that more can be added (``users`` for access control):
register one in :data:`COMMANDS` with a function that adds its arguments and one that
runs it. Serving is the default when no command is given.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from dashboards.auth import cli as users_cli


def _serve_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--debug", action="store_true", help="Dash debug mode (reloader)")


def _serve(args: argparse.Namespace) -> int:
    from dashboards.app import create_app

    app = create_app()
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


#: name → (help, add arguments, run)
COMMANDS: dict[
    str,
    tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]],
] = {
    "serve": ("serve the dashboard (default)", _serve_args, _serve),
    "users": (users_cli.HELP, users_cli.add_arguments, users_cli.run),
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "serve")
    parser = argparse.ArgumentParser(prog="python -m dashboards", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, add_arguments, _) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text))
    args = parser.parse_args(argv)
    return COMMANDS[args.command][2](args)


if __name__ == "__main__":
    raise SystemExit(main())
