"""AppTest of 总览: KPIs with change, the volume chart, red and black lists; filters and language."""

from __future__ import annotations

from pathlib import Path

from tests.app.pages import open_page, plotly_specs

KPI_LABELS = ["受理量", "派单量", "直接答复率", "响应率", "按时办结率", "解决率", "满意率", "综合得分"]
# the demo's last month ends at the as-of time: its lagging figures are marked
INCOMPLETE = {"按时办结率", "解决率", "满意率", "综合得分"}
OCTOBER_LABELS = [f"{k}（未完整）" if k in INCOMPLETE else k for k in KPI_LABELS]


def test_overview_shows_kpis_with_change_and_red_black_lists(app_env: Path) -> None:
    at = open_page()
    assert not at.exception
    assert at.title[0].value == "总览"
    assert any("演示数据" in w.value for w in at.warning)
    assert [m.label for m in at.metric[:8]] == OCTOBER_LABELS  # then the value-vs-target panel (issue 15)
    metrics = {m.label: m for m in at.metric[:8]}
    assert metrics["响应率"].value.endswith("%") and "个百分点" in metrics["响应率"].delta
    assert metrics["综合得分（未完整）"].delta.endswith("分")
    assert any("上期按同一时点" in c.value for c in at.caption)  # compared like for like
    assert at.selectbox(key="f_month").value == "2026-10"  # latest complete month by default
    assert any("与上期（2026年9月）比较" in c.value for c in at.caption)
    assert [tab.label for tab in at.tabs][:1] == ["区县"]
    assert any(tab.label.startswith("承办单位 · ") for tab in at.tabs)
    assert any(c.value.startswith("红黑榜规则（依据综合得分）：") for c in at.caption)  # the rule beside the lists
    (volume,) = plotly_specs(at)
    assert volume["layout"]["yaxis"]["title"]["text"] == "工单数（件）"
    assert "Noto Sans CJK SC" in volume["layout"]["font"]["family"]


def test_changing_the_month_changes_the_figures(app_env: Path) -> None:
    at = open_page()
    before = {m.label: m.value for m in at.metric}
    at.selectbox(key="f_month").set_value("2026-08").run()
    assert not at.exception
    after = {m.label: m.value for m in at.metric}
    assert after["受理量"] != before["受理量"]
    assert [m.label for m in at.metric[:8]] == KPI_LABELS  # August is mature: nothing marked
    assert any("与上期（2026年7月）比较" in c.value for c in at.caption)


def test_first_month_has_no_change_and_quarter_works(app_env: Path) -> None:
    at = open_page()
    at.selectbox(key="f_month").set_value("2026-07").run()
    assert not at.exception
    assert all(not m.delta for m in at.metric[:8])  # no June data: nothing to compare with
    at.selectbox(key="f_kind").set_value("quarter").run()
    assert not at.exception
    assert at.selectbox(key="f_quarter").value == "2026-Q3"


def test_overview_in_english(app_env: Path) -> None:
    at = open_page()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "Response rate" in [m.label for m in at.metric]
    assert any("pp" in (m.delta or "") for m in at.metric)


def test_no_warehouse_is_explained(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOTLINE_DB", str(tmp_path / "none.duckdb"))
    at = open_page()
    assert not at.exception
    assert "make run" in at.info[0].value


def test_unreadable_warehouse_is_explained(tmp_path: Path, monkeypatch) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("HOTLINE_DB", str(bad))
    at = open_page()
    assert not at.exception
    assert at.error and "无法读取" in at.error[0].value


def test_a_load_while_the_app_is_open_keeps_every_page_working(demo_db: Path, tmp_path: Path, monkeypatch) -> None:
    """The CLI swaps the warehouse file while a session is open: the next rerun reads the new file."""
    import shutil

    from etl.democity.generate import write_demo
    from etl.load import load_files
    from warehouse.parts import parts_dir

    db = tmp_path / "wh" / "hotline.duckdb"
    db.parent.mkdir()
    shutil.copy(demo_db, db)
    shutil.copytree(parts_dir(demo_db), parts_dir(db))  # the order rows live beside the file (warehouse.parts)
    key = demo_db.with_name("phone_hash.key")
    if key.exists():
        shutil.copy(key, db.with_name(key.name))
    monkeypatch.setenv("HOTLINE_DB", str(db))
    at = open_page()
    before = {m.label: m.value for m in at.metric}
    load_files(write_demo(tmp_path / "more", months=1, orders_per_month=300, seed=99), db=db, mark_demo=True)
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["受理量"] != before["受理量"]
    for page in ("pages/rankings.py", "pages/trends.py", "pages/about.py"):
        at.switch_page(page).run()
        assert not at.exception, page


def test_an_unreadable_warehouse_names_check_and_restore(tmp_path: Path, monkeypatch) -> None:
    """The dashboard said "re-run etl load" to a damaged warehouse; the fix is `restore`."""
    import os

    from etl.load import load_files
    from tests.conftest import order_row, write_csv

    db = tmp_path / "wh" / "hotline.duckdb"
    load_files([write_csv(tmp_path / "a.csv", [order_row(f"A{i}") for i in range(300)])], db=db, mark_demo=True)
    load_files([write_csv(tmp_path / "b.csv", [order_row("B1")])], db=db, mark_demo=True)  # a backup to go back to
    data = bytearray(db.read_bytes())
    for offset in range(3 * 4096, len(data), 7 * 4096):  # damaged blocks, a readable header
        data[offset + 100 : offset + 200] = os.urandom(100)
    db.write_bytes(bytes(data))
    monkeypatch.setenv("HOTLINE_DB", str(db))
    monkeypatch.setenv("HOTLINE_USERS", str(tmp_path / "users.json"))
    at = open_page()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "python -m warehouse restore" in shown and "etl load" not in shown
