"""``users add|remove|passwd|list|demo``, run through the argparse entry point."""

from __future__ import annotations

import hashlib
import io
import re
import sys

import pytest

from dashboards.auth.cli import DEMO_USERS, main
from dashboards.auth.users import UserStore
from pipelines.settings import Settings

PRINTED_PASSWORD = re.compile(r"password(?: for [\w.-]+)?: (\S{4}-\S{4}-\S{4}-\S{4})")


def _run(monkeypatch: pytest.MonkeyPatch, capsys, *argv: str, stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(["users", *argv])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_add_with_a_password_on_stdin(settings: Settings, monkeypatch, capsys) -> None:
    status, out = _run(
        monkeypatch,
        capsys,
        *("add", "Zhang.Wei", "--role", "district", "--scope", "朝阳区", "--name", "张伟"),
        "--password-stdin",
        stdin="a-long-password-1\n",
    )
    assert status == 0
    assert "added zhang.wei: district 110105000000 朝阳区" in out
    assert "a-long-password-1" not in out
    user = UserStore(settings.users_path).authenticate("zhang.wei", "a-long-password-1")
    assert (user.role, user.scope_code, user.display_name) == ("district", "110105000000", "张伟")


def test_add_without_a_terminal_generates_and_prints_once(
    settings: Settings, monkeypatch, capsys
) -> None:
    status, out = _run(
        monkeypatch, capsys, "add", "gongchen", "--role", "subdistrict", "--scope", "拱辰街道"
    )
    assert status == 0
    password = PRINTED_PASSWORD.search(out).group(1)
    assert UserStore(settings.users_path).authenticate("gongchen", password) is not None
    assert password not in settings.users_path.read_text()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("add", "x1", "--role", "district"), "needs --scope"),
        (("add", "x1", "--role", "subdistrict", "--scope", "八里庄街道"), "ambiguous"),
        (("add", "x1", "--role", "district", "--scope", "朝阳区", "--password-stdin"), "no pass"),
        (("remove", "ghost"), "no user ghost"),
        (("passwd", "ghost"), "no user ghost"),
    ],
)
def test_errors_exit_1_with_a_message(
    settings: Settings, monkeypatch, capsys, argv: tuple[str, ...], message: str
) -> None:
    status, out = _run(monkeypatch, capsys, *argv)
    assert status == 1
    assert message in out
    assert not settings.users_path.exists() or UserStore(settings.users_path).get("x1") is None


def test_a_weak_password_is_refused(settings: Settings, monkeypatch, capsys) -> None:
    status, out = _run(
        monkeypatch, capsys, "add", "x1", "--role", "city", "--password-stdin", stdin="123\n"
    )
    assert status == 1 and "at least 10" in out


def test_passwd_and_remove(settings: Settings, monkeypatch, capsys) -> None:
    _run(
        monkeypatch,
        capsys,
        "add",
        "x1",
        "--role",
        "city",
        "--password-stdin",
        stdin="first-pw-123\n",
    )
    status, out = _run(
        monkeypatch, capsys, "passwd", "x1", "--password-stdin", stdin="second-pw-456\n"
    )
    assert status == 0 and "password changed for x1" in out
    store = UserStore(settings.users_path)
    assert store.authenticate("x1", "first-pw-123") is None
    assert store.authenticate("x1", "second-pw-456") is not None
    status, out = _run(monkeypatch, capsys, "remove", "X1")
    assert status == 0 and "removed x1" in out
    assert store.get("x1") is None


def test_list_shows_scopes_and_no_hashes(settings: Settings, monkeypatch, capsys) -> None:
    _run(monkeypatch, capsys, "add", "gc", "--role", "subdistrict", "--scope", "110111011000")
    status, out = _run(monkeypatch, capsys, "list")
    assert status == 0
    assert "gc" in out and "subdistrict" in out and "房山区/拱辰街道" in out
    assert "argon2" not in out


def test_demo_creates_one_user_per_role_once(settings: Settings, monkeypatch, capsys) -> None:
    status, out = _run(monkeypatch, capsys, "demo")
    assert status == 0
    printed = PRINTED_PASSWORD.findall(out)
    # one per role, and a city and a district data steward
    assert len(printed) == 5
    store = UserStore(settings.users_path)
    for (username, role, _scope, _name, steward), password in zip(DEMO_USERS, printed, strict=True):
        user = store.authenticate(username, password)
        assert (user.role, user.steward) == (role, steward)
    assert [(u.username, u.scope_code) for u in store.load().values() if u.steward] == [
        ("demo-steward-city", "110000000000"),
        ("demo-steward-district", "110111000000"),
    ]

    status, out = _run(monkeypatch, capsys, "demo")
    assert status == 0
    assert PRINTED_PASSWORD.findall(out) == []
    assert "exists" in out and "--rotate" in out

    status, out = _run(monkeypatch, capsys, "demo", "--rotate")
    rotated = PRINTED_PASSWORD.findall(out)
    assert len(rotated) == 5 and set(rotated).isdisjoint(printed)
    assert store.authenticate("demo-city", printed[0]) is None
    assert store.authenticate("demo-city", rotated[0]) is not None


def test_demo_adds_only_what_is_missing(settings: Settings, monkeypatch, capsys) -> None:
    _run(monkeypatch, capsys, "demo")
    UserStore(settings.users_path).remove("demo-district")
    _status, out = _run(monkeypatch, capsys, "demo")
    assert len(PRINTED_PASSWORD.findall(out)) == 1
    assert "demo-district" in out


def test_a_steward_gets_an_api_token_shown_once_and_kept_hashed(
    settings: Settings, monkeypatch, capsys
) -> None:
    _run(monkeypatch, capsys, "add", "reader", "--role", "district", "--scope", "房山区")
    status, _ = _run(monkeypatch, capsys, "token", "reader")
    assert status == 1  # not a steward: no token
    status, out = _run(
        monkeypatch, capsys, "add", "fs.steward", "--role", "district", "--scope", "房山区",
        "--steward",
    )  # fmt: skip
    assert status == 0 and "data steward" in out
    status, out = _run(monkeypatch, capsys, "token", "fs.steward")
    assert status == 0
    (token,) = re.findall(r"API token for fs\.steward: (wsi_\S+)", out)
    text = settings.users_path.read_text()
    assert token not in text and hashlib.sha256(token.encode()).hexdigest() in text
    store = UserStore(settings.users_path)
    assert store.by_token(token).username == "fs.steward"
    assert store.by_token(token + "x") is None
    # a new token replaces the old one; revoking leaves none
    _, out = _run(monkeypatch, capsys, "token", "fs.steward")
    (second,) = re.findall(r"(wsi_\S+)", out)
    assert store.by_token(token) is None and store.by_token(second).username == "fs.steward"
    _run(monkeypatch, capsys, "token", "fs.steward", "--revoke")
    assert store.by_token(second) is None
    _, out = _run(monkeypatch, capsys, "list")
    assert "fs.steward" in out and second not in out
