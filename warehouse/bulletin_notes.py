"""What an office adds to a month's bulletin by hand: the 存在问题 and 工作要求 text, and the orders an
administrator marks as 典型案例 (typical cases) on the unit profile.

Kept beside the warehouse in ``bulletin_notes.json`` (mode 600; ``HOTLINE_BULLETIN_NOTES`` overrides), not
in the warehouse file: a load replaces that file, and these are the office's words, not the data. Written
under a lock and atomically, every change audited.

Who may: the 存在问题 / 工作要求 text — analysts and administrators (the hotline centre writes the
bulletin); marking a typical case — administrators only. The text is published, so it is refused when it
holds a phone or ID number, or the name of a caller of that month; a typical case is printed only as a
summary generated from the order's fields (:func:`case_summaries`), never the caller's words.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from warehouse import audit
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.connection import resolve_db_path
from warehouse.masking import mask_text

SECTIONS = ("issues", "requirements")  # 存在问题, 工作要求
TEXT_ROLES = frozenset({"analyst", "admin"})
CASE_ROLES = frozenset({"admin"})
MAX_TEXT = 4000
MAX_CASES = 10
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class BulletinNoteError(ValueError):
    """A note that cannot be saved (the message says why and what to change)."""


@dataclass(frozen=True)
class Case:
    order_id: str
    level: str
    unit: str
    county: str | None
    marked_by: str
    marked_at: str


@dataclass(frozen=True)
class MonthNotes:
    month: str
    issues: str = ""
    requirements: str = ""
    cases: tuple[Case, ...] = ()


def notes_path() -> Path:
    env = os.environ.get("HOTLINE_BULLETIN_NOTES")
    return Path(env) if env else resolve_db_path().parent / "bulletin_notes.json"


def _month(month: str) -> str:
    if not _MONTH.match(month or ""):
        raise BulletinNoteError(f"月份格式应为 YYYY-MM：{month!r}")
    return month


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"months": {}}
    except ValueError:
        raise BulletinNoteError(
            f"通报备注文件 {path} 已损坏，无法读取；请从备份恢复，或删除后重新填写。/ The bulletin notes file is damaged."
        ) from None
    return data if isinstance(data, dict) and isinstance(data.get("months"), dict) else {"months": {}}


@contextlib.contextmanager
def _changing(path: Path) -> Iterator[dict[str, Any]]:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = _read(path)
        yield data
        tmp = path.with_name(path.name + ".tmp")
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(out, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, path)


def month_notes(month: str, path: Path | None = None) -> MonthNotes:
    """The notes of ``month`` ('YYYY-MM'); empty when nothing was written."""
    entry = _read(path or notes_path())["months"].get(_month(month), {})
    cases = tuple(Case(**c) for c in entry.get("cases", ()))
    return MonthNotes(
        month, entry.get("issues", {}).get("text", ""), entry.get("requirements", {}).get("text", ""), cases
    )


def _callers_of(con: duckdb.DuckDBPyConnection, month: str) -> set[str]:
    period = Period.month(month)
    rows = con.sql(
        """SELECT DISTINCT trim(r.citizen_name) FROM raw_work_orders AS r JOIN fct_work_orders AS f USING (order_id)
           WHERE f.received_date BETWEEN $start AND $end AND length(trim(r.citizen_name)) >= 2""",
        params={"start": period.start, "end": period.end},
    ).fetchall()
    return {n for (n,) in rows if n and n not in ("匿名",)}


def check_text(con: duckdb.DuckDBPyConnection, month: str, text: str) -> None:
    """Refuse published text holding a phone or ID number or a caller's name of the month."""
    if len(text) > MAX_TEXT:
        raise BulletinNoteError(f"文字过长（{len(text)} 字，最多 {MAX_TEXT} 字）/ too long")
    if mask_text(text) != text:
        raise BulletinNoteError(
            "文字中有电话、身份证号或长串数字，通报不能含个人信息，请删去。/ remove phone or ID numbers"
        )
    named = sorted(n for n in _callers_of(con, month) if n in text)
    if named:
        shown = "、".join(mask_text(n, [n]) or "" for n in named[:3])
        raise BulletinNoteError(
            f"文字中有本月来电人的姓名（{shown}），通报不能含个人信息，请删去。/ remove callers' names"
        )


