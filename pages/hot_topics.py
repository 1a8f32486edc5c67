"""热点: what people call about — categories by county, the fastest risers, hot words, and the
problems that come back (repeat complaints) or are passed around (bounced orders)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from labels import level_label, t
from pages.components import data
from pages.components import oversight_data as od
from pages.components.auth import page_access
from pages.components.filters import period_label, sidebar_filters
from pages.components.layout import page_header
from pages.components.oversight_charts import (
    build_category_heatmap,
    build_hot_words_figure,
    build_risers_figure,
    hot_words_note,
)
from pages.components.oversight_tables import ISSUE_COLUMNS, file_stamp, show_table
from pages.components.problems import alerts_section, clusters_section
from pages.components.ranking_notes import empty_message
from pages.components.tables import missing_keys, missing_text
from warehouse.settings import load_settings

lang = page_header("page_hot_topics")
f = sidebar_filters(lang, compare=True)
stamp, p = data.warehouse_stamp(), f.period
span = (p.start, p.end, p.kind)

counties = sorted(data.units(stamp).filter(pl.col("level") == "county")["unit"].to_list())
pick, note = st.columns([1, 3], vertical_alignment="bottom")
viewer = page_access().viewer
scope = viewer.county_scope  # a county-scoped leader: hot words and lists of that county only
choices = [scope] if scope else [None, *counties]
county = pick.selectbox(t("ht_scope", lang), choices, format_func=lambda c: c or t("ht_all_city", lang),
                        key="ht_county")  # fmt: skip
reaches = data.ranking_reaches(stamp, p.start, p.end, p.kind, f.basis)  # 同比 only where the data reaches back
note.caption(t("ht_caption" if f.basis == "previous" else "ht_caption_year", lang).format(
    period=period_label(p, lang), previous=period_label(p.base(f.basis), lang)))  # fmt: skip

heat = od.category_by_county(stamp, *span, "category_l1")
if heat.is_empty():
    st.info(t("no_orders_period", lang), icon=":material/event_busy:")
    st.stop()
st.subheader(t("ht_heatmap_title", lang))
st.plotly_chart(build_category_heatmap(heat, lang), width="stretch")
st.caption(t("ht_heatmap_note", lang))

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("ht_risers_title" if f.basis == "previous" else "ht_risers_title_year", lang))
    risers = od.category_risers(stamp, *span, county, f.basis) if reaches else None
    if heat["category"].is_null().all():  # nothing to compare: the export has no classification
        st.info(t("ht_no_categories", lang), icon=":material/block:")
    elif risers is None:
        st.info(t("compare_unreached", lang).format(period=period_label(p, lang),
                                                    base=period_label(p.base(f.basis), lang)), icon=":material/history:")  # fmt: skip
    elif risers.is_empty():
        st.info(t("ht_no_risers", lang), icon=":material/trending_flat:")
    else:
        st.plotly_chart(build_risers_figure(risers, lang), width="stretch")
        st.caption(t("ht_risers_note", lang))
with right:
    st.subheader(t("ht_words_title", lang))
    with st.spinner(t("ht_words_title", lang)):
        words = od.hot_words(stamp, viewer, *span, county, None)
    if words.words.is_empty():
        st.info(t("ht_no_words", lang), icon=":material/text_fields:")
    else:
        st.plotly_chart(build_hot_words_figure(words.words, lang), width="stretch")
        st.caption(hot_words_note(words, lang))

st.subheader(t("ht_issues_title", lang))
st.caption(t("ht_issues_note", lang).format(days=load_settings().repeat_window_days))
by_category, by_unit = st.tabs(
    [t("ht_by_category", lang), t("ht_by_unit", lang).format(level=level_label(f.level, lang))]
)
lacking = [k for k in missing_keys(data.totals_with_previous(stamp, *span)[0]) if k in ("repeat_rate", "return_rate")]
issues = od.category_issues(stamp, *span, county)  # "not available" per category: the warehouse says
fields, rates = missing_text(lacking, lang)
if len(lacking) == 2:  # neither can be found: "none" would be false
    by_category.info(t("ht_issues_not_available", lang).format(fields=fields), icon=":material/block:")
elif issues.is_empty():
    by_category.info(t("ht_no_issues", lang), icon=":material/check_circle:")
else:
    name = file_stamp(t("ht_by_category", lang), county or "", p.label)
    show_table(issues, ("category_l1", "category_l2", *ISSUE_COLUMNS), lang, where=by_category, download=name)
if len(lacking) == 1:
    by_category.caption(t("ht_issues_partly", lang).format(fields=fields, rates=rates))
units = od.unit_issues(stamp, f.level, *span, f.group)
if units.is_empty():
    dispatched = data.totals_with_previous(stamp, *span)[0].get("dispatched_count") or 0
    by_unit.info(empty_message(dispatched, f.level, lang), icon=":material/event_busy:")
else:
    cols = ("county", "unit", *ISSUE_COLUMNS) if f.level == "township" else ("unit", *ISSUE_COLUMNS)
    show_table(
        units, cols, lang, where=by_unit, download=file_stamp(level_label(f.level, lang), f.group or "", p.label)
    )

clusters_section(stamp, p, viewer, lang, county=county)
alerts_section(stamp, p, viewer, lang, county=county)
