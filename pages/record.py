"""定榜记录: the published months — each version with who, when and why, what each correction changed, and
what moved since publication (figures, and the changed orders as the viewer may see them)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from labels import t
from pages.components import data
from pages.components import record_view as rv
from pages.components.auth import page_access
from pages.components.grid import show_frame
from pages.components.layout import page_header
from pages.components.markup import md
from warehouse.calendar import Period
from warehouse.record import RecordError

lang = page_header("page_record")
stamp = data.warehouse_stamp()
months = rv.published_months(stamp)
if not months:
    st.info(t("rec_none", lang), icon=":material/verified:")
    st.stop()
month = st.selectbox(t("rec_month", lang), months, key="rec_month")
period = Period.month(month)
try:
    rv.badge(stamp, period, lang)
    versions = rv.versions(stamp, month)
except RecordError as exc:
    st.error(t("rec_broken", lang).format(error=exc), icon=":material/gpp_bad:")
    st.stop()

st.subheader(t("rec_versions_title", lang))
table = pl.DataFrame(
    [{k: v[k] for k in ("version", "at", "user", "reason", "as_of", "orders")} for v in versions],
    schema={"version": pl.Int64, "at": pl.String, "user": pl.String, "reason": pl.String, "as_of": pl.String,
            "orders": pl.Int64},
)  # fmt: skip
show_frame(table.rename({"at": "published_at", "user": "published_by"}).pipe(rv.headers, lang))
for v in versions[1:]:
    title = t("rec_version_changes", lang).format(version=v["version"], previous=v["version"] - 1)
    with st.expander(title, icon=":material/difference:", expanded=v is versions[-1]):
        st.caption(f"{t('reason', lang)}：{md(v['reason'])}")
        if v["changes"].is_empty():
            st.caption(t("rec_no_moved", lang))
        else:
            show_frame(rv.moved_table(v["changes"], lang), height=min(35 * (v["changes"].height + 1) + 3, 420))

st.subheader(t("rec_live_title", lang))
st.caption(t("rec_live_caption", lang))
rv.differences(stamp, period, page_access().viewer, lang)
st.caption(t("rec_verify_hint", lang))
