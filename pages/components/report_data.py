"""Cached generation of the monthly public report for the 通报 page.

One build (charts through Chromium, the PDF through WeasyPrint) takes seconds, so it is cached per
warehouse file stamp, month and settings fingerprint: a load or a settings edit makes a new report.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.components.bulletin_notes import notes_stamp
from pages.components.data import _con
from reports.assemble import load_report_config
from reports.build import build_report
from warehouse.problem_settings import load_problem_settings
from warehouse.settings import load_settings


def settings_key() -> str:
    """Weights, minimum sample and list size are read when the report is built, the names on the bulletin
    come from config/report.toml, the office's text and typical cases from the bulletin notes, the problem
    finders' settings from config/problems.toml: all are part of the cache key."""
    return f"{load_settings().fingerprint()}|{load_report_config()!r}|{notes_stamp()}|{load_problem_settings()!r}"


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def monthly_report(stamp: tuple[int, int] | None, month: str, settings_fp: str) -> dict[str, Any]:
    """The four files and what the page says about them, as plain values (picklable for the cache)."""
    files = build_report(_con(), month)  # the shared reader: it reopens after a load swapped the file
    return {
        "title": files.data.title,
        "stem": files.stem,
        "as_of": files.data.as_of,
        "is_partial": files.data.is_partial,
        "html": files.html,
        "pdf": files.pdf,
        "xlsx": files.xlsx,
        "docx": files.docx,
        "text_written": bool(files.data.issues_text and files.data.requirements_text),
        "seconds": files.timings.get("total"),
    }