def save_text(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, month: str, section: str, text: str, path: Path | None = None
) -> None:
    """Keep the month's 存在问题 (``issues``) or 工作要求 (``requirements``) text, checked and audited."""
    viewer.require(TEXT_ROLES, "通报文字的编辑")
    if section not in SECTIONS:
        raise BulletinNoteError(f"section 应为 {SECTIONS} 之一：{section!r}")
    text = text.strip()
    check_text(con, _month(month), text)
    with _changing(path or notes_path()) as data:
        entry = data["months"].setdefault(month, {})
        entry[section] = {"text": text, "by": viewer.user, "at": _now()}
    audit.record("bulletin", viewer.user, viewer.role, action=f"text_{section}", month=month, chars=len(text))


def mark_case(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    month: str,
    order_id: str,
    level: str,
    unit: str,
    county: str | None = None,
    path: Path | None = None,
) -> None:
    """Mark an order of ``unit`` dispatched in ``month`` as a typical case of that month's bulletin."""
    viewer.require(CASE_ROLES, "典型案例的标记")
    period = Period.month(_month(month))
    found = con.sql(
        "SELECT count(*) FROM fct_work_orders WHERE order_id = $id AND dispatched_date BETWEEN $start AND $end",
        params={"id": order_id, "start": period.start, "end": period.end},
    ).fetchall()[0][0]
    if not found:
        raise BulletinNoteError(f"{month} 没有派单的工单 {order_id}，不能作为该月的典型案例。")
    with _changing(path or notes_path()) as data:
        cases = data["months"].setdefault(month, {}).setdefault("cases", [])
        if any(c["order_id"] == order_id for c in cases):
            return
        if len(cases) >= MAX_CASES:
            raise BulletinNoteError(f"每月最多 {MAX_CASES} 个典型案例，请先取消一个。")
        cases.append({"order_id": order_id, "level": level, "unit": unit, "county": county,
                      "marked_by": viewer.user, "marked_at": _now()})  # fmt: skip
    audit.record("bulletin", viewer.user, viewer.role, action="mark_case", month=month, order_id=order_id)


def unmark_case(viewer: Viewer, month: str, order_id: str, path: Path | None = None) -> None:
    viewer.require(CASE_ROLES, "典型案例的标记")
    with _changing(path or notes_path()) as data:
        entry = data["months"].setdefault(_month(month), {})
        entry["cases"] = [c for c in entry.get("cases", []) if c["order_id"] != order_id]
    audit.record("bulletin", viewer.user, viewer.role, action="unmark_case", month=month, order_id=order_id)


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def case_summaries(con: duckdb.DuckDBPyConnection, cases: tuple[Case, ...] | list[Case]) -> list[dict[str, Any]]:
    """Each case as the facts a bulletin may print: when, where (township, never a smaller place), what
    (category and appeal type), who handled it and how it ended. Generated from the order's fields:
    no caller, no phone, no word of the content."""
    if not cases:
        return []
    rows = con.sql(
        """SELECT order_id, received_at, appeal_type, category_l1, category_l2, category_l3, county, township,
                  department, dispatched_at, closed_at, is_closed_on_time, return_count, resolution, satisfaction,
                  is_repeat
           FROM fct_work_orders WHERE list_contains($ids, order_id)""",
        params={"ids": [c.order_id for c in cases]},
    ).pl()
    by_id = {r["order_id"]: r for r in rows.iter_rows(named=True)}
    return [{**by_id[c.order_id], "marked_unit": c.unit} for c in cases if c.order_id in by_id]
