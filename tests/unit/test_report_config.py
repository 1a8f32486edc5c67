"""config/report.toml, how the bulletin is issued: strict and explained, like every settings file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reports.config import ReportConfig, ReportError, load_report_config
from reports.issued import issue_header
from warehouse.calendar import Period


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_reads_and_numbers_the_bulletin() -> None:
    config = load_report_config()
    header = issue_header(config, "云溪市", Period.month("2026-10"))
    assert header.doc_number == "云热线通〔2026〕10号"
    assert header.issue_date == dt.date(2026, 11, 6)  # 5th working day after 31 Oct 2026 (Sat/Sun 1–2 Nov off)
    assert header.office == header.signoff == header.printed_by == "云溪市12345政务服务便民热线管理办公室"


def test_settings_shape_the_header(tmp_path: Path) -> None:
    config = load_report_config(
        _write(
            tmp_path,
            """office = "云溪市热线办"
doc_number = "热线〔{year}〕第{month}期"
issue_workday = 0
signoff = "云溪市12345热线工作领导小组办公室"
copy_to = ["市委办公室", "市政府办公室"]
""",
        )
    )
    header = issue_header(config, "云溪市", Period.month("2026-02"), today=dt.date(2026, 3, 9))
    assert (header.office, header.doc_number, header.issue_date) == (
        "云溪市热线办",
        "热线〔2026〕第2期",
        dt.date(2026, 3, 9),
    )
    assert header.signoff == "云溪市12345热线工作领导小组办公室" and header.copy_to == ("市委办公室", "市政府办公室")
    assert header.printed_by == "云溪市热线办"


@pytest.mark.parametrize(
    ("text", "message"),
    [("issue_workday = -1", "issue_workday"), ('issue_workday = "5"', "issue_workday"), ('copy_to = "市委"', "copy_to"),
     ('doc_number = "{year}{seq}"', "doc_number"), ('offfice = "x"', "未知设置项")],
)  # fmt: skip
def test_a_bad_setting_is_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ReportError, match=message):
        load_report_config(_write(tmp_path, text))


def test_defaults_without_a_file() -> None:
    assert ReportConfig().doc_number == "{city_short}热线通〔{year}〕{number}号"


def test_every_settings_file_is_found_and_read_the_same_way(tmp_path: Path, monkeypatch) -> None:
    """One reader (warehouse.settings.read_toml) for settings, security, problems, reply rules and the
    report: a named file must exist, broken TOML is an error naming the file (the report config used
    to let tomllib's own error escape)."""
    from warehouse.problem_settings import load_problem_settings
    from warehouse.security import load_security
    from warehouse.settings import SettingsError, load_settings

    broken = _write(tmp_path, 'office = "未闭合')
    with pytest.raises(ReportError, match=r"report\.toml: TOML 格式错误"):
        load_report_config(broken)
    for load in (load_settings, load_security, load_problem_settings):
        with pytest.raises(SettingsError, match=r"report\.toml: TOML 格式错误"):
            load(broken)
        with pytest.raises(SettingsError, match=r"不存在.*nowhere\.toml"):
            load(tmp_path / "nowhere.toml")
    monkeypatch.setenv("HOTLINE_REPORT_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(ReportError, match=r"通报设置文件不存在.*gone\.toml"):
        load_report_config()
