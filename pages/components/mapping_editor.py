"""The data page's mapping editor: choose where to start (the detected mapping, a shipped or a saved
profile), assign each source header to canonical fields, and set a field's value rules and synonyms.

Only widgets here: the draft, its checks and the file's preview are etl.profile_draft and
etl.profile_preview (pure, unit-tested); saving is etl.saved_profiles. The draft lives in the session
(``pm_draft``) and every change is checked by the strict profile checker before it is kept, so the
page never holds a profile the command line would refuse. Widget keys carry a generation (``pm_gen``)
that changes whenever the draft does, so every widget shows the draft as it now is.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl
import streamlit as st

from etl.profile_check import MAPPABLE
from etl.profile_draft import (
    ProfileDraft,
    RuleDraft,
    assign_columns,
    detected_draft,
    draft_errors,
    draft_from_data,
    draft_profile,
    lines,
    mapping_frame,
    pairs_text,
    parse_pairs,
    set_field_rules,
    set_timing,
    unremovable,
)
from etl.profile_preview import VERDICTS, FileCheck, check_file, value_outcomes
from etl.profile_toml import draft_to_toml
from etl.profiles import SHIPPED_PROFILES, ProfileError, profile_names, saved_profiles_dir
from etl.saved_profiles import read_saved
from labels import t
from pages.components.markup import md
from pages.components.oversight_tables import show_table
from pages.components.upload import field_label
from warehouse.access import Viewer
from warehouse.fields import BOOLEAN, FIELD_BY_NAME, INTEGER, PII, TIMESTAMP, VOCAB
from warehouse.previews import preview_values

DETECTED = "detected"
CASES = ("", "lower", "upper")  # "" = keep (None would show as no choice at all)
VALUE_COLUMNS = ("value", "rows", "ruled", "stored", "verdict")


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _check(path: str, size: int, mtime: int, profile_toml: str) -> FileCheck:
    """The file checked with the profile a TOML text describes ("" = the built-in default)."""
    draft = draft_from_data(tomllib.loads(profile_toml)) if profile_toml else ProfileDraft()
    return check_file(Path(path), draft_profile(draft))


def file_check(path: Path, draft: ProfileDraft | None) -> FileCheck:
    stat = path.stat()
    return _check(str(path), stat.st_size, stat.st_mtime_ns, draft_to_toml(draft) if draft else "")


def start_label(key: str, lang: str) -> str:
    kind, _, name = key.partition(":")
    return t("pm_start_detected", lang) if kind == DETECTED else t(f"pm_start_{kind}", lang).format(name=name)


def start_path(key: str) -> Path | None:
    kind, _, name = key.partition(":")
    if kind == "shipped":
        return SHIPPED_PROFILES / f"{name}.toml"
    return saved_profiles_dir() / f"{name}.toml" if kind == "saved" else None


def _reset(path: Path, file_id: str, start: str) -> None:
    """A new file or a new starting point: the draft is built afresh, the widgets with it."""
    state = st.session_state
    source = start_path(start)
    try:
        draft = read_saved(source) if source else detected_draft(file_check(path, None).headers)
        state.pop("pm_start_error", None)
    except ProfileError as exc:
        state["pm_start_error"] = str(exc)
        draft, source = detected_draft(file_check(path, None).headers), None
    state.update(pm_for=(file_id, start), pm_draft=draft, pm_base=draft, pm_profile=source, pm_notes=[])
    state["pm_gen"] = state.get("pm_gen", 0) + 1


def _keep(draft: ProfileDraft, notes: list[str] | None = None) -> list[str]:
    """Keep ``draft`` if the strict checker passes it (then rerun, so every part shows it); else its errors."""
    errors = draft_errors(draft)
    if errors:
        return errors
    st.session_state.update(pm_draft=draft, pm_notes=notes or [])
    st.session_state["pm_gen"] += 1
    st.rerun()
    return []  # not reached


def choose_start(path: Path, file_id: str, lang: str) -> ProfileDraft:
    """The starting point's selector; the current draft."""
    state = st.session_state
    shipped, saved = profile_names()
    pending = state.pop("pm_pending_start", None)  # just saved: start from the saved profile, draft kept
    if pending:
        state.update(pm_start=pending, pm_for=(file_id, pending))
    options = [DETECTED, *(f"shipped:{n}" for n in shipped), *(f"saved:{n}" for n in saved)]
    if state.get("pm_start") not in options:
        state["pm_start"] = DETECTED
    start = st.selectbox(t("pm_start", lang), options, key="pm_start", format_func=lambda k: start_label(k, lang),
                         help=t("pm_start_help", lang))  # fmt: skip
    if state.get("pm_for") != (file_id, start):
        _reset(path, file_id, start)
    if state.get("pm_start_error"):
        st.error(f"{t('pm_start_broken', lang)}\n\n{md(state['pm_start_error'])}", icon=":material/error:")
    return state["pm_draft"]


