"""Issue 14: the published record (定榜). Publish a month, load a later export that changes its orders: the
published ranking stays byte for byte, --live shows the new one with what moved; an edited byte fails
verify naming the month; a correction is a new version; rules of a published month cannot change silently."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from etl.__main__ import main as etl_main
from tests.record_city import EXEMPTED, LATE_ORDER, REANSWERED, first_export, later_export
from warehouse import audit, record
from warehouse.__main__ import main as wh
from warehouse.access import OrderAccessError, Viewer
from warehouse.calendar import Period
from warehouse.connection import connect_read
from warehouse.record_diff import changed_order_counts, changed_orders
from warehouse.settings import DEFAULT_SETTINGS_PATH

MARCH = "2024-03"
FORMATS = ("table", "csv", "json")


@pytest.fixture
def city(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """March and April loaded, March published; the later export written, not loaded."""
    monkeypatch.setenv("HOTLINE_KEY_FILE", str(tmp_path / "key"))
    monkeypatch.setenv("HOTLINE_SETTINGS", str(DEFAULT_SETTINGS_PATH))
    monkeypatch.delenv("HOTLINE_RECORD", raising=False)
    monkeypatch.delenv("HOTLINE_AUDIT", raising=False)
    exports = tmp_path / "exports"
    assert etl_main(["load", str(first_export(exports)), "--db", str(db)]) == 0
    assert wh(["publish", "--month", MARCH, "--db", str(db), "--user", "zhang"]) == 0
    return {"db": db, "later": later_export(exports), "record": db.parent / "record"}


def rankings(db: Path, capsys, *extra: str) -> dict[tuple[str, str], str]:
    capsys.readouterr()
    out = {}
    for level in ("county", "department", "township"):
        for fmt in FORMATS:
            assert wh(["rankings", "--level", level, "--month", MARCH, "--db", str(db), "--format", fmt, *extra]) == 0
            out[(level, fmt)] = capsys.readouterr().out
    return out


def test_a_later_export_leaves_the_published_ranking_byte_identical(city, capsys) -> None:
    db = city["db"]
    before = rankings(db, capsys)
    year_ago = rankings(db, capsys, "--compare", "year_ago")  # 同比: the rank changes against 2023-03, as published
    assert "已定榜" in before[("department", "table")] and "未定榜" not in before[("department", "table")]
    assert etl_main(["load", str(city["later"]), "--db", str(db)]) == 0
    assert rankings(db, capsys) == before  # every level, every format, byte for byte
    assert rankings(db, capsys, "--compare", "year_ago") == year_ago
    assert {r["compared_with"] for r in json.loads(year_ago[("department", "json")])} == {"2023-03"}  # not 环比's
    assert {r["compared_with"] for r in json.loads(before[("department", "json")])} == {"2024-02"}
    live = rankings(db, capsys, "--live")
    assert live[("department", "csv")] != before[("department", "csv")]
    rows = {r["unit"]: r for r in json.loads(live[("department", "json")])}
    assert rows["市卫生健康委员会"]["assessed"] == 26 and rows["市卫生健康委员会"]["figures"] == "live"  # 4 exempted
    published = {r["unit"]: r for r in json.loads(before[("department", "json")])}
    assert published["市卫生健康委员会"]["assessed"] == 30 and published["市卫生健康委员会"]["figures"] == "published"
    table = live[("department", "table")]
    assert "实时重算" in table and "与定榜相比：工单 变化 6 件，新增 1 件，移出 0 件" in table
    assert "市卫生健康委员会 考核工单量：30 → 26" in table
    assert wh(["rankings", "--level", "department", "--month", "2024-04", "--db", str(db)]) == 0
    assert "未定榜" in capsys.readouterr().out


@pytest.mark.parametrize("target", ["data", "orders", "chain"])
def test_editing_one_byte_of_the_record_fails_verify_naming_the_month(city, capsys, target: str) -> None:
    folder = city["record"]
    assert wh(["verify", "--db", str(city["db"])]) == 0
    path = {"data": folder / "2024-03.v1.json", "orders": folder / "2024-03.v1.orders.parquet",
            "chain": folder / "chain.jsonl"}[target]  # fmt: skip
    original = path.read_bytes()
    spot = original.index(b'"as_of":"2024-04-28') + 10 if target != "orders" else len(original) // 2
    edited = bytearray(original)
    edited[spot] = ord("5") if edited[spot] != ord("5") else ord("6")
    path.write_bytes(bytes(edited))
    capsys.readouterr()
    assert wh(["verify", "--db", str(city["db"])]) == 2
    err = capsys.readouterr().err
    assert "2024-03" in err and "定榜记录校验失败" in err
    path.write_bytes(original)
    assert wh(["verify", "--db", str(city["db"])]) == 0


def test_an_edited_figure_is_never_shown_and_a_cut_record_fails(city, capsys) -> None:
    folder, db = city["record"], city["db"]
    data = folder / "2024-03.v1.json"
    original = data.read_bytes()
    data.write_bytes(original.replace(b'"rank":6', b'"rank":1', 1))
    assert wh(["rankings", "--level", "department", "--month", MARCH, "--db", str(db)]) == 2
    assert "被改动" in capsys.readouterr().err  # the page, the CLI and the bulletin refuse edited figures
    data.write_bytes(original)
    chain = folder / "chain.jsonl"
    chain.write_bytes(b"")  # the whole history cut away: the head still knows one version existed
    assert wh(["verify", "--db", str(db)]) == 2
    assert "chain.head" in capsys.readouterr().err


def test_a_correction_is_a_new_version_and_both_are_listed(city, capsys) -> None:
    db = city["db"]
    assert etl_main(["load", str(city["later"]), "--db", str(db)]) == 0
    assert wh(["reopen", "--month", MARCH, "--db", str(db), "--reason", ""]) == 2  # a reason is required
    assert wh(["publish", "--month", MARCH, "--db", str(db)]) == 2  # published already: correct it instead
    assert "reopen" in capsys.readouterr().err
    assert wh(["reopen", "--month", MARCH, "--db", str(db), "--reason", "申诉通过：4 件考核豁免", "--user", "li"]) == 0
    out = capsys.readouterr().out
    assert "2024-03 已更正为第 2 版" in out and "考核工单量：30 → 26" in out
    assert wh(["record", "--month", MARCH, "--db", str(db)]) == 0
    listing = capsys.readouterr().out
    assert "2024-03 第 1 版" in listing and "zhang" in listing
    assert "2024-03 第 2 版" in listing and "原因：申诉通过：4 件考核豁免" in listing and "li（cli）" in listing
    assert {p.name for p in city["record"].iterdir()} >= {"2024-03.v1.json", "2024-03.v2.json"}  # nothing overwritten
    now = rankings(db, capsys)
    assert "第 2 版" in now[("department", "table")]
    assert json.loads(now[("department", "json")])[0]["record_version"] == 2
    events = [(e["event"], e["details"].get("version")) for e in audit.read_events(db=db)]
    assert ("publish", 1) in events and ("reopen", 2) in events
    assert wh(["verify", "--db", str(db)]) == 0


def test_a_rule_change_for_a_published_month_is_refused_until_reopened(
    city, tmp_path: Path, monkeypatch, capsys
) -> None:
    db = city["db"]
    settings = tmp_path / "settings.toml"
    committed = DEFAULT_SETTINGS_PATH.read_text(encoding="utf-8")
    settings.write_text(committed + '\n[[rule_changes]]\nfrom = "2024-03"\nmin_sample = 31\n', encoding="utf-8")
    monkeypatch.setenv("HOTLINE_SETTINGS", str(settings))
    capsys.readouterr()
    assert wh(["rebuild", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "2024-03" in err and "min_sample" in err and "reopen" in err
    assert etl_main(["load", str(city["later"]), "--db", str(db)]) == 2  # a load is refused too, and changes nothing
    assert "已拒绝" in capsys.readouterr().err
    settings.write_text(committed + '\n[[rule_changes]]\nfrom = "2024-05"\nmin_sample = 31\n', encoding="utf-8")
    assert etl_main(["load", str(city["later"]), "--db", str(db)]) == 0  # from a later month: fine
    settings.write_text(committed + '\n[[rule_changes]]\nfrom = "2024-03"\nmin_sample = 31\n', encoding="utf-8")
    assert wh(["reopen", "--month", MARCH, "--db", str(db), "--reason", "新规则追溯至三月"]) == 0
    assert wh(["rebuild", "--db", str(db)]) == 0  # the record now holds March under the new rules
    entries = record.read_chain(city["record"])
    assert [e.rules["min_sample"] for e in entries] == [10, 31]


def test_the_record_survives_a_load_a_rebuild_and_a_restore(city, capsys) -> None:
    db = city["db"]
    before = rankings(db, capsys)
    assert etl_main(["load", str(city["later"]), "--db", str(db)]) == 0
    assert wh(["rebuild", "--db", str(db)]) == 0
    assert wh(["restore", "--db", str(db)]) == 0
    assert wh(["verify", "--db", str(db)]) == 0
    assert rankings(db, capsys) == before
    assert oct(os.stat(city["record"]).st_mode & 0o777) == "0o700"
    assert {oct(p.stat().st_mode & 0o777) for p in city["record"].iterdir()} == {"0o600"}


def test_changed_orders_go_through_the_viewer(city) -> None:
    db = city["db"]
    assert etl_main(["load", str(city["later"]), "--db", str(db)]) == 0
    con = connect_read(db)
    try:
        march = Period.month(MARCH)
        assert changed_order_counts(con, march) == {"changed": 6, "added": 1, "removed": 0}  # anyone: counts
        with pytest.raises(OrderAccessError):
            changed_orders(con, Viewer("public"), march)
        rows = {r["order_id"]: r for r in changed_orders(con, Viewer("oversight", "o"), march).iter_rows(named=True)}
        scoped = changed_orders(con, Viewer("leader", "l", county="青岚区"), march)
    finally:
        con.close()
    assert set(rows) == {*EXEMPTED, *REANSWERED, LATE_ORDER}
    assert rows[EXEMPTED[0]]["change"] == "changed" and "考核豁免：否→是" in rows[EXEMPTED[0]]["what_changed"]
    assert "考核工单：是→否" in rows[EXEMPTED[0]]["what_changed"]
    assert "满意度：不满意→满意" in rows[REANSWERED[0]]["what_changed"]
    assert rows[LATE_ORDER]["change"] == "added"
    assert set(scoped["county"]) == {"青岚区"} and 0 < scoped.height < len(rows)


def test_history_counts_the_months_on_the_black_list(city, capsys) -> None:
    db = city["db"]
    assert etl_main(["load", str(city["later"]), "--db", str(db)]) == 0  # the data reaches past April's end
    assert wh(["publish", "--month", "2024-04", "--db", str(db)]) == 0
    capsys.readouterr()
    assert wh(["history", "--level", "department", "--unit", "市卫生健康委员会", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "2024 年：定榜 2 个月，上黑榜 2 个月（2024-03、2024-04），上红榜 0 个月" in out
    assert (
        wh(["history", "--level", "department", "--unit", "市住房和城乡建设局", "--db", str(db), "--format", "json"])
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [(r["month"], r["rank"], r["is_red"]) for r in rows] == [("2024-03", 1, True), ("2024-04", 1, True)]
    assert wh(["history", "--level", "department", "--unit", "无此单位", "--db", str(db)]) == 2


def test_publishing_needs_a_finished_month(city, capsys) -> None:
    assert wh(["publish", "--month", "2024-05", "--db", str(city["db"])]) == 2
    assert "尚未结束" in capsys.readouterr().err
    shutil.rmtree(city["record"])
    assert wh(["verify", "--db", str(city["db"])]) == 0  # no record yet: nothing to check
