"""What the loader would do with the upload under the profile being edited (counts, the quarantine by
reason with a sample row of each, the file's warnings), saving that profile, and the load's progress
bar. Widgets only: the check is etl.profile_preview, masking warehouse.previews, saving
etl.saved_profiles.
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path

import streamlit as st

from etl.profile_draft import ProfileDraft, missing_required
from etl.profile_preview import FileCheck
from etl.profiles import ProfileError
from etl.progress import LoadProgress, ProgressCallback
from etl.saved_profiles import SaveRefused, save_profile
from labels import t
from pages.components.markup import md
from pages.components.oversight_tables import show_table, with_reason_labels
from pages.components.upload import field_label
from warehouse.access import OrderAccessError, Viewer
from warehouse.previews import preview_messages, preview_samples

REASON_COLUMNS = ("reason_code", "rows", "sample_row", "sample_reason", "sample_record")


def show_check(check: FileCheck, viewer: Viewer, lang: str) -> None:
    """The rows a load would bring in, keep out (by reason, with a sample each), and the file's notes."""
    sheet, encoding = md(check.sheet or "—"), md(check.encoding or "—")
    st.caption(t("dp_detected", lang).format(kind=check.kind, encoding=encoding, sheet=sheet, row=check.header_row))
    for note in preview_messages(check.warnings, viewer):
        st.warning(t("pm_file_warning", lang).format(note=md(note)), icon=":material/warning:")
    if check.error:
        message = preview_messages([check.error], viewer)[0]
        st.error(f"{t('pm_cannot_load', lang)}\n\n{md(message)}", icon=":material/block:")
        return
    bad = check.quarantined
    st.write(t("dp_check", lang).format(rows=check.rows_read, good=check.good, bad=bad, dup=check.duplicates))
    if check.cell_warnings:
        st.caption(t("dp_check_warnings", lang).format(n=check.cell_warnings))
    if not bad or check.reasons is None:
        return
    st.markdown(f"**{t('pm_reasons_title', lang)}**")
    samples = preview_samples(check.reasons, {k: list(v) for k, v in check.mapping.items()}, viewer)
    samples = with_reason_labels(samples, lang).rename(
        {"source_row": "sample_row", "reason": "sample_reason", "raw_record": "sample_record"}
    )
    columns = tuple(f"{c}_clear" if c == "sample_record" and viewer.sees_unmasked else c for c in REASON_COLUMNS)
    show_table(samples.rename({"sample_record": columns[-1]}), columns, lang)
    st.caption(t("pm_reasons_note_clear" if viewer.sees_unmasked else "pm_reasons_note", lang))


def required_status(check: FileCheck, draft: ProfileDraft, lang: str) -> None:
    missing = missing_required(draft, check.headers)
    if missing:
        names = "、".join(field_label(f, lang) for f in missing)
        st.warning(t("pm_required_missing", lang).format(fields=names), icon=":material/priority_high:")


def default_name(draft: ProfileDraft, upload: str) -> str:
    """The saved profile's own name, else one from the upload's file name (a plain name)."""
    if draft.name:
        return draft.name
    stem = re.sub(r"[^\w-]+", "-", Path(upload).stem).strip("-_")
    return stem[:64] or "profile"


def save_form(draft: ProfileDraft, upload: str, start: str, viewer: Viewer, lang: str) -> None:
    """Save the draft as profiles/NAME.toml beside the warehouse; the page then starts from it."""
    with st.form("pm_save", border=True):
        st.markdown(f"**{t('pm_save_title', lang)}**")
        name = st.text_input(t("pm_save_name", lang), default_name(draft, upload), max_chars=64, key="pm_save_name",
                             help=t("pm_save_name_help", lang))  # fmt: skip
        overwrite = st.checkbox(t("pm_overwrite", lang), key="pm_overwrite")
        pressed = st.form_submit_button(t("pm_save", lang), icon=":material/save:")
    if not pressed:
        return
    try:
        path = save_profile(draft, name, viewer, overwrite=overwrite, upload=upload, start=start)
    except (SaveRefused, ProfileError, OrderAccessError) as exc:
        st.error(md(str(exc)), icon=":material/error:")
        return
    saved = replace(draft, name=path.stem)
    st.session_state.update(pm_draft=saved, pm_base=saved, pm_profile=path, pm_pending_start=f"saved:{path.stem}",
                            pm_saved_note=(path.stem, str(path)))  # fmt: skip
    st.rerun()


def saved_note(lang: str) -> None:
    note = st.session_state.pop("pm_saved_note", None)
    if note:
        st.success(t("pm_saved", lang).format(name=md(note[0]), path=md(note[1])), icon=":material/save:")


def progress_bar(lang: str) -> ProgressCallback:
    """A progress bar driven by the load's LoadProgress events (only from this script run's thread:
    Streamlit elements cannot be updated from another one)."""
    bar = st.progress(0.0, text=t("dp_loading", lang))
    thread = threading.current_thread()

    def update(event: LoadProgress) -> None:
        if threading.current_thread() is not thread:
            return
        stage = t(f"dp_stage_{event.stage}", lang)
        bar.progress(event.fraction, text=t("dp_progress", lang).format(pct=int(event.fraction * 100), stage=stage,
                                                                         file=md(event.file)))  # fmt: skip

    return update
