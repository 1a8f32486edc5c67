"""``python -m warehouse users ...``, ``check``, ``backups`` and ``restore``: the admin commands."""

from __future__ import annotations

import argparse
import getpass
import sys

from warehouse import audit
from warehouse.backups import list_backups, restore, verify
from warehouse.connection import resolve_db_path
from warehouse.users import ROLES, UserError, add_user, list_users, remove_user


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 / password: ")
    if getpass.getpass("再输一次 / again: ") != first:
        raise UserError("两次输入的密码不一致")
    return first


def cmd_users(args: argparse.Namespace) -> int:
    try:
        if args.action == "add":
            user = add_user(args.name, args.role, _password(args), county=args.county)
            audit.record("users", getpass.getuser(), "cli", action="add", name=user.name, account_role=user.role)
            print(f"已添加用户 {user.name}（{user.role}{'，' + user.county if user.county else ''}）")
        elif args.action == "remove":
            remove_user(args.name)
            audit.record("users", getpass.getuser(), "cli", action="remove", name=args.name)
            print(f"已删除用户 {args.name}")
        else:
            for u in list_users():
                print(f"{u.name}\t{u.role}\t{u.county or ''}")
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    path = resolve_db_path(args.db)
    verify(path)
    print(f"{path}：完好（每张表都已完整读取并校验）")
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    path = resolve_db_path(args.db)
    for i, b in enumerate(list_backups(path)):
        print(f"{i}\t{b.taken_at:%Y-%m-%d %H:%M:%S}\t{b.size_bytes / 2**20:.1f} MB\t{b.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = resolve_db_path(args.db)
    chosen = restore(path, args.version)
    print(f"已恢复 {chosen.taken_at:%Y-%m-%d %H:%M:%S} 的版本到 {path}（原文件已改名保留）")
    return 0


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="warehouse file (default: $HOTLINE_DB or data/hotline.duckdb)")


def add_users(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="manage dashboard accounts (salted scrypt hashes in a local file)")
    acts = p.add_subparsers(dest="action", required=True)
    add = acts.add_parser("add")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--county", help="limit a leader account to one county")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    rm = acts.add_parser("remove")
    rm.add_argument("name")
    acts.add_parser("list")


def add_check(sub: argparse._SubParsersAction) -> None:
    _db(sub.add_parser("check", help="read every table in full to detect a corrupt warehouse"))


def add_backups(sub: argparse._SubParsersAction) -> None:
    _db(sub.add_parser("backups", help="list the kept previous versions (0 = newest)"))


def add_restore(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("restore", help="put a kept version back as the live warehouse")
    _db(p)
    p.add_argument("--version", type=int, default=0, help="which backup (0 = newest)")
