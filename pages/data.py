"""数据: load an export from the browser (mapping shown first), the load history, the quarantine with
its reasons, and the data-quality figures per month and per file."""

from __future__ import annotations

import duckdb
import streamlit as st

from labels import t
from pages.components import data
from pages.components import oversight_data as od
from pages.components.auth import page_access
from pages.components.charts import build_volume_figure
from pages.components.data_sections import cell_warnings_section, quarantine_section, upload_section
from pages.components.layout import page_header
from pages.components.oversight_charts import build_quality_figure
from pages.components.oversight_tables import (
    HISTORY_COLUMNS,
    QUALITY_COLUMNS,
    file_stamp,
    show_table,
    with_status_labels,
)


def _has_data(stamp) -> bool:
    """An empty or missing warehouse still gets the upload (the first load can come from here)."""
    try:
        return stamp is not None and bool(data.months(stamp))
    except (duckdb.Error, OSError):
        return True  # unreadable: page_header has explained and stopped


lang = page_header("page_data", allow_empty=True)  # first: the access check (see layout.page_header)
stamp = data.warehouse_stamp()
if not _has_data(stamp):
    st.info(t("dp_first_load", lang), icon=":material/database:")
    upload_section(lang)
    st.stop()

upload, history, quarantine, quality = st.tabs(
    [t(k, lang) for k in ("dp_tab_upload", "dp_tab_history", "dp_tab_quarantine", "dp_tab_quality")]
)
with upload:
    upload_section(lang)

with history:
    viewer = page_access().viewer  # load messages quote the files: masked for all but admin
    volume, loads, q_summary = (
        od.volume_by_month(stamp),
        data.load_history(stamp, viewer),
        data.quarantine_summary(stamp),
    )
    cols = st.columns(4)
    cols[0].metric(t("kpi_orders", lang), f"{int(volume['received_count'].sum()):,}", border=True)
    cols[1].metric(t("kpi_months", lang), volume.height, border=True)
    cols[2].metric(t("kpi_files", lang), int((loads["status"] == "loaded").sum()), border=True)
    cols[3].metric(t("kpi_quarantined", lang), f"{int(q_summary['row_count'].sum()):,}", border=True)
    st.subheader(t("volume_title", lang))
    st.plotly_chart(build_volume_figure(volume, lang), width="stretch")
    st.caption(t("volume_note_all", lang))
    st.subheader(t("load_history", lang))
    loads = with_status_labels(loads.rename({"status": "load_status"}), lang, "load_status")
    show_table(loads, HISTORY_COLUMNS, lang)

with quarantine:
    quarantine_section(stamp, q_summary, lang)
    cell_warnings_section(stamp, lang)

with quality:
    by_month, by_file = od.quality_by_month(stamp), od.quality_by_file(stamp)
    st.plotly_chart(build_quality_figure(by_month, lang), width="stretch")
    st.caption(t("dq_note", lang))
    st.subheader(t("dq_by_month", lang))
    show_table(by_month, ("month", *QUALITY_COLUMNS), lang, download=file_stamp(t("dq_by_month", lang)))
    st.subheader(t("dq_by_file", lang))
    show_table(by_file, ("source_file", "rows_read", *QUALITY_COLUMNS, "quarantined_count"), lang,
               download=file_stamp(t("dq_by_file", lang)))  # fmt: skip
