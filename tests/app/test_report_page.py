"""AppTest of the 通报 page: renders, labels from the catalogue, a month change changes the preview."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app.pages import open_page


def _preview(at: AppTest) -> str:
    frames = [el for el in at.main if el.type == "iframe"]
    assert len(frames) == 1
    return frames[0].proto.srcdoc


def test_report_page_previews_and_offers_four_files(app_env: Path) -> None:
    at = open_page("pages/report.py", timeout=90)
    assert not at.exception
    assert at.title[0].value == "通报"
    assert any("演示数据" in w.value for w in at.warning)
    month = at.selectbox(key="report_month")
    assert month.label == "通报月份" and month.value == "2026-10"
    # the files are rendered when a button is pressed (tests/e2e/test_report_page.py downloads the PDF)
    assert {b.label for b in at.get("download_button")} == {"下载 PDF", "下载 Word", "下载 HTML", "下载 Excel"}
    assert any("尚未填写" in i.value for i in at.info)  # the office's text is a draft until written
    first = _preview(at)
    assert "2026年10月运行情况通报" in first and "演示数据" in first

    month.set_value("2026-09").run()
    assert not at.exception
    second = _preview(at)
    assert second != first
    assert "2026年9月运行情况通报" in second and "2026年10月运行情况通报" not in second


def test_report_page_in_english(app_env: Path) -> None:
    at = open_page("pages/report.py", timeout=90, lang="en")
    assert not at.exception
    assert at.selectbox(key="report_month").label == "Report month"
    assert {b.label for b in at.get("download_button")} == {
        "Download PDF", "Download Word", "Download HTML", "Download Excel",
    }  # fmt: skip
