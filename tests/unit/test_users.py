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
    assert run("remove", "li").returncode == 0 and run("list").stdout == ""
    lines = [json.loads(line) for line in (tmp_path / "audit.log").read_text(encoding="utf-8").splitlines()]
    assert [(e["event"], e["details"]["action"], e["details"]["name"]) for e in lines] == [
        ("users", "add", "li"),
        ("users", "remove", "li"),
    ]
    assert lines[0]["details"]["account_role"] == "leader"
