"""The admin page's 定榜 section: publish a finished month, correct a published one with a reason.

Publishing writes only the record folder beside the warehouse (``warehouse.publish``); a correction under
changed build-time rules rebuilds the warehouse through the same copy-and-swap writer a load uses. Both
are audited by the warehouse as the signed-in user.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from labels import t
from pages.components import data
from pages.components import record_view as rv
from warehouse.access import Access
from warehouse.calendar import Period
from warehouse.connection import resolve_db_path
from warehouse.publish import publish_month, reopen_months
from warehouse.record import RecordError
from warehouse.settings import SettingsError

_FLASH = "admin_record_flash"


def publishable(stamp: tuple | None, done: set[str]) -> list[str]:
    """Months of intake whose last day the data reaches and that are not published yet, newest first."""
    as_of = data.build_info(stamp).get("as_of")
    if not as_of:
        return []
    end = dt.datetime.fromisoformat(as_of).date()
    months = data.intake_months(stamp) or data.months(stamp)
    return [f"{m:%Y-%m}" for m in reversed(months) if Period.month(m).end <= end and f"{m:%Y-%m}" not in done]


def record_section(access: Access, lang: str) -> None:
    st.subheader(t("admin_record", lang))
    st.caption(t("admin_record_hint", lang))
    if flash := st.session_state.pop(_FLASH, None):
        st.success(flash, icon=":material/verified:")
    stamp = data.warehouse_stamp()
    if stamp is None:
        st.info(t("no_warehouse", lang), icon=":material/database:")
        return
    done = set(rv.published_months(stamp))
    candidates = publishable(stamp, done)
    if candidates:
        left, right = st.columns([2, 1], vertical_alignment="bottom")
        month = left.selectbox(t("admin_publish_month", lang), candidates, key="admin_publish_month")
        if right.button(t("admin_publish", lang).format(month=month), type="primary", key="admin_publish"):
            _act(
                lambda: [publish_month(resolve_db_path(), month, access.user.name, access.role)],
                "admin_published",
                lang,
            )
    else:
        st.caption(t("admin_nothing_to_publish", lang))
    if not done:
        return
    with st.form("admin_reopen_form"):
        month = st.selectbox(t("admin_reopen_month", lang), sorted(done, reverse=True), key="admin_reopen_month")
        reason = st.text_area(t("admin_reopen_reason", lang), key="admin_reopen_reason", max_chars=500)
        if st.form_submit_button(t("admin_reopen", lang)):
            _act(lambda: reopen_months(resolve_db_path(), [month], reason, access.user.name, access.role),
                 "admin_reopened", lang)  # fmt: skip


def _act(action, message: str, lang: str) -> None:
    """Run a publication; a refusal is shown as the warehouse words it, a success after a rerun (the lists
    above then include the new version)."""
    try:
        entries = action()
    except (RecordError, SettingsError, ValueError) as exc:
        st.error(t("admin_record_failed", lang).format(error=exc), icon=":material/error:")
        return
    st.session_state[_FLASH] = " ".join(t(message, lang).format(month=e.month, version=e.version) for e in entries)
    st.rerun()
