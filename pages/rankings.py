"""排名: league tables per level (departments within their group, townships within their county),
by the composite score or by one rate."""

from __future__ import annotations

import polars as pl
import streamlit as st

from labels import level_label, metric_label, t
from pages.components import data
from pages.components import ranking_notes as rn
from pages.components import record_view as rv
from pages.components.auth import audit_export, page_access
from pages.components.casemix_view import casemix_frame, with_casemix
from pages.components.charts import build_score_figure
from pages.components.drill import drilldown_panel
from pages.components.export import to_csv_bytes, to_xlsx_bytes
from pages.components.filters import base_caption, period_label, sidebar_filters
from pages.components.grid import show_frame
from pages.components.integrity_view import over_exclusion_note, with_integrity
from pages.components.layout import page_header
from pages.components.markup import md
from pages.components.responsive import compact_ranking, wide_and_narrow
from pages.components.tables import ranking_column_config, ranking_table
from pages.components.targets_view import targets_caption
from warehouse.problem_settings import load_problem_settings
from warehouse.registry import RANK_BY

lang = page_header("page_rankings")
f = sidebar_filters(lang, compare=True)
stamp, p = data.warehouse_stamp(), f.period
by = st.segmented_control(t("rank_by", lang), list(RANK_BY.values()), format_func=lambda k: metric_label(k, lang),
                          default="score", key="rk_by") or "score"  # fmt: skip
full = data.ranking(stamp, f.level, p.start, p.end, p.kind, by, f.basis)
ranking = full if f.group is None else full.filter(pl.col("group_name") == f.group)
if ranking.is_empty():
    dispatched = data.totals_with_previous(stamp, p.start, p.end, p.kind)[0].get("dispatched_count") or 0
    st.info(rn.empty_message(dispatched if full.is_empty() else 0, f.level, lang), icon=":material/event_busy:")
    st.stop()

settings = data.settings_in_force()[0]
group, ranked = f" · {md(f.group)}" if f.group else "", int(ranking["rank"].is_not_null().sum())
st.caption(t("rankings_caption", lang).format(level=level_label(f.level, lang), group=group,
                                              period=period_label(p, lang), n=ranking.height, ranked=ranked))  # fmt: skip
state = rv.badge(stamp, p, lang)  # 已定榜 (the table below is the published one) or 未定榜
if warning := rn.blocked(ranking, by, lang):
    st.warning(warning, icon=":material/block:")
st.caption(base_caption(p, f.basis, data.ranking_reaches(stamp, p.start, p.end, p.kind, f.basis), lang))
st.caption(targets_caption(settings, lang))
if st.toggle(t("below_only", lang), key="rk_below"):  # the ranking read as "units below target"
    ranking = ranking.filter(pl.col("below_target").is_not_null())
    if ranking.is_empty():
        st.info(t("below_only_none", lang), icon=":material/check_circle:")
        st.stop()
wide, narrow = wide_and_narrow("rankings")  # a phone gets the figures as lines, not a cut-off table
with wide:
    left, middle, right = st.columns(3)
    detail = left.toggle(t("show_detail", lang), key="rk_detail")
    mix = middle.toggle(t("cm_toggle", lang), key="rk_casemix")  # beside the official rate, never instead of it
    integrity = right.toggle(t("integrity_toggle", lang), key="rk_integrity", help=t("integrity_toggle_help", lang))
    table = ranking_table(ranking, lang, detail=detail)
    if mix:
        table = with_casemix(table, ranking, f.level, casemix_frame(stamp, f.level, p.start, p.end, p.kind), lang)
    if integrity:  # exclusions, redo chain, extensions, actually solved (issue 20)
        table = with_integrity(table, ranking, lang)
    config = ranking_column_config(table, lang, rn.header_tips(ranking, settings, lang))
    show_frame(table, height=35 * (table.height + 1) + 3, column_config=config)
narrow.markdown(compact_ranking(ranking, lang))
for note in rn.notes(ranking, settings, by, lang):
    st.caption(note)
if mix:
    st.caption(t("cm_note", lang).format(months=load_problem_settings().casemix.reference_months))
if integrity or ranking["exclusion_flag"].any():  # the flag is in the flags column: say how it is decided
    st.caption(over_exclusion_note(settings, lang))

export = with_integrity(ranking_table(ranking, lang, for_export=True), ranking, lang, for_export=True)
name = f"{t('page_rankings', lang)}_{level_label(f.level, lang)}{'_' + f.group if f.group else ''}_{p.label}"
c1, c2, _ = st.columns([1, 1, 4])
c1.download_button(t("download_csv", lang), to_csv_bytes(export), f"{name}.csv", "text/csv", icon=":material/download:",
                   on_click=audit_export, args=(f"{name}.csv",))  # fmt: skip
xlsx = to_xlsx_bytes(export, sheet_name=t("page_rankings", lang))
c2.download_button(t("download_xlsx", lang), xlsx, f"{name}.xlsx", icon=":material/table_view:",
                   on_click=audit_export, args=(f"{name}.xlsx",))  # fmt: skip

if ranked or warning is None:  # otherwise the reason is above the table
    chart_title = t("score_chart_title", lang) if by == "score" else t("rate_chart_title", lang)
    st.subheader(chart_title.format(metric=metric_label(by, lang)))
if ranked:
    st.plotly_chart(build_score_figure(ranking, lang, by), width="stretch")
    st.caption(t("score_chart_note", lang))
elif warning is None:
    st.info(t("no_ranked_units", lang), icon=":material/info:")

with st.expander(t("drill_title", lang), icon=":material/list_alt:"):
    drilldown_panel(ranking, f.level, p, lang)

if state["published"] and st.toggle(t("rec_show_live", lang), key="rk_live"):
    st.subheader(t("rec_live_title", lang))
    st.caption(t("rec_live_caption", lang))
    live = data.ranking(stamp, f.level, p.start, p.end, p.kind, by, f.basis, live=True)
    live = live if f.group is None else live.filter(pl.col("group_name") == f.group)
    live_table = ranking_table(live, lang, detail=detail)
    show_frame(live_table, height=35 * (live_table.height + 1) + 3,
               column_config=ranking_column_config(live_table, lang))  # fmt: skip
    rv.differences(stamp, p, page_access().viewer, lang, level=f.level)
