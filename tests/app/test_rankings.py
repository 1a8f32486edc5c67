"""AppTest of 排名: per-level league tables, detail toggle, exports, drill-down, filters, language."""

from __future__ import annotations

from pathlib import Path

from tests.app.pages import open_page, plotly_specs

PAGE = "pages/rankings.py"
BASE_COLUMNS = [
    "名次",
    "变化",
    "单位",
    "派单量",
    "考核工单量",
    "响应率",
    "按时办结率（未完整）",  # the demo's last month ends at the as-of time: lagging figures are marked
    "推算时限占比",  # where deadlines came from, beside 按时办结率
    "解决率（未完整）",
    "满意率（未完整）",
    "综合得分（未完整）",
    "标记",
    "目标",  # each rate against the settings' [targets]: 达标 or the gap
]


def test_county_ranking_by_default(app_env: Path) -> None:
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "排名"
    assert any("演示数据" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert list(table.columns) == BASE_COLUMNS
    assert table["名次"].iloc[0] == 1
    assert table["响应率"].between(0, 100).all()  # percentages, not fractions
    assert [b.label for b in at.get("download_button")][:2] == ["下载 CSV", "下载 Excel"]
    (scores,) = plotly_specs(at)
    assert scores["layout"]["xaxis"]["title"]["text"] == "综合得分（分）"


def test_level_and_group_change_the_table(app_env: Path) -> None:
    at = open_page(PAGE)
    counties = set(at.dataframe[0].value["单位"])
    at.sidebar.radio(key="f_level").set_value("department").run()
    assert not at.exception
    group = at.selectbox(key="f_group").value
    departments = set(at.dataframe[0].value["单位"])
    assert departments and departments.isdisjoint(counties)
    other = next(o for o in at.selectbox(key="f_group").options if o != group)
    at.selectbox(key="f_group").set_value(other).run()
    assert not at.exception
    assert set(at.dataframe[0].value["单位"]).isdisjoint(departments)
    at.sidebar.radio(key="f_level").set_value("township").run()
    assert not at.exception
    county = at.selectbox(key="f_county").value
    assert any(county in c.value and "乡镇街道" in c.value for c in at.caption)


def test_detail_toggle_adds_numerators_denominators_and_intervals(app_env: Path) -> None:
    at = open_page(PAGE)
    at.toggle(key="rk_detail").set_value(True).run()
    assert not at.exception
    columns = list(at.dataframe[0].value.columns)
    assert {"按时响应量", "应办结量", "按时办结量", "响应率 95%区间", "综合得分 95%区间"} <= set(columns)
    interval = at.dataframe[0].value["响应率 95%区间"].iloc[0]
    low, high = (float(x) for x in interval.split("–"))
    assert 0 <= low <= at.dataframe[0].value["响应率"].iloc[0] <= high <= 100


def test_drilldown_lists_the_orders_behind_a_figure(app_env: Path) -> None:
    at = open_page(PAGE)
    table = at.dataframe[0].value
    unit = table["单位"].iloc[0]
    at.selectbox(key="drill_metric").set_value("response_rate").run()
    at.selectbox(key="drill_part").set_value("denominator").run()
    assert not at.exception
    assert any(c.value == f"共 {table['考核工单量'].iloc[0]:,} 件工单。" for c in at.caption), unit


def test_rankings_in_english(app_env: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Rankings"
    assert {"Rank", "Unit", "Response rate", "Composite score (incomplete)", "Flags"} <= set(
        at.dataframe[0].value.columns
    )


def test_quarter_year_and_date_range_periods(app_env: Path) -> None:
    import datetime as dt

    at = open_page(PAGE)
    month_table = at.dataframe[0].value
    at.selectbox(key="f_kind").set_value("quarter").run()
    assert not at.exception
    assert any("2026年第3季度" in c.value for c in at.caption)
    at.selectbox(key="f_kind").set_value("year").run()
    assert not at.exception
    assert any("2026年" in c.value for c in at.caption)
    year_table = at.dataframe[0].value
    assert year_table["派单量"].sum() > month_table["派单量"].sum()  # sum over the year, not one month
    at.selectbox(key="f_kind").set_value("range").run()
    assert not at.exception
    at.date_input(key="f_range").set_value((dt.date(2026, 9, 10), dt.date(2026, 10, 9))).run()
    assert not at.exception
    assert any("2026-09-10 至 2026-10-09" in c.value for c in at.caption)


def test_filters_hold_across_pages_even_through_a_page_without_them(app_env: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.radio(key="f_level").set_value("department").run()
    at.selectbox(key="f_month").set_value("2026-09").run()
    at.switch_page("pages/about.py").run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception
    assert at.sidebar.radio(key="f_level").value == "department"
    assert at.selectbox(key="f_month").value == "2026-09"
