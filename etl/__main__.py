"""Command line (``hotline-etl`` or ``python -m etl``): ``load FILE... [--db PATH] [--profile FILE|NAME] [--json]
[--strict]``, ``check-profile PROFILE [FILE]``, ``demo``, ``demo-map`` and ``--version``."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import duckdb

from etl import version
from etl.admission import LoadRefused
from etl.load import LoadSummary, load_files
from etl.profiles import ProfileError, resolve_profile_path, shadowed_shipped
from etl.progress import TerminalBar
from warehouse import audit
from warehouse.backups import WarehouseCorruptError
from warehouse.connection import WarehouseBusyError, resolve_db_path
from warehouse.settings import SettingsError

LABELS = {
    "files": "文件数",
    "rows_read": "读取行数",
    "loaded": "新增工单",
    "updated": "更新工单",
    "unchanged": "未变工单",
    "quarantined": "隔离行数",
    "duplicates": "重复行数",
    "rejected_files": "拒收文件",
    "cell_warnings": "单元格提示",
    "warnings": "文件提示",
}


def _print_table(summary: LoadSummary) -> None:
    for res in summary.details:
        head = f"{res.file}: {res.status}"
        if res.status == "loaded":
            head += f"（读取 {res.rows_read} 行：新增 {res.loaded}，更新 {res.updated}，未变 {res.unchanged}，"
            head += (
                f"隔离 {res.quarantined}，重复 {res.duplicates}，单元格提示 {res.cell_warnings}；{res.seconds:.1f} 秒）"
            )
        print(head)
        if res.message:
            print(f"  {res.message}")
        for warning in res.warnings:
            print(f"  提示：{warning}")
    print("合计：" + "，".join(f"{LABELS[k]} {getattr(summary, k)}" for k in LABELS))
    if summary.quarantined:
        print("被隔离的行及原因可在「数据」页面查看和下载（表 raw_quarantine）。")
    if summary.cell_warnings:
        print(
            "有单元格提示的行已导入（无法识别的是否有效/考核豁免/退单次数按空值处理，或有表头以外的单元格），"
            "见「数据」页面（表 raw_cell_warnings）。"
        )


def _missing_inputs(files: list[str]) -> list[str]:
    """The named files that are not there (or not files): the load does not start (exit 2)."""
    return [f for f in files if not Path(f).is_file()]


def _cmd_load(args: argparse.Namespace) -> int:
    missing = _missing_inputs(args.files)
    if missing:
        for name in missing:
            print(f"错误：找不到要导入的文件 {name}（file not found）：请检查路径；没有导入任何文件。", file=sys.stderr)
        return 2
    bar = TerminalBar(enabled=False if args.json else None)
    _say_which_profile(args.profile, args.db)
    try:
        summary = load_files(args.files, db=args.db, profile=args.profile, mark_demo=args.demo_data,
                             replace_demo=args.replace_demo, new_key=args.new_key, progress=bar)  # fmt: skip
    except (ProfileError, WarehouseBusyError, WarehouseCorruptError, LoadRefused, SettingsError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except duckdb.Error as exc:  # anything else DuckDB refuses: the load was discarded whole
        path = resolve_db_path(args.db)
        print(f"错误：导入失败，数据仓库保持原样（{str(exc).splitlines()[0]}）。如果仓库文件已损坏："
              f"python -m warehouse check --db {path}，再 python -m warehouse restore --db {path}", file=sys.stderr)  # fmt: skip
        return 2
    audit.record(
        "load", getpass.getuser(), "cli", db=summary.db, files=[r.file for r in summary.details],
        loaded=summary.loaded, updated=summary.updated, quarantined=summary.quarantined,
        rejected_files=summary.rejected_files, demo_discarded=summary.demo_discarded, key_note=summary.key_note,
    )  # fmt: skip
    if args.json:
        print(summary.to_json())
    else:
        _print_table(summary)
    _say_loudly(summary)
    for res in summary.details:
        if res.status == "rejected":
            print(f"拒收 {res.file}：{res.message}", file=sys.stderr)
    return 1 if args.strict and (summary.rejected_files or summary.quarantined or summary.warnings) else 0


def _say_which_profile(name: str | None, db: str | None) -> None:
    """A profile saved beside the warehouse under a shipped profile's name wins (etl.profiles): say so."""
    shipped = shadowed_shipped(name, db) if name else None
    if shipped:
        saved = resolve_profile_path(name, db)
        print(f"提示：导入配置名「{name}」使用数据仓库旁保存的 {saved}，而不是同名的内置配置 {shipped}"
              f"（a saved profile wins over a shipped one of the same name）", file=sys.stderr)  # fmt: skip


def _say_loudly(summary: LoadSummary) -> None:
    """What changed about the warehouse itself goes to stderr, framed, whatever the output format."""
    notes = []
    if summary.demo_discarded:
        notes.append(
            f"已丢弃全部演示数据（{summary.demo_discarded:,} 张虚构城市工单），数据仓库现为正式数据：从现在起仪表盘需要登录"
            "（账号：python -m warehouse users add 用户名 --role admin）。 / Every demo order was discarded; the warehouse"
            " now holds real data and the dashboard asks for a login."
        )
    if summary.key_note:
        notes.append(summary.key_note)
    for note in notes:
        print(f"{'!' * 60}\n{note}\n{'!' * 60}", file=sys.stderr)


