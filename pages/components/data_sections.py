"""The two interactive parts of the data page: uploading an export and browsing the quarantine."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

from labels import t
from pages.components import data
from pages.components import oversight_data as od
from pages.components.auth import audited, page_access
from pages.components.export import to_csv_bytes, to_xlsx_bytes
from pages.components.mapping_check import progress_bar, required_status, save_form, saved_note, show_check
from pages.components.mapping_editor import (
    choose_start,
    file_check,
    is_dirty,
    mapping_form,
    rules_form,
    start_label,
    timing_form,
)
from pages.components.markup import md
from pages.components.oversight_tables import (
    QUARANTINE_COLUMNS,
    SUMMARY_COLUMNS,
    file_stamp,
    present,
    show_table,
    with_reason_labels,
    with_status_labels,
)
from pages.components.upload import (
    ACCEPTED_TYPES,
    LoadRefused,
    SavedUpload,
    load_upload,
    save_upload,
    summary_frame,
)
from warehouse import audit
from warehouse.access import Viewer
from warehouse.connection import WarehouseBusyError
from warehouse.previews import preview_messages
from warehouse.users import has_users

RESULT_KEY = "dp_result"
QUARANTINE_SHOWN = 1000


WARNING_COLUMNS = ("source_file", "source_row", "order_id", "message", "extra_cells")
# The warehouse masks personal data for every role but admin; the columns an admin gets in clear are
# named so ("…（未打码，仅管理员可见）"), never "已打码".
_CLEAR = {"raw_record": "raw_record_clear", "extra_cells": "extra_cells_clear"}


def clear_names(frame: pl.DataFrame, viewer: Viewer) -> pl.DataFrame:
    return frame.rename(_CLEAR, strict=False) if viewer.sees_unmasked else frame


def clear_columns(columns: tuple[str, ...], viewer: Viewer) -> tuple[str, ...]:
    return tuple(_CLEAR.get(c, c) for c in columns) if viewer.sees_unmasked else columns


def _saved(upload) -> Path:
    """The upload saved once per file (Streamlit reruns the page on every click); a new file replaces
    the previous one's copy, and the copy goes with the session (upload.SavedUpload)."""
    saved: SavedUpload | None = st.session_state.get("dp_saved")
    if saved is None or saved.file_id != upload.file_id or not saved.path.exists():
        _discard_saved()
        st.session_state["dp_saved"] = SavedUpload(upload.file_id, save_upload(upload.name, upload.getvalue()))
    return st.session_state["dp_saved"].path


def _discard_saved() -> None:
    saved = st.session_state.pop("dp_saved", None)
    if isinstance(saved, SavedUpload):
        saved.discard()


def _demo_choice(lang: str) -> bool:
    """On a demo warehouse: say that a real export is refused, and offer to discard the demo instead."""
    stamp = data.warehouse_stamp()
    try:
        demo = stamp is not None and data.is_demo(stamp)
    except Exception:  # unreadable: the load itself reports it
        demo = False
    if demo:
        st.warning(t("dp_demo_warning", lang), icon=":material/science:")
    if not has_users():  # anyone may load now (demo, no accounts); after a real load nobody may look
        st.caption(t("dp_demo_no_accounts", lang))
    return demo and st.checkbox(t("dp_replace_demo", lang), key="dp_replace_demo")


def _show_result(lang: str) -> None:
    result = st.session_state.get(RESULT_KEY)
    if not result:
        return
    kind, payload = result
    if kind == "error":
        st.error(t("dp_load_failed", lang).format(error=md(payload)), icon=":material/error:")
        return
    if kind == "refused":
        code, message = payload
        text = t("dp_refused_demo", lang) if code == "demo_warehouse" else t("dp_refused", lang).format(error=message)
        st.error(text, icon=":material/block:")
        return
    summary, table = payload
    if summary.get("demo_discarded"):
        st.warning(t("dp_demo_replaced", lang).format(n=summary["demo_discarded"]), icon=":material/warning:")
    if summary["rejected_files"]:
        st.error(md(table["message"][0]) or t("dp_rejected", lang), icon=":material/block:")
    elif summary["files"] and table["status"][0] == "already_loaded":
        st.info(t("dp_already", lang), icon=":material/info:")
    else:
        st.success(t("dp_loaded", lang).format(**summary), icon=":material/task_alt:")
    show_table(with_status_labels(table.rename({"status": "load_status"}), lang, "load_status"), SUMMARY_COLUMNS, lang)


