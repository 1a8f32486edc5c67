"""AppTest of 大屏 (issue 15, item 6): the month's key figures, the county map, the lists and the
backlog on one dark screen, refreshing itself; the month and refresh from the URL."""

from __future__ import annotations

from pathlib import Path

from tests.app.pages import open_page, plotly_specs


def test_the_wall_screen(app_env: Path) -> None:
    at = open_page("pages/wall.py")
    assert not at.exception
    labels = [m.label.removesuffix("（未完整）") for m in at.metric]  # lagging figures of a young month are marked
    assert labels == ["受理量", "派单量", "响应率", "按时办结率", "解决率", "满意率", "综合得分", "超期未办结"]
    assert "按时办结率（未完整）" in [m.label for m in at.metric]  # October is not mature at the data's end
    assert any(md.value.startswith("## 12345 热线 · 2026年10月") for md in at.markdown)
    assert any("每 5 分钟自动刷新" in c.value for c in at.caption)
    kinds = [[trace["type"] for trace in spec["data"]] for spec in plotly_specs(at)]
    assert kinds[0][:2] == ["scattergeo", "choropleth"] and len(kinds) == 3  # map, backlog by county, trend
    assert any("红榜" in md.value for md in at.markdown)


def test_the_url_picks_the_month_and_the_refresh(app_env: Path) -> None:
    at = open_page("pages/wall.py")
    at.query_params["month"] = "2026-08"
    at.query_params["refresh"] = "5"  # below the floor: 30 s
    at.run()
    assert not at.exception
    assert any(md.value.startswith("## 12345 热线 · 2026年8月") for md in at.markdown)
    assert any("每 0.5 分钟自动刷新" in c.value for c in at.caption)
    at.query_params["month"] = "1999-01"  # not in the data: the latest complete month
    at.run()
    assert any(md.value.startswith("## 12345 热线 · 2026年10月") for md in at.markdown)
