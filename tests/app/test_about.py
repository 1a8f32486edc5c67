"""AppTest of 说明: definitions from the registry, rules, settings in force, as-of time."""

from __future__ import annotations

from pathlib import Path

from tests.app.pages import open_page
from warehouse.metrics_doc import RULES
from warehouse.problems_doc import PROBLEM_RULES
from warehouse.registry import RATES

PAGE = "pages/about.py"


def test_about_renders_registry_rules_settings_and_freshness(app_env: Path) -> None:
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "说明"
    assert any("演示数据" in w.value for w in at.warning)
    assert [s.value for s in at.subheader] == [
        "数据时效", "指标定义", "排名层级", "规则说明", "当前设置", "规则沿革", "一类问题、预警与热词",
    ]  # fmt: skip
    rates = at.table[0].value
    assert set(rates["指标"]) == {m.label_zh for m in RATES} | {"综合得分"}
    assert set(rates["定义"]) >= {m.definition_zh for m in RATES}
    markdown = "\n".join(m.value for m in at.markdown)
    assert all(zh in markdown for zh, _ in RULES)
    assert "数据截止时间" in markdown and "2026-10-31" in markdown
    settings = at.table[-3].value
    assert "最小样本（考核工单数）" in set(settings["设置项"])
    assert at.table[-2].value["生效月份"].to_list() == ["自始"]  # no rule change in the committed settings
    assert all(zh in markdown for zh, _ in PROBLEM_RULES)
    assert {"clusters.window_days", "alerts.alpha", "hot_words.reference_months"} <= set(at.table[-1].value["设置项"])


def test_about_in_english(app_env: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "About"
    assert "Response rate" in set(at.table[0].value["Metric"])
    markdown = "\n".join(m.value for m in at.markdown)
    assert all(en in markdown for _, en in RULES)


def test_about_warns_when_settings_changed_since_the_load(app_env: Path, tmp_path: Path, monkeypatch) -> None:
    """Only a rule applied at build time needs a reload; weights, samples and lists apply when read."""
    settings = tmp_path / "settings.toml"
    # the demo was built with the committed file's limits catalogue; a file naming none derives deadlines by
    # appeal type alone, itself a build-time change (below)
    catalogue = 'time_limits_file = "config/time_limits.csv"\n'
    settings.write_text("min_sample = 25\n" + catalogue, encoding="utf-8")
    monkeypatch.setenv("HOTLINE_SETTINGS", str(settings))
    at = open_page(PAGE)
    assert not at.exception
    assert not any("在最近一次导入之后有改动" in w.value for w in at.warning)
    assert "25" in set(at.table[-3].value["取值"])
    settings.write_text("repeat_window_days = 7\n" + catalogue, encoding="utf-8")
    at = open_page(PAGE)
    assert any("在最近一次导入之后有改动" in w.value for w in at.warning)
    settings.write_text("min_sample = 25\n", encoding="utf-8")
    at = open_page(PAGE)
    assert any("在最近一次导入之后有改动" in w.value for w in at.warning)


def test_about_lists_the_history_of_rules(app_env: Path, tmp_path: Path, monkeypatch) -> None:
    """Issue 14: a rule change from a month on is listed with its basis and what it changed."""
    settings = tmp_path / "settings.toml"
    settings.write_text(
        '[[rule_changes]]\nfrom = "2027-01"\nnote = "2027 年考核办法"\n[rule_changes.composite_weights]\non_time = 0.2\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("HOTLINE_SETTINGS", str(settings))
    at = open_page(PAGE)
    assert not at.exception
    history = at.table[-2].value
    assert history["生效月份"].to_list() == ["自始", "2027-01"]
    assert history["依据"].to_list()[1] == "2027 年考核办法"
    assert history["改动"].to_list()[1] == "composite_weights.on_time: 0.0 → 0.2"