def _editor(path: Path, upload, viewer: Viewer, lang: str) -> tuple[bool, Path | None]:
    """The mapping editor and the check of the file under it; (may load, the profile to load with)."""
    draft = choose_start(path, upload.file_id, lang)
    saved_note(lang)
    check = file_check(path, draft)
    if not check.readable:
        st.error(f"{t('dp_rejected', lang)}\n\n{md(preview_messages([check.error or ''], viewer)[0])}",
                 icon=":material/block:")  # fmt: skip
        return False, None
    with st.expander(t("dp_mapping", lang), expanded=True, icon=":material/account_tree:"):
        required_status(check, draft, lang)
        mapping_form(check, draft, viewer, lang)
    with st.expander(t("pm_rules_title", lang), icon=":material/rule:"):
        rules_form(check, draft, viewer, lang)
    with st.expander(t("pm_timing_title", lang), icon=":material/schedule:"):
        timing_form(draft, lang)
    st.markdown(f"**{t('pm_check_title', lang)}**")
    show_check(check, viewer, lang)
    save_form(draft, upload.name, start_label(st.session_state["pm_start"], "zh"), viewer, lang)
    if is_dirty():
        st.info(t("pm_save_first", lang), icon=":material/save:")
        return False, None
    return check.error is None, st.session_state.get("pm_profile")


def upload_section(lang: str) -> None:
    """Pick a file, map it (a shipped or saved profile, or the detected mapping, edited), see what the
    loader makes of it, save the mapping as a profile, then load it with the same ETL as the CLI."""
    _show_result(lang)
    key = f"dp_upload_{st.session_state.get('dp_uploads', 0)}"  # a new key after each load empties the widget
    upload = st.file_uploader(t("dp_uploader", lang), type=list(ACCEPTED_TYPES), help=t("dp_uploader_help", lang),
                              key=key)  # fmt: skip
    if upload is None:
        _discard_saved()  # the file was cleared from the widget: its copy goes too
        st.caption(t("dp_upload_steps", lang))
        return
    path = _saved(upload)
    access = page_access()
    viewer = access.viewer
    viewer.require_profiles()  # the data page is for analysts and admins (warehouse.access)
    st.markdown(f"**{t('dp_preview_title', lang)}**")
    with st.spinner(t("pm_checking", lang)):
        ready, profile = _editor(path, upload, viewer, lang)
    if not ready:
        return
    replace_demo = _demo_choice(lang)
    if st.button(t("dp_load", lang), type="primary", icon=":material/upload:", help=t("dp_load_help", lang)):
        try:
            summary = load_upload(path, replace_demo=replace_demo, profile=profile, progress=progress_bar(lang))
        except LoadRefused as exc:
            st.session_state[RESULT_KEY] = ("refused", (exc.code, str(exc)))
        except (WarehouseBusyError, OSError, ValueError) as exc:
            st.session_state[RESULT_KEY] = ("error", str(exc))
        else:
            audit.record("load", access.user.name, access.role, db=summary.db, files=[path.name],
                         profile=profile.stem if profile else "default", loaded=summary.loaded,
                         updated=summary.updated, quarantined=summary.quarantined,
                         rejected_files=summary.rejected_files, demo_discarded=summary.demo_discarded)  # fmt: skip
            counts = {k: v for k, v in vars(summary).items() if k != "details"}
            st.session_state[RESULT_KEY] = ("done", (counts, summary_frame(summary)))
            _discard_saved()
            st.session_state["dp_uploads"] = st.session_state.get("dp_uploads", 0) + 1
        st.rerun()