def _warehouse_has_orders(db: str | None) -> bool:
    from warehouse.connection import connect_read

    try:
        con = connect_read(db)
    except (FileNotFoundError, WarehouseCorruptError):  # the load that follows says what is wrong
        return False
    try:
        return bool(con.execute("SELECT count(*) FROM stg_work_orders").fetchall()[0][0])
    except Exception:  # no tables yet
        return False
    finally:
        con.close()


def _cmd_demo(args: argparse.Namespace) -> int:
    from etl.democity.generate import write_demo

    if args.load_if_empty and _warehouse_has_orders(args.db):
        print("数据仓库已有数据，跳过演示数据导入。")
        return 0
    kwargs = {"months": args.months, "seed": args.seed}
    if args.orders_per_month:
        kwargs["orders_per_month"] = args.orders_per_month
    paths = write_demo(Path(args.out), **kwargs)
    for p in paths:
        print(p)
    if args.load_if_empty:
        summary = load_files(paths, db=args.db, mark_demo=True)
        _print_table(summary)
    return 0


def _cmd_demo_map(args: argparse.Namespace) -> int:
    from etl.democity.map import write_demo_map

    for path in write_demo_map(Path(args.out), args.seed):
        print(path)
    return 0


def _cmd_check_profile(args: argparse.Namespace) -> int:
    from etl.check_profile import run

    _say_which_profile(args.profile, args.db)
    return run(args.profile, args.file, args.json, args.strict, args.db)


def main(argv: list[str] | None = None) -> int:
    prog = "hotline-etl" if Path(sys.argv[0]).name == "hotline-etl" else "python -m etl"
    parser = argparse.ArgumentParser(prog=prog, description="12345 热线工单导入")
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="导入工单导出文件（CSV/XLSX/JSON）")
    load.add_argument("files", nargs="+", help="导出文件")
    load.add_argument("--db", help="数据仓库文件（默认 $HOTLINE_DB 或 data/hotline.duckdb）")
    load.add_argument("--profile", help="导入配置 TOML，或配置名：数据仓库旁 profiles/ 中保存的（同名时优先），"
                      "或内置的 open311、nyc311、boston311 …（默认：内置通用配置）")  # fmt: skip
    load.add_argument("--json", action="store_true", help="输出 JSON 汇总")
    load.add_argument("--strict", action="store_true", help="有拒收文件、隔离行或文件提示时以状态码 1 退出")
    kind = load.add_mutually_exclusive_group()
    kind.add_argument(
        "--demo-data", action="store_true", help="标记为演示数据（每个页面都会提示；不能导入含正式数据的仓库）"
    )
    kind.add_argument("--replace-demo", action="store_true",
                      help="丢弃演示数据仓库中的全部演示工单，转为正式数据（此后仪表盘需要登录）")  # fmt: skip
    load.add_argument("--new-key", action="store_true",
                      help="接受新的电话哈希密钥（原密钥丢失时；新旧工单之间不再识别重复诉求，记入导入记录）")  # fmt: skip
    load.set_defaults(func=_cmd_load)
    demo = sub.add_parser("demo", help="生成虚构城市的演示导出文件")
    demo.add_argument("--out", default="demo_exports")
    demo.add_argument("--months", type=int, default=13)
    demo.add_argument("--orders-per-month", type=int, default=None)
    demo.add_argument("--seed", type=int, default=12345)
    demo.add_argument("--load-if-empty", action="store_true", help="数据仓库为空时，生成后立即导入（标记为演示数据）")
    demo.add_argument("--db", help="数据仓库文件（与 --load-if-empty 一起使用）")
    demo.set_defaults(func=_cmd_demo)
    demo_map = sub.add_parser("demo-map", help="生成虚构城市的区县、乡镇街道边界（GeoJSON，设置 [map] 引用它们）")
    demo_map.add_argument("--out", default="config/map")
    demo_map.add_argument("--seed", type=int, default=12345)
    demo_map.set_defaults(func=_cmd_demo_map)
    check = sub.add_parser("check-profile", help="检查导入配置（可再给一个文件：看它会如何读取和映射），不导入")
    check.add_argument("profile", help="导入配置 TOML，或配置名（数据仓库旁 profiles/ 中保存的，或内置的 open311 …）")
    check.add_argument("file", nargs="?", help="用这个导出文件试读（不写入数据仓库）")
    check.add_argument("--json", action="store_true", help="输出 JSON")
    check.add_argument("--strict", action="store_true", help="有提示时以状态码 1 退出")
    check.add_argument("--db", help="按配置名查找时所用的数据仓库（其旁边的 profiles/ 文件夹；不打开仓库）")
    check.set_defaults(func=_cmd_check_profile)
    parser.add_argument("--version", action="version", version=f"hotline12345 {version()}")
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
