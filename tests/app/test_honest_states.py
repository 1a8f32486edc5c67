"""AppTest of what the pages say when the source cannot supply a figure: "—" with the reason, never 0 or
None, and empty states that say exactly what is true.

Two small exports shaped like the real ones: one like Baltimore 311 (no first contact, callback, return
count or caller) and one like the 泰迪杯 message board (no county or department column at all).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.load import load_files
from tests.app.pages import open_page
from tests.conftest import HEADER, order_row, write_csv

LIKE_BALTIMORE = [
    h for h in HEADER if h not in ("首次联系时间", "签收时间", "是否解决", "满意度", "退单次数", "回访时间", "联系电话")
]
LIKE_TAIDI = [h for h in HEADER if h not in ("所属区县", "乡镇街道", "承办单位")]


def _orders() -> list[dict[str, str]]:
    rows = []
    for i in range(12):
        rows.append(order_row(f"A{i}", received="2024-03-05 09:00:00", 所属区县="甲区", 承办单位="水务局"))
        rows.append(order_row(f"B{i}", received="2024-03-05 09:00:00", 所属区县="乙区", 承办单位="城管局",
                              办结时间="2024-03-25 10:00:00"))  # fmt: skip
    return rows


@pytest.fixture
def baltimore_like(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "wh" / "b.duckdb"
    load_files([write_csv(tmp_path / "b.csv", _orders(), header=LIKE_BALTIMORE)], db=db, mark_demo=True)
    monkeypatch.setenv("HOTLINE_DB", str(db))
    return db


@pytest.fixture
def taidi_like(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "wh" / "t.duckdb"
    load_files([write_csv(tmp_path / "t.csv", _orders(), header=LIKE_TAIDI)], db=db, mark_demo=True)
    monkeypatch.setenv("HOTLINE_DB", str(db))
    return db


def _no_none(at) -> None:
    for frame in (df.value for df in at.dataframe):
        assert not frame.isna().any().any(), frame


def test_overview_says_what_the_source_lacks(baltimore_like: Path) -> None:
    at = open_page()
    assert not at.exception
    cards = {m.label.split("（")[0]: m for m in at.metric[:8]}  # the KPI cards (then the target panel)
    assert cards["响应率"].value == "—" and cards["综合得分"].value == "—"  # not 0.0 %
    assert "首次联系时间" in cards["响应率"].help
    assert cards["按时办结率"].value == "50.0%"
    assert any("来源数据不含首次联系时间" in c.value for c in at.caption)
    lists = [i.value for i in at.info]
    assert any("没有综合得分" in m and "首次联系时间" in m for m in lists), lists
    assert not any("考核工单均少于最小样本" in m for m in lists)


def test_rankings_show_dashes_and_rank_by_the_rate_the_source_has(baltimore_like: Path) -> None:
    at = open_page("pages/rankings.py")
    assert not at.exception
    assert any("没有单位可按综合得分排名" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert set(table["响应率"]) == {"—"} and set(table[next(c for c in table.columns if c.startswith("综合得分"))]) == {
        "—"
    }
    assert set(table["名次"]) == {"—"}
    _no_none(at)
    at.segmented_control(key="rk_by").set_value("on_time_rate").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["单位"]) == ["甲区", "乙区"] and list(table["名次"]) == [1, 2]  # county level by default
    assert not at.warning or not any("没有单位可按" in w.value for w in at.warning)


def test_unit_profile_never_says_none_where_it_cannot_know(baltimore_like: Path) -> None:
    at = open_page("pages/unit_profile.py")
    assert not at.exception
    tabs = {tab.label.split(" · ")[0]: tab.label.split(" · ")[1] for tab in at.tabs}
    assert tabs["不满意"] == "—" and tabs["退单"] == "—" and tabs["重复诉求"] == "—"
    assert not any(s.value.startswith("本期没有哪个分类的满意率") for s in at.success)  # no false green
    assert any("无法列出此类工单" in i.value for i in at.info)
    _no_none(at)


def test_no_unit_column_is_not_no_dispatched_orders(taidi_like: Path) -> None:
    at = open_page("pages/rankings.py")
    assert not at.exception
    (message,) = [i.value for i in at.info]
    assert "派单 24 件" in message and "区县" in message and "没有派单" not in message
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert any("没有区县和承办单位" in i.value for i in at.info)
    at.switch_page("pages/unit_profile.py").run()
    assert any("来源数据没有区县、乡镇街道和承办单位" in i.value for i in at.info)
    at.switch_page("pages/hot_topics.py").run()
    assert any("派单 24 件" in i.value for i in at.info) and not any("没有派单" in i.value for i in at.info)


def test_hot_topics_do_not_call_an_absent_field_none(baltimore_like: Path) -> None:
    at = open_page("pages/hot_topics.py")
    assert not at.exception
    assert any("无法判断重复诉求和退单" in i.value for i in at.info)
    assert not any("所选期间没有重复诉求或退单" in i.value for i in at.info)
    # no order names a place (like Baltimore's, which has no content): not "no recurring problem"
    assert any("无法找出一类问题（不是没有）" in i.value for i in at.info)
    assert not any("本期没有达到条件的一类问题" in i.value for i in at.info)


def test_trends_say_why_there_is_nothing_to_draw(baltimore_like: Path) -> None:
    at = open_page("pages/trends.py")
    assert not at.exception
    assert any("来源数据不含首次联系时间" in i.value and "没有可画的走势" in i.value for i in at.info)  # the score
    _no_none(at)
    at.selectbox(key="tr_metric").set_value("on_time_rate").run()
    assert not at.exception
    assert not any("没有可画的走势" in i.value for i in at.info)