def quarantine_section(stamp, summary: pl.DataFrame, lang: str) -> None:
    """Quarantined rows by file and reason, masked for all but admin; downloadable (CSV/XLSX, formulas
    neutralised, audited as the user who drew the button)."""
    viewer = page_access().viewer  # taken now: the lazy downloads below run outside the script run
    if summary.is_empty():
        st.success(t("dp_q_empty", lang), icon=":material/task_alt:")
        return
    files = sorted(summary["source_file"].unique().to_list())
    reasons = summary.group_by("reason_code").agg(pl.sum("row_count")).sort("row_count", descending=True)
    labels = dict(zip(reasons["reason_code"], with_reason_labels(reasons, lang)["reason_code"], strict=True))
    left, right = st.columns(2)
    file = left.selectbox(t("file_name", lang), [None, *files], key="dp_q_file",
                          format_func=lambda v: v or t("dp_all_files", lang))  # fmt: skip
    reason = right.selectbox(t("reason_code", lang), [None, *labels], key="dp_q_reason",
                             format_func=lambda v: labels[v] if v else t("dp_all_reasons", lang))  # fmt: skip
    chosen = summary
    if file:
        chosen = chosen.filter(pl.col("source_file") == file)
    if reason:
        chosen = chosen.filter(pl.col("reason_code") == reason)
    total = int(chosen["row_count"].sum())
    shown = t("dp_q_shown", lang).format(k=QUARANTINE_SHOWN) if total > QUARANTINE_SHOWN else ""
    st.caption(t("dp_q_count_clear" if viewer.sees_unmasked else "dp_q_count", lang).format(n=total, shown=shown))
    columns = clear_columns(QUARANTINE_COLUMNS, viewer)
    rows = with_reason_labels(od.quarantine_rows(stamp, viewer, file, reason, QUARANTINE_SHOWN), lang)
    show_table(clear_names(rows, viewer), columns, lang)

    def export() -> pl.DataFrame:
        full = with_reason_labels(od.quarantine_rows(stamp, viewer, file, reason, None), lang)
        return present(clear_names(full, viewer), columns, lang)[0]

    name = file_stamp(t("dp_tab_quarantine", lang), file or "", labels.get(reason, "") if reason else "")
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(t("download_csv", lang), audited(f"{name}.csv", lambda: to_csv_bytes(export())), f"{name}.csv", "text/csv",
                       icon=":material/download:", on_click="ignore", key="dp_q_csv")  # fmt: skip
    c2.download_button(t("download_xlsx", lang), audited(f"{name}.xlsx", lambda: to_xlsx_bytes(export(), t("dp_tab_quarantine", lang))),
                       f"{name}.xlsx", icon=":material/table_view:", on_click="ignore", key="dp_q_xlsx")  # fmt: skip


def cell_warnings_section(stamp, lang: str) -> None:
    """Loaded rows whose yes/no or count cell could not be read (SPEC §2.1 does not quarantine them)."""
    st.subheader(t("dp_w_title", lang))
    viewer = page_access().viewer
    rows = od.cell_warnings(stamp, viewer, QUARANTINE_SHOWN)
    if rows.is_empty():
        st.caption(t("dp_w_empty", lang))
        return
    total = int(rows["total"][0])
    shown = t("dp_w_shown", lang).format(k=QUARANTINE_SHOWN) if total > QUARANTINE_SHOWN else ""
    st.caption(t("dp_w_note", lang).format(n=total, shown=shown))
    name = file_stamp(t("dp_w_title", lang))
    show_table(
        clear_names(rows, viewer), clear_columns(WARNING_COLUMNS, viewer), lang, download=name, key="dp_w_download"
    )
