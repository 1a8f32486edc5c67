"""The office's own part of the bulletin, edited on the pages: 存在问题 / 工作要求 text on 通报 (analysts and
administrators) and 典型案例 marked on 单位画像 (administrators). The rules — who may, what may not be
published — are ``warehouse.bulletin_notes``'s; these widgets only collect and show."""

from __future__ import annotations

import streamlit as st

from labels import t
from pages.components.data import _con
from pages.components.markup import md
from warehouse.access import OrderAccessError, Viewer
from warehouse.bulletin_notes import (
    CASE_ROLES,
    TEXT_ROLES,
    BulletinNoteError,
    mark_case,
    month_notes,
    notes_path,
    save_text,
    unmark_case,
)


def notes_stamp() -> int | None:
    """Changes whenever the notes file does: part of the bulletin's cache key."""
    try:
        return notes_path().stat().st_mtime_ns
    except FileNotFoundError:
        return None


def text_editors(viewer: Viewer, month: str, lang: str) -> None:
    """The month's 存在问题 and 工作要求, editable by the roles that write the bulletin."""
    if viewer.role not in TEXT_ROLES:
        return
    notes = month_notes(month)
    with st.expander(t("bn_text_title", lang), icon=":material/edit_note:"):
        st.caption(t("bn_text_note", lang))
        for section, current in (("issues", notes.issues), ("requirements", notes.requirements)):
            text = st.text_area(t(f"bn_{section}", lang), current, height=140, key=f"bn_{section}_{month}")
            if st.button(t("bn_save", lang), key=f"bn_save_{section}_{month}", icon=":material/save:"):
                try:
                    save_text(_con(), viewer, month, section, text)
                except (BulletinNoteError, OrderAccessError) as exc:
                    st.error(str(exc), icon=":material/block:")
                else:
                    st.success(t("bn_saved", lang), icon=":material/check:")


def case_marker(viewer: Viewer, level: str, unit: str, county: str | None, month: str, lang: str) -> None:
    """Administrators mark an order of the unit as a typical case of its dispatch month."""
    if viewer.role not in CASE_ROLES:
        return
    notes = month_notes(month)
    with st.expander(t("bn_cases_title", lang).format(month=month, n=len(notes.cases)), icon=":material/star:"):
        st.caption(t("bn_cases_note", lang))
        order_id = st.text_input(t("bn_case_id", lang), key=f"bn_case_{unit}_{month}").strip()
        if st.button(t("bn_mark", lang), key=f"bn_mark_{unit}_{month}", disabled=not order_id):
            try:
                mark_case(_con(), viewer, month, order_id, level, unit, county)
            except (BulletinNoteError, OrderAccessError) as exc:
                st.error(str(exc), icon=":material/block:")
            else:
                st.success(t("bn_marked", lang).format(order_id=md(order_id)), icon=":material/check:")
                notes = month_notes(month)
        for case in notes.cases:
            left, right = st.columns([4, 1], vertical_alignment="center")
            left.text(f"{case.order_id} · {case.unit}")
            if right.button(t("bn_unmark", lang), key=f"bn_unmark_{case.order_id}"):
                unmark_case(viewer, month, case.order_id)
                st.rerun()
