"""Issue 20 on the pages (AppTest, the session demo): the rankings' integrity columns and the flag's
explanation; the unit profile's 考核完整性 section with the first and final satisfaction of the redo-heavy
unit, the over-excluder's flag and the overdue orders by working days late (the backlog's ages: tests/app/test_backlog.py)."""

from __future__ import annotations

from pathlib import Path

from etl.democity.integrity import OVER_EXCLUDER, REDO_UNIT
from tests.app.pages import open_page


def _department_quarter(page: str):
    at = open_page(page)
    at.sidebar.radio(key="f_level").set_value("department").run()
    at.selectbox(key="f_kind").set_value("quarter").run()  # 2026 Q3, the demo's last whole quarter
    return at


def test_rankings_integrity_columns_and_the_flag_explained(app_env: Path) -> None:
    at = _department_quarter("pages/rankings.py")
    at.selectbox(key="f_group").set_value("市直部门").run()
    at.toggle(key="rk_integrity").set_value(True).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert {
        "无效工单量",
        "豁免工单量",
        "不计入考核率",
        "重办率",
        "首次满意率",
        "最终满意率",
        "实际解决占比",
        "排除偏多",
    } <= set(table.columns)
    row = table[table["单位"] == OVER_EXCLUDER].iloc[0]
    assert "排除偏多" in row["标记"] and "本组中位数" in row["排除偏多"]
    assert any("排除偏多" in c.value and "中位数" in c.value for c in at.caption)


def test_unit_profile_shows_the_redo_gap_and_the_overdue_ages(app_env: Path) -> None:
    at = _department_quarter("pages/unit_profile.py")
    at.selectbox(key="f_group").set_value("市直部门").run()
    box = at.selectbox(key="up_unit_department_市直部门")
    box.set_value(REDO_UNIT).run()
    assert not at.exception
    assert "考核完整性" in [s.value for s in at.subheader]
    cards = {m.label: m.value for m in at.metric}
    assert cards["首次满意率"].endswith("%") and cards["最终满意率"].endswith("%")
    assert float(cards["最终满意率"][:-1]) - float(cards["首次满意率"][:-1]) > 20
    assert any("首次满意率" in w.value and "重办" in w.value for w in at.warning)
    assert {"超期 1–3 个工作日", "超期 15 个工作日以上"} <= set(cards)
    assert any(c.value.startswith("重办口径：部分按重复来电推算") for c in at.caption)  # vendor C's month: the proxy
    limits = next(df.value for df in at.dataframe if "办理时限" in df.value.columns)
    assert {"二级分类", "按时办结率"} <= set(limits.columns)
    assert limits["办理时限"].str.contains("个工作日|小时|导出所带").all()
    box.set_value(OVER_EXCLUDER).run()
    assert any(w.value.startswith("排除偏多（") for w in at.warning)
