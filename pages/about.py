"""说明: what every metric means (from the registry), the rules, the settings in force and their history,
data freshness."""

from __future__ import annotations

import json

import streamlit as st

from labels import level_label, t
from pages.components import data
from pages.components import record_view as rv
from pages.components.layout import page_header
from pages.components.problems import about_problems
from pages.components.tables import metric_definitions, settings_table
from warehouse.metrics_doc import RULES
from warehouse.registry import LEVELS

lang = page_header("page_about")
stamp = data.warehouse_stamp()
info = data.build_info(stamp)
settings, _, build_fingerprint = data.settings_in_force()

st.subheader(t("about_freshness", lang))
pinned = info.get("as_of_source") == "pinned"
st.markdown(
    f"- **{t('as_of_time', lang)}**：{info.get('as_of') or '—'}"
    f"（{t('as_of_source_pinned' if pinned else 'as_of_source_data', lang)}）\n"
    f"- **{t('metrics_built_at', lang)}**：{info.get('metrics_built_at') or '—'}"
)
if info.get("calendar_fallback_years"):
    st.warning(t("calendar_fallback", lang).format(years=info["calendar_fallback_years"]), icon=":material/event:")
else:
    st.caption(t("calendar_ok", lang))

st.subheader(t("about_metrics", lang))
st.markdown(f"**{t('about_rates', lang)}**")
st.table(metric_definitions(lang, rates=True))
with st.expander(t("about_counts", lang), icon=":material/functions:"):
    st.table(metric_definitions(lang, rates=False))

st.subheader(t("about_levels", lang))
st.markdown("\n".join(f"- **{level_label(name, lang)}**：{t(f'level_desc_{name}', lang)}" for name in LEVELS))
st.subheader(t("about_rules", lang))
st.markdown("\n".join(f"- {en if lang == 'en' else zh}" for zh, en in RULES))

st.subheader(t("about_settings", lang))
if info.get("build_fingerprint") and info["build_fingerprint"] != build_fingerprint:  # weights etc. apply at once
    st.warning(t("settings_changed", lang), icon=":material/sync_problem:")
st.table(settings_table(settings, lang))
st.caption(t("settings_source", lang).format(path=settings.get("source") or "—"))

st.subheader(t("about_rule_history", lang))
st.caption(t("about_rule_history_note", lang))
st.table(rv.rule_history(stamp, lang))
for month, version, keys in rv.rule_conflicts(stamp):
    st.warning(
        t("rule_conflict", lang).format(month=month, version=version, keys="、".join(keys)), icon=":material/gpp_maybe:"
    )
with st.expander("settings.json", icon=":material/code:"):
    st.code(json.dumps(settings, ensure_ascii=False, indent=2), language="json")

about_problems(lang)
