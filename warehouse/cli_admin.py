"""``python -m warehouse users ...``, ``check``, ``backups`` and ``restore``: the admin commands."""

from __future__ import annotations

import argparse
import getpass
import sys

from warehouse import audit
from warehouse.backups import list_backups, replay_advice, restore, verify
from warehouse.connection import resolve_db_path
from warehouse.users import ROLES, UserError, add_user, list_users, remove_user, set_password


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
            print(f"已删除用户 {args.name}（其已登录的页面在下一次操作时退出）")
        elif args.action == "passwd":
            set_password(args.name, _password(args))
            audit.record("users", getpass.getuser(), "cli", action="passwd", name=args.name)
            print(f"已更改 {args.name} 的密码（其已登录的页面和登录保持均已失效）")
        elif args.action == "unlock":
            from warehouse.logins import succeeded

            succeeded(args.name)
            audit.record("users", getpass.getuser(), "cli", action="unlock", name=args.name)
            print(f"已解除 {args.name} 的登录锁定")
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
    print(
        f"{path}：完好（每张表和所列的每个分区文件都已完整读取并校验）/ intact (every table and every listed part read in full)"
    )
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    path = resolve_db_path(args.db)
    for i, b in enumerate(list_backups(path)):
        print(f"{i}\t{b.taken_at:%Y-%m-%d %H:%M:%S}\t{b.size_bytes / 2**20:.1f} MB\t{b.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = resolve_db_path(args.db)
    chosen = restore(path, args.version)
    audit.record("restore", getpass.getuser(), "cli", db=str(path), version=chosen.path.name)
    print(f"已恢复 {chosen.taken_at:%Y-%m-%d %H:%M:%S} 的版本到 {path}（原文件已改名保留）")
    print(replay_advice(path, chosen.taken_at))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """``audit verify``: exit 0 when every line follows from the one before, 2 naming the first that does not."""
    path = audit.audit_path(args.db)
    verdict = audit.verify(path)
    if not verdict.ok:
        print(f"审计日志 {path} 第 {verdict.broken_line} 行校验失败 / line {verdict.broken_line} fails: {verdict.reason}",
              file=sys.stderr)  # fmt: skip
        return 2
    if verdict.legacy:
        print(
            f"注意：前 {verdict.legacy} 行写于哈希链启用之前，无法校验 / the first {verdict.legacy} lines predate the chain"
        )
    print(f"审计日志完好 / audit log intact: {verdict.lines} 行 / lines, head {verdict.head or '—'}")
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
    pw = acts.add_parser("passwd", help="set a new password (ends the account's sessions)")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    acts.add_parser("unlock", help="clear the failed-login count of a user name").add_argument("name")
    acts.add_parser("list")


def add_check(sub: argparse._SubParsersAction) -> None:
    _db(sub.add_parser("check", help="read every table and every part file in full to detect a corrupt warehouse"))


def add_backups(sub: argparse._SubParsersAction) -> None:
    _db(sub.add_parser("backups", help="list the kept previous versions (0 = newest)"))


def add_restore(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("restore", help="put a kept version back as the live warehouse")
    _db(p)
    p.add_argument("--version", type=int, default=0, help="which backup (0 = newest)")


def add_audit(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="check that the audit log has not been edited (hash chain)")
    acts = p.add_subparsers(dest="action", required=True)
    _db(acts.add_parser("verify", help="exit 0 if intact, 2 naming the first broken line"))