def is_dirty() -> bool:
    return st.session_state.get("pm_draft") != st.session_state.get("pm_base")


def _option(name: str, lang: str) -> str:
    spec = FIELD_BY_NAME.get(name)
    return field_label(name, lang) + (t("pm_required_mark", lang) if spec and spec.required else "")


def _values_caption(check: FileCheck, header: str, fields: list[str], viewer: Viewer, lang: str) -> str:
    if any(FIELD_BY_NAME.get(f) and FIELD_BY_NAME[f].kind == PII for f in fields):
        return t("pm_values_private", lang)
    values = check.values.get(header)
    if not fields or values is None:
        return ""
    top = values.top.head(5)
    shown = preview_values(top["value"], viewer, "order_id" if "order_id" in fields else None)
    listed = " · ".join(f"{md(v)} ×{n:,}" for v, n in zip(shown, top["rows"], strict=True))
    return t("pm_values_line", lang).format(values=listed, distinct=values.distinct, empty=values.empty)


def mapping_form(check: FileCheck, draft: ProfileDraft, viewer: Viewer, lang: str) -> None:
    """Every source header with a multiselect of the canonical fields (required ones marked)."""
    gen = st.session_state["pm_gen"]
    frame = mapping_frame(draft, check.headers)
    options = sorted(MAPPABLE, key=lambda f: not (FIELD_BY_NAME.get(f) and FIELD_BY_NAME[f].required))
    st.caption(t("pm_mapping_help", lang))
    with st.form(f"pm_mapping_{gen}", border=False):
        chosen = []
        for row in frame.iter_rows(named=True):
            left, right = st.columns([2, 3], vertical_alignment="center")
            left.markdown(f"**{md(row['source'])}**")
            note = _values_caption(check, row["source"], row["fields"], viewer, lang)
            if note:
                left.caption(note)
            label = t("pm_column_label", lang).format(n=row["position"])  # no data in a label: see markup.md
            picked = right.multiselect(label, options, default=row["fields"], key=f"pm_map_{gen}_{row['position']}",
                                       format_func=lambda f: _option(f, lang), label_visibility="collapsed",
                                       placeholder=t("pm_unmapped", lang))  # fmt: skip
            chosen.append(picked)
        applied = st.form_submit_button(t("pm_apply_mapping", lang), type="primary", icon=":material/check:")
    if applied:
        edited = frame.with_columns(pl.Series("fields", chosen, dtype=pl.List(pl.String)))
        new = assign_columns(draft, edited)
        sticky = [
            t("pm_sticky", lang).format(header=h, field=field_label(f, lang)) for h, f in unremovable(new, edited)
        ]
        for error in _keep(new, sticky):
            st.error(md(error), icon=":material/error:")
    for note in st.session_state.get("pm_notes", []):
        st.warning(md(note), icon=":material/info:")


