"""Accounts: salted hashes, roles, county scope, and the role matrix."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from warehouse.access import PAGES_BY_ROLE, Access
from warehouse.users import User, UserError, add_user, has_users, list_users, remove_user, verify


def test_add_verify_remove(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    assert not has_users(path)
    add_user("li", "leader", "correct horse battery", county="青岚区", path=path)
    add_user("wang", "admin", "another long secret", path=path)
    raw = path.read_text(encoding="utf-8")
    assert "correct horse" not in raw and "another long" not in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert verify("li", "correct horse battery", path) == User("li", "leader", "青岚区")
    assert verify("li", "wrong password!!", path) is None
    assert verify("nobody", "correct horse battery", path) is None
    salts = {u["salt"] for u in json.loads(raw).values()}
    assert len(salts) == 2
    remove_user("li", path)
    assert [u.name for u in list_users(path)] == ["wang"]


@pytest.mark.parametrize(
    ("role", "password", "county", "message"),
    [
        ("boss", "long enough pw", None, "未知角色"),
        ("analyst", "short", None, "至少"),
        ("analyst", "long enough pw", "青岚区", "只有 leader"),
    ],
)
def test_refusals(tmp_path: Path, role: str, password: str, county: str | None, message: str) -> None:
    with pytest.raises(UserError, match=message):
        add_user("x", role, password, county=county, path=tmp_path / "u.json")


def test_role_matrix() -> None:
    public = Access(User("p", "public"))
    leader = Access(User("l", "leader", "青岚区"))
    analyst = Access(User("a", "analyst"))
    admin = Access(User("d", "admin"))
    assert not public.may_open("unit_profile") and not public.may_open("data") and public.may_open("report")
    assert not public.sees_order_lists and leader.sees_order_lists
    assert leader.county_scope == "青岚区" and analyst.county_scope is None
    assert not leader.may_load and analyst.may_load and analyst.sees_quarantine and not leader.sees_quarantine
    assert admin.sees_unmasked and not analyst.sees_unmasked and not leader.sees_unmasked
    assert all(PAGES_BY_ROLE["public"] <= pages for pages in PAGES_BY_ROLE.values())


def test_the_users_command_adds_lists_and_removes_and_audits_each_change(tmp_path: Path) -> None:
    """``python -m warehouse users`` end to end, as README shows it (the add once crashed on its audit line)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "HOTLINE_USERS": str(tmp_path / "users.json"), "HOTLINE_AUDIT": str(tmp_path / "audit.log")}

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "warehouse", "users", *args]
        return subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, check=False)

    added = run(
        "add", "li", "--role", "leader", "--county", "青岚区", "--password-stdin", stdin="correct horse battery\n"
    )
    assert added.returncode == 0 and "已添加用户 li（leader，青岚区）" in added.stdout, added.stderr
    assert run("list").stdout.split() == ["li", "leader", "青岚区"]
    weak = run("passwd", "li", "--password-stdin", stdin="aaaaaaaaaaaaaaa\n")
    assert weak.returncode == 2 and "重复" in weak.stderr
    assert run("passwd", "li", "--password-stdin", stdin="a different passphrase\n").returncode == 0
    assert run("remove", "li").returncode == 0 and run("list").stdout == ""
    lines = [json.loads(line) for line in (tmp_path / "audit.log").read_text(encoding="utf-8").splitlines()]
    assert [(e["event"], e["details"]["action"], e["details"]["name"]) for e in lines] == [
        ("users", "add", "li"),
        ("users", "passwd", "li"),
        ("users", "remove", "li"),
    ]
    assert lines[0]["details"]["account_role"] == "leader"


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("aaaaaaaaaaaa", "重复"),
        ("abcabcabcabcabc", "重复"),
        ("123456789012", "连续"),
        ("qwertyuiopas", "连续"),
        ("short pw", "至少 12"),
        ("my name is lihua ok", "用户名"),
    ],
)
def test_the_password_policy_refuses_what_guessers_try_first(tmp_path: Path, password: str, rule: str) -> None:
    """`aaaaaaaaaa` was accepted."""
    with pytest.raises(UserError, match=rule):
        add_user("lihua", "analyst", password, path=tmp_path / "u.json")
    assert not has_users(tmp_path / "u.json")


