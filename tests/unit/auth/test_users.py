"""The users file: argon2id hashes, atomic private writes, and the rules on names."""

from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from dashboards.auth.users import (
    UserError,
    UserStore,
    check_password,
    generate_password,
    normalise_username,
)
from pipelines.settings import Settings

PASSWORD = "correct-horse-42"


def test_hashes_are_argon2id_and_salted(settings: Settings) -> None:
    store = UserStore(settings.users_path)
    first = store.add("wang", "city", "110000000000", PASSWORD)
    second = store.add("li", "city", "110000000000", PASSWORD)
    assert first.password_hash.startswith("$argon2id$")
    assert second.password_hash.startswith("$argon2id$")
    assert first.password_hash != second.password_hash  # same password, different salt
    assert PASSWORD not in settings.users_path.read_text()


def test_the_production_profile_is_rfc9106_low_memory(settings: Settings) -> None:
    store = UserStore(settings.users_path, hasher=PasswordHasher())
    user = store.add("wang", "city", "110000000000", PASSWORD)
    assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_the_file_is_private_and_complete(settings: Settings) -> None:
    store = UserStore(settings.users_path)
    store.add("wang", "district", "110105000000", PASSWORD, "王 Wang")
    assert stat.S_IMODE(settings.users_path.stat().st_mode) == 0o600
    record = json.loads(settings.users_path.read_text())["users"][0]
    assert set(record) == {
        "username",
        "role",
        "scope_code",
        "display_name",
        "password_hash",
        "created_at",
        "changed_at",
        "steward",
        "token_hash",
    }
    assert record["display_name"] == "王 Wang"
    assert (record["steward"], record["token_hash"]) == (False, "")
    # No temporary files are left behind.
    assert sorted(p.name for p in settings.data_dir.iterdir()) == ["users.json", "users.json.lock"]


def test_authenticate(settings: Settings) -> None:
    store = UserStore(settings.users_path)
    store.add("wang", "subdistrict", "110111011000", PASSWORD)
    assert store.authenticate("wang", PASSWORD).scope_code == "110111011000"
    assert store.authenticate("Wang", PASSWORD) is not None
    assert store.authenticate("wang", PASSWORD + "x") is None
    assert store.authenticate("nobody", PASSWORD) is None
    assert store.authenticate("../etc", PASSWORD) is None


def test_a_weak_hash_is_upgraded_at_login_and_the_session_stamp_follows(
    settings: Settings,
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    UserStore(settings.users_path, hasher=weak).add("wang", "city", "110000000000", PASSWORD)
    strong = UserStore(settings.users_path, hasher=PasswordHasher(time_cost=2, memory_cost=2048))
    user = strong.authenticate("wang", PASSWORD)
    assert "m=2048,t=2" in user.password_hash
    assert strong.get("wang").session_stamp == user.session_stamp


def test_changes(settings: Settings) -> None:
    store = UserStore(settings.users_path)
    user = store.add("wang", "city", "110000000000", PASSWORD)
    with pytest.raises(UserError, match="already exists"):
        store.add("WANG", "city", "110000000000", PASSWORD)
    changed = store.set_password("wang", "another-password-7")
    assert changed.session_stamp != user.session_stamp
    assert changed.created_at == user.created_at
    assert store.authenticate("wang", PASSWORD) is None
    assert store.authenticate("wang", "another-password-7") is not None
    store.remove("wang")
    assert store.get("wang") is None
    with pytest.raises(UserError, match="no user"):
        store.remove("wang")
    with pytest.raises(UserError, match="no user"):
        store.set_password("wang", "another-password-7")


def test_a_second_store_sees_changes(settings: Settings) -> None:
    web, cli = UserStore(settings.users_path), UserStore(settings.users_path)
    assert web.get("wang") is None
    cli.add("wang", "city", "110000000000", PASSWORD)
    assert web.get("wang") is not None
    cli.remove("wang")
    assert web.get("wang") is None


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("city", "110105000000"),
        ("district", "110000000000"),
        ("district", "110111011000"),
        ("subdistrict", "110111000000"),
        ("admin", "110000000000"),
    ],
)
def test_role_and_scope_must_agree(settings: Settings, role: str, scope: str) -> None:
    with pytest.raises(UserError):
        UserStore(settings.users_path).add("wang", role, scope, PASSWORD)


@pytest.mark.parametrize("name", ["", "a", "-lead", "zhang wei", "张伟", "a" * 33, "x/y"])
def test_invalid_usernames(name: str) -> None:
    with pytest.raises(UserError):
        normalise_username(name)


@pytest.mark.parametrize("password", ["short", "aaaaaaaaaaaa", "zhang.wei00", "ZHANG.WEI00"])
def test_weak_passwords(password: str) -> None:
    with pytest.raises(UserError):
        check_password(password, "zhang.wei00")


def test_generated_passwords_are_strong_and_distinct() -> None:
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        check_password(password, "anyone")
        assert len(password) == 19


def test_a_corrupt_file_is_reported_not_ignored(settings: Settings) -> None:
    Path(settings.users_path).write_text("{not json")
    with pytest.raises(UserError, match="not valid JSON"):
        UserStore(settings.users_path).load()


def test_a_corrupt_file_fails_sign_in_loudly(settings: Settings) -> None:
    # Denying everyone silently would look like wrong passwords; an error gets noticed.
    for broken in ("[]", '{"version": 1, "users": [{"username": "wang"}]}'):
        Path(settings.users_path).write_text(broken)
        with pytest.raises(UserError):
            UserStore(settings.users_path).get("wang")


def test_an_unknown_username_costs_a_password_check_too(settings: Settings) -> None:
    # So that the time a failed sign-in takes does not tell which usernames exist.
    class CountingHasher(PasswordHasher):
        checks = 0

        def verify(self, hash: str, password: str) -> bool:
            CountingHasher.checks += 1
            return super().verify(hash, password)

    store = UserStore(settings.users_path, CountingHasher(time_cost=1, memory_cost=1024))
    store.add("wang", "subdistrict", "110111011000", PASSWORD)
    assert store.authenticate("wang", "wrong-password-1") is None
    assert store.authenticate("nobody", "wrong-password-1") is None
    assert CountingHasher.checks == 2


def test_a_file_written_before_stewards_still_reads(settings: Settings) -> None:
    store = UserStore(settings.users_path)
    store.add("wang", "district", "110105000000", PASSWORD, "王 Wang")
    document = json.loads(settings.users_path.read_text())
    for record in document["users"]:
        del record["steward"], record["token_hash"]
    settings.users_path.write_text(json.dumps(document))
    user = UserStore(settings.users_path).get("wang")
    assert (user.steward, user.token_hash, user.viewer().steward) == (False, "", False)


def test_making_a_user_a_steward_or_not_ends_their_sessions(settings: Settings) -> None:
    store = UserStore(settings.users_path)
    reader = store.add("wang", "district", "110105000000", PASSWORD)
    steward = dataclasses.replace(reader, steward=True)
    assert steward.session_stamp != reader.session_stamp
    assert steward.viewer().steward and not reader.viewer().steward
