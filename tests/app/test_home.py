"""AppTest of the data-at-a-glance page: renders, labels from the catalogue, language switch."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_home_page_in_chinese_and_english(app_env: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "数据概况"
    assert any("演示数据" in w.value for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["月份数"] == "4" and int(metrics["工单总数"].replace(",", "")) > 1500
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Data at a glance"
    assert "Months" in {m.label for m in at.metric}


def test_empty_warehouse_explains_what_to_do(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOTLINE_DB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "make run" in at.info[0].value