def test_hashes_use_todays_cost_and_old_ones_are_upgraded_at_login(tmp_path: Path) -> None:
    import base64
    import hashlib

    from warehouse.passwords import SCRYPT

    path = tmp_path / "users.json"
    add_user("li", "leader", "correct horse battery", path=path)
    record = json.loads(path.read_text())["li"]
    assert {k: record[k] for k in SCRYPT} == {"n": 2**17, "r": 8, "p": 1}
    # an account written by the previous version: N = 2**14, no parameters stored
    salt = b"0123456789abcdef"
    old = hashlib.scrypt(b"an older long secret", salt=salt, n=2**14, r=8, p=1, dklen=32)
    users = {"wang": {"name": "wang", "role": "admin", "county": None, "salt": base64.b64encode(salt).decode(),
                      "hash": base64.b64encode(old).decode()}}  # fmt: skip
    path.write_text(json.dumps(users))
    assert verify("wang", "an older long secret", path) == User("wang", "admin")
    upgraded = json.loads(path.read_text())["wang"]
    assert upgraded["n"] == 2**17 and upgraded["hash"] != users["wang"]["hash"]
    assert verify("wang", "an older long secret", path) == User("wang", "admin")
    assert verify("wang", "a wrong long secret", path) is None


def test_login_tokens_are_signed_expire_and_die_with_the_account(tmp_path: Path, monkeypatch) -> None:
    from warehouse.sessions import issue, key_path, read_token, still_valid
    from warehouse.users import end_sessions, get_account, set_password

    monkeypatch.setenv("HOTLINE_USERS", str(tmp_path / "users.json"))
    add_user("li", "leader", "correct horse battery")
    session = issue(get_account("li"), hours=12, now=1_000_000)
    assert read_token(session.token, now=1_000_000 + 11 * 3600) == session
    assert stat.S_IMODE(key_path().stat().st_mode) == 0o600
    assert read_token(session.token, now=1_000_000 + 13 * 3600) is None  # expired
    body, mac = session.token.split(".")
    forged = body.replace(body[2], "A" if body[2] != "A" else "B", 1) + "." + mac
    assert read_token(forged, now=1_000_000) is None
    assert read_token("x.y") is None and read_token("") is None and read_token("a" * 5000) is None
    now = session.expires - 60
    assert still_valid(session, now=now) == get_account("li")
    end_sessions("li")  # sign-out: a new generation
    assert still_valid(session, now=now) is None
    fresh = issue(get_account("li"), hours=12)
    set_password("li", "another good passphrase")
    assert still_valid(fresh) is None
    again = issue(get_account("li"), hours=12)
    remove_user("li")
    assert still_valid(again) is None


def test_backoff_then_lockout_per_name_and_per_address(tmp_path: Path, monkeypatch) -> None:
    from warehouse import logins
    from warehouse.security import Security, Throttle

    monkeypatch.setenv("HOTLINE_USERS", str(tmp_path / "users.json"))
    rules = Security(per_user=Throttle(backoff_after=2, backoff_seconds=2, lockout_after=4, lockout_minutes=15),
                     per_address=Throttle(backoff_after=10, lockout_after=6, lockout_minutes=30))  # fmt: skip
    t = 1_000.0
    assert logins.check("li", "10.0.0.1", rules, t).allowed
    logins.failed("li", "10.0.0.1", rules, t)
    assert logins.check("li", "10.0.0.1", rules, t).allowed  # one failure: no wait yet
    logins.failed("li", "10.0.0.1", rules, t)
    wait = logins.check("li", "10.0.0.1", rules, t + 1)
    assert not wait.allowed and not wait.locked and wait.by == "user" and wait.wait_seconds == pytest.approx(1)
    assert logins.check("li", "10.0.0.1", rules, t + 2).allowed
    logins.failed("li", "10.0.0.1", rules, t + 2)
    assert not logins.check("li", "10.0.0.1", rules, t + 5).allowed  # 4 s now (doubling)
    assert logins.failed("li", "10.0.0.1", rules, t + 6) == ["user"]
    locked = logins.check("li", "10.0.0.1", rules, t + 600)
    assert locked.locked and locked.by == "user"
    assert logins.check("li", "10.0.0.1", rules, t + 6 + 15 * 60 + 1).allowed  # the lock ends
    # the address: other names from the same address add up to its own, higher limit
    assert logins.failed("wang", "10.0.0.1", rules, t + 2000) == []
    assert logins.failed("zhao", "10.0.0.1", rules, t + 2000) == ["address"]
    assert logins.check("qian", "10.0.0.1", rules, t + 2001).by == "address"
    assert logins.check("qian", "10.0.0.2", rules, t + 2001).allowed
    logins.succeeded("li")
    assert "u:li" not in json.loads((tmp_path / "login_attempts.json").read_text())


def test_security_settings_refuse_unknown_or_mistyped_keys(tmp_path: Path) -> None:
    from warehouse.security import load_security
    from warehouse.settings import SettingsError

    good = tmp_path / "ok.toml"
    good.write_text("session_hours = 8\n[per_address]\nlockout_after = 50\n")
    sec = load_security(good)
    assert sec.session_hours == 8 and sec.per_address.lockout_after == 50 and sec.per_address.backoff_after == 10
    for text in ("sesion_hours = 8\n", "session_hours = 'long'\n", "[per_user]\nlockout_after = -1\n"):
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        with pytest.raises(SettingsError):
            load_security(bad)
    assert load_security().per_user.lockout_after == 10  # the committed file
