"""Cached generation of the monthly public report for the 通报 page.

The page shows the draft (figures, text, chart images through Chromium, the HTML) and renders a file
only when its download button is pressed: the PDF through WeasyPrint and the Word file take seconds
each, and most visits only read the preview. Both are cached per warehouse file stamp, month and
settings fingerprint: a load or a settings edit makes a new report.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.components.bulletin_notes import notes_stamp
from pages.components.data import _con
from reports.assemble import load_report_config
from reports.build import ReportDraft, draft_report
from warehouse.problem_settings import load_problem_settings
from warehouse.settings import load_settings


def settings_key() -> str:
    """Weights, minimum sample and list size are read when the report is built, the names on the bulletin
    come from config/report.toml, the office's text and typical cases from the bulletin notes, the problem
    finders' settings from config/problems.toml: all are part of the cache key."""
    return f"{load_settings().fingerprint()}|{load_report_config()!r}|{notes_stamp()}|{load_problem_settings()!r}"


@st.cache_resource(ttl=3600, max_entries=8, show_spinner=False)
def _draft(stamp: tuple[int, int] | None, month: str, settings_fp: str) -> ReportDraft:
    """One draft per key, shared by every session (read only: the files are rendered from it)."""
    return draft_report(_con(), month)  # the shared reader: it reopens after a load swapped the file


def monthly_report(stamp: tuple[int, int] | None, month: str, settings_fp: str) -> dict[str, Any]:
    """What the page says about the report and its preview, as plain values."""
    draft = _draft(stamp, month, settings_fp)
    return {
        "title": draft.data.title,
        "stem": draft.stem,
        "as_of": draft.data.as_of,
        "is_partial": draft.data.is_partial,
        "html": draft.html,
        "text_written": bool(draft.data.issues_text and draft.data.requirements_text),
    }


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def report_file(stamp: tuple[int, int] | None, month: str, settings_fp: str, ext: str) -> bytes:
    """One of the report's files (``pdf``, ``docx``, ``html``, ``xlsx``), rendered when a download asks."""
    return _draft(stamp, month, settings_fp).render(ext)