def _rule_widgets(draft: ProfileDraft, name: str, key: str, lang: str) -> tuple[str | None, str, str, str]:
    """The rule and synonym inputs of field ``name``, filled from the draft: (case, prefixes, rewrites,
    synonyms) as typed."""
    rule, spec = draft.normalize.get(name, RuleDraft()), FIELD_BY_NAME.get(name)
    case_labels = {"": t("pm_case_keep", lang), "lower": t("pm_case_lower", lang), "upper": t("pm_case_upper", lang)}
    case = st.selectbox(t("pm_case", lang), CASES, index=CASES.index(rule.case or ""), key=f"{key}_case",
                        format_func=lambda c: case_labels[c])  # fmt: skip
    prefixes = st.text_area(t("pm_trim_prefix", lang), "\n".join(rule.trim_prefix), key=f"{key}_prefix",
                            help=t("pm_trim_prefix_help", lang), height=68)  # fmt: skip
    rewrite = st.text_area(t("pm_rewrite", lang), pairs_text(rule.rewrite), key=f"{key}_rewrite",
                           help=t("pm_rewrite_help", lang), placeholder=r"^Ward 0*(\d+)$ => Ward \1")  # fmt: skip
    synonyms = ""
    if spec is not None and spec.kind not in (TIMESTAMP, INTEGER):  # no synonyms for times and counts
        allowed = {VOCAB: "、".join(spec.vocabulary), BOOLEAN: "true / false / 是 / 否"}.get(spec.kind, "—")
        synonyms = st.text_area(t("pm_synonyms", lang), pairs_text(draft.synonyms.get(name, {})), key=f"{key}_syn",
                                help=t("pm_synonyms_help", lang).format(allowed=allowed))  # fmt: skip
    return case, prefixes, rewrite, synonyms


def _value_tables(check: FileCheck, draft: ProfileDraft, name: str, viewer: Viewer, lang: str) -> None:
    """Each column feeding ``name``: its most frequent values and what the loader makes of each."""
    profile = draft_profile(draft)
    for header in check.mapping[name]:
        values = check.values.get(header)
        if values is None:
            st.caption(t("pm_values_private", lang))
            continue
        table = value_outcomes(values, name, profile)
        verdicts = {v: t(f"pm_verdict_{v}", lang) for v in VERDICTS}
        table = table.with_columns(
            *(preview_values(table[c], viewer, name) for c in ("value", "ruled", "stored")),
            pl.col("verdict").replace_strict(verdicts),
        )
        st.markdown(t("pm_values_of", lang).format(header=md(header), distinct=values.distinct, empty=values.empty))
        show_table(table, VALUE_COLUMNS, lang)


def rules_form(check: FileCheck, draft: ProfileDraft, viewer: Viewer, lang: str) -> None:
    """One mapped field at a time: its columns' values (what the loader makes of each), then its rules."""
    mapped = [f for f in MAPPABLE if f in check.mapping]
    if not mapped:
        st.caption(t("pm_rules_none", lang))
        return
    name = st.selectbox(
        t("pm_rules_field", lang), mapped, key="pm_rule_field", format_func=lambda f: field_label(f, lang)
    )
    _value_tables(check, draft, name, viewer, lang)
    key = f"pm_rules_{st.session_state['pm_gen']}_{name}"
    with st.form(key, border=True):
        case, prefixes, rewrite_text, synonyms_text = _rule_widgets(draft, name, key, lang)
        applied = st.form_submit_button(t("pm_apply_rules", lang), type="primary", icon=":material/check:")
    if not applied:
        return
    rewrite, errors = parse_pairs(rewrite_text, t("pm_rewrite_pair", lang))
    synonyms, more = parse_pairs(synonyms_text, t("pm_synonym_pair", lang))
    errors += more
    if not errors:
        errors = _keep(set_field_rules(draft, name, RuleDraft(case or None, lines(prefixes), tuple(rewrite)), synonyms))
    for error in errors:
        st.error(md(error), icon=":material/error:")


def timing_form(draft: ProfileDraft, lang: str) -> None:
    """Where the header is, extra timestamp formats and the source's time zone."""
    key = f"pm_timing_{st.session_state['pm_gen']}"
    pinned = draft.read.get("header_row")
    with st.form(key, border=False):
        row = st.number_input(t("pm_header_row", lang), min_value=0, max_value=200, step=1, key=f"{key}_row",
                              value=0 if pinned is None else pinned + 1, help=t("pm_header_row_help", lang))  # fmt: skip
        formats = st.text_area(t("pm_formats", lang), "\n".join(draft.formats), key=f"{key}_formats",
                               help=t("pm_formats_help", lang), placeholder="%m/%d/%Y %I:%M:%S %p")  # fmt: skip
        zone = st.text_input(t("pm_time_zone", lang), draft.time_zone or "", key=f"{key}_zone",
                             help=t("pm_time_zone_help", lang), placeholder="America/New_York")  # fmt: skip
        applied = st.form_submit_button(t("pm_apply_timing", lang), icon=":material/check:")
    if applied:
        for error in _keep(set_timing(draft, lines(formats), zone.strip() or None, int(row) or None)):
            st.error(md(error), icon=":material/error:")
