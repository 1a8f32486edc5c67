"""通报: the monthly public report — pick a month, preview the bulletin, download PDF, HTML and Excel."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from labels import t
from pages.components import data
from pages.components import record_view as rv
from pages.components.auth import audited, page_access
from pages.components.bulletin_notes import text_editors
from pages.components.filters import period_label
from pages.components.layout import page_header
from pages.components.report_data import monthly_report, report_file, settings_key
from warehouse.calendar import Period
from warehouse.periods import latest_complete_month

MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

lang = page_header("page_report")
stamp = data.warehouse_stamp()
months = data.months(stamp)
as_of = data.build_info(stamp).get("as_of")
options = [m.strftime("%Y-%m") for m in reversed(months)]
intake = data.intake_months(stamp) or months
default = latest_complete_month(intake, dt.datetime.fromisoformat(as_of) if as_of else None).strftime("%Y-%m")
if st.session_state.get("report_month") not in options:
    st.session_state["report_month"] = default
st.caption(t("report_intro", lang))
month = st.selectbox(
    t("report_month", lang), options, key="report_month", format_func=lambda m: period_label(Period.month(m), lang)
)

fingerprint = settings_key()
try:
    with st.spinner(t("report_generating", lang)):
        report = monthly_report(stamp, month, fingerprint)
except Exception as exc:  # a report that cannot be built is explained, never a traceback
    st.error(t("report_failed", lang).format(error=exc), icon=":material/error:")
    st.stop()

rv.badge(stamp, Period.month(month), lang)
if report["is_partial"]:
    st.warning(t("report_partial", lang).format(as_of=report["as_of"]), icon=":material/schedule:")
if not report["text_written"]:
    st.info(t("bn_draft_note", lang), icon=":material/edit_note:")
cols = st.columns(4)
for col, ext in zip(cols, ("pdf", "docx", "html", "xlsx"), strict=True):
    name = f"{report['stem']}.{ext}"
    col.download_button(  # the file is rendered when the button is pressed (seconds for the PDF), then cached
        t(f"report_download_{ext}", lang),
        data=audited(name, lambda ext=ext: report_file(stamp, month, fingerprint, ext)),
        file_name=name,
        mime=MIME[ext],
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
        key=f"report_dl_{ext}",
    )
st.caption(t("report_cli_hint", lang).format(month=month))
text_editors(page_access().viewer, month, lang)
st.subheader(t("report_preview", lang))
st.iframe(report["html"], height=1000)
