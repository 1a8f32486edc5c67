"""管理 admin: accounts, publishing and correcting months (定榜), the audited look-up of one order's personal
data, and the audit log."""

from __future__ import annotations

import polars as pl
import streamlit as st

from labels import has, relabel, t
from pages.components import data
from pages.components.auth import page_access
from pages.components.grid import show_frame
from pages.components.layout import page_header
from pages.components.record_admin import record_section
from warehouse import audit
from warehouse.users import ROLES, list_users

AUDIT_SCHEMA = {"seq": pl.Int64, "at": pl.String, "event": pl.String, "user": pl.String, "role": pl.String,
                "details": pl.String}  # fmt: skip

lang = page_header("page_admin")
access = page_access()
if not access.sees_unmasked:
    st.error(t("no_permission", lang))
    st.stop()

st.subheader(t("admin_users", lang))
users = list_users()
if users:
    accounts = pl.DataFrame(
        [{"user": u.name, "role": t("role_" + u.role, lang), "county": u.county or ""} for u in users]
    )
    show_frame(accounts.rename(relabel(accounts.columns, lang)))
st.caption(t("admin_users_hint", lang))

record_section(access, lang)

st.subheader(t("admin_lookup", lang))
st.caption(t("admin_lookup_hint", lang))
order_id = st.text_input(t("field_order_id", lang), key="admin_order_id").strip()
if order_id:
    found = data.raw_order(data.warehouse_stamp(), access.viewer, order_id)
    audit.record("view_unmasked", access.user.name, access.role, order_id=order_id, found=found.height)
    if found.is_empty():
        st.info(t("admin_not_found", lang))
    else:
        show_frame(found.transpose(include_header=True, column_names=["value"]))  # no download: one audited view

st.subheader(t("admin_audit", lang))
events = audit.read_events(200)
if events:
    table = pl.DataFrame(audit.flat_events(events), schema=AUDIT_SCHEMA).with_columns(
        pl.col("event").replace({e: t(f"audit_{e}", lang) for e in audit.EVENTS if has(f"audit_{e}")}),
        pl.col("role").replace({r: t(f"role_{r}", lang) for r in ROLES}),
    )
    show_frame(table.rename(relabel(table.columns, lang)))
else:
    st.info(t("admin_audit_empty", lang))
