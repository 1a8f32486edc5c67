"""The monthly public report (SPEC §6): ``python -m reports monthly --month YYYY-MM``."""

from reports.assemble import ReportConfig, ReportData, ReportError, assemble_report
from reports.build import ReportFiles, build_report, generate_report

__all__ = [
    "ReportConfig",
    "ReportData",
    "ReportError",
    "ReportFiles",
    "assemble_report",
    "build_report",
    "generate_report",
]
