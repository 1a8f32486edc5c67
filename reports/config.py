"""config/report.toml: what the bulletin prints that the warehouse cannot know — the city's name, the
issuing office, the 文号 pattern, the date and the sign-off. Validated strictly, like every settings file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse.settings import PROJECT_ROOT, SettingsError, read_toml

REPORT_CONFIG = PROJECT_ROOT / "config" / "report.toml"


class ReportError(ValueError):
    """The report cannot be made (no such month, empty warehouse); the message says what to do."""


@dataclass(frozen=True)
class ReportConfig:
    """config/report.toml: the names printed on the bulletin (the warehouse knows no city name) and how it
    is issued (发文机关, 文号, date, sign-off, 抄送)."""

    city_name: str = ""
    issuer: str = ""
    demo_city_name: str = "云溪市"
    office: str = ""
    doc_number: str = "{city_short}热线通〔{year}〕{number}号"
    issue_workday: int = 5
    signoff: str = ""
    copy_to: tuple[str, ...] = ()
    printed_by: str = ""


def load_report_config(path: str | os.PathLike[str] | None = None) -> ReportConfig:
    """``HOTLINE_REPORT_CONFIG`` or config/report.toml; a missing default file gives the defaults."""
    try:
        p, data = read_toml(path, "HOTLINE_REPORT_CONFIG", REPORT_CONFIG, "通报设置文件")
    except SettingsError as exc:
        raise ReportError(str(exc)) from exc
    if data is None:
        return ReportConfig()
    known = set(ReportConfig.__dataclass_fields__)
    unknown = set(data) - known
    if unknown:
        raise ReportError(f"{p}: 未知设置项 {sorted(unknown)}（可用 {', '.join(sorted(known))}）")
    return ReportConfig(**{k: _config_value(p, k, v) for k, v in data.items()})


def _config_value(path: Path, key: str, value: Any) -> Any:
    if key == "issue_workday":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 30:
            raise ReportError(f"{path}: issue_workday 应为 0–30 的整数（0 = 生成当天），而不是 {value!r}")
        return value
    if key == "copy_to":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ReportError(f'{path}: copy_to 应为字符串列表，如 ["市委办公室", "市政府办公室"]')
        return tuple(v.strip() for v in value if v.strip())
    if key == "doc_number":
        try:
            str(value).format(year=2026, month=1, number=1, city="", city_short="")
        except (KeyError, IndexError, ValueError):
            raise ReportError(
                f"{path}: doc_number 只能用 {{year}} {{month}} {{number}} {{city}} {{city_short}}，而不是 {value!r}"
            ) from None
    return str(value).strip()
