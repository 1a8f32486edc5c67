"""What an office adds to a bulletin by hand: kept per month beside the warehouse, checked for personal
data, allowed to the right roles only, every change audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.access import OrderAccessError, Viewer
from warehouse.audit import read_events
from warehouse.bulletin_notes import (
    BulletinNoteError,
    case_summaries,
    mark_case,
    month_notes,
    save_text,
    unmark_case,
)

ANALYST = Viewer("analyst", "ana")
ADMIN = Viewer("admin", "wang")
LEADER = Viewer("leader", "qian")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOTLINE_AUDIT", str(tmp_path / "audit.log"))
    return tmp_path / "notes.json"


def test_text_is_kept_per_month_and_audited(demo_con, demo_month, store: Path) -> None:
    month = f"{demo_month.start:%Y-%m}"
    save_text(demo_con, ANALYST, month, "issues", "  部分单位超期办结较多。 ", path=store)
    save_text(demo_con, ADMIN, month, "requirements", "各单位要按时办结。", path=store)
    notes = month_notes(month, path=store)
    assert (notes.issues, notes.requirements) == ("部分单位超期办结较多。", "各单位要按时办结。")
    assert month_notes("2020-01", path=store).issues == ""
    assert store.stat().st_mode & 0o777 == 0o600
    assert [e["details"]["action"] for e in read_events(10) if e["event"] == "bulletin"] == [
        "text_requirements",
        "text_issues",
    ]  # fmt: skip  (newest first)
    with pytest.raises(OrderAccessError):
        save_text(demo_con, LEADER, month, "issues", "x", path=store)


def test_published_text_may_not_hold_personal_data(demo_con, demo_month, store: Path) -> None:
    month = f"{demo_month.start:%Y-%m}"
    (name,) = demo_con.sql(
        "SELECT r.citizen_name FROM raw_work_orders r JOIN fct_work_orders f USING (order_id) "
        "WHERE f.received_date BETWEEN ? AND ? AND r.citizen_name <> '匿名' LIMIT 1",
        params=[demo_month.start, demo_month.end],
    ).fetchall()[0]
    with pytest.raises(BulletinNoteError, match="电话"):
        save_text(demo_con, ADMIN, month, "issues", "请回电13912345678", path=store)
    with pytest.raises(BulletinNoteError, match="姓名") as refused:
        save_text(demo_con, ADMIN, month, "issues", f"{name}反映的问题要重视", path=store)
    assert name not in str(refused.value)  # the refusal itself names nobody
    assert month_notes(month, path=store).issues == ""


def test_only_an_admin_marks_a_typical_case_of_the_month(demo_con, demo_month, store: Path) -> None:
    month = f"{demo_month.start:%Y-%m}"
    (order_id, unit) = demo_con.sql(
        "SELECT order_id, department FROM fct_work_orders WHERE dispatched_date BETWEEN ? AND ? ORDER BY order_id LIMIT 1",
        params=[demo_month.start, demo_month.end],
    ).fetchall()[0]
    with pytest.raises(OrderAccessError):
        mark_case(demo_con, ANALYST, month, order_id, "department", unit, path=store)
    with pytest.raises(BulletinNoteError):
        mark_case(demo_con, ADMIN, "2020-01", order_id, "department", unit, path=store)
    mark_case(demo_con, ADMIN, month, order_id, "department", unit, path=store)
    mark_case(demo_con, ADMIN, month, order_id, "department", unit, path=store)  # twice is once
    cases = month_notes(month, path=store).cases
    assert [(c.order_id, c.unit, c.marked_by) for c in cases] == [(order_id, unit, "wang")]
    summary = case_summaries(demo_con, cases)[0]
    assert summary["order_id"] == order_id and summary["department"] == unit
    assert not {"content", "citizen_name", "citizen_phone", "citizen_phone_hash"} & set(summary)
    unmark_case(ADMIN, month, order_id, path=store)
    assert month_notes(month, path=store).cases == ()


def test_a_damaged_file_is_named_not_a_traceback(store: Path) -> None:
    store.write_text("{not json", encoding="utf-8")
    with pytest.raises(BulletinNoteError, match="已损坏"):
        month_notes("2026-10", path=store)
