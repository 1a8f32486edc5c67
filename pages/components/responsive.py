"""Phone and desktop from one page (issue 15, item 6): the server cannot know the screen's width, so a
page draws a wide and a narrow version of a wide table and the browser shows one of them by a CSS media
query (390 px phones: the narrow one). Only the main figures get a narrow version; long lists keep
scrolling sideways. The rule is a constant style sheet, no data in it."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from labels import metric_label, t
from pages.components.markup import md
from pages.components.tables import change_arrow, flags_text
from warehouse.registry import RANKING_RATES

NARROW_MAX_PX = 640
# Every page (layout.page_header draws it): the wide/narrow pairs below, and KPI cards two to a row on a
# phone instead of one (Streamlit stacks columns one per row under 640 px).
PHONE_CSS = f"""<style>
@media (max-width: {NARROW_MAX_PX}px) {{
  div[class*="st-key-wide_only_"] {{ display: none !important; }}
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) {{
    flex-wrap: wrap !important; gap: 0.5rem !important; }}
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"]:has([data-testid="stMetric"]) {{
    min-width: calc(50% - 0.25rem) !important; flex: 1 1 calc(50% - 0.25rem) !important; }}
}}
@media (min-width: {NARROW_MAX_PX + 1}px) {{ div[class*="st-key-narrow_only_"] {{ display: none !important; }} }}
</style>"""


def phone_style() -> None:
    """The style sheet above; called once per page run by ``layout.page_header``."""
    st.html(PHONE_CSS)


def wide_and_narrow(key: str) -> tuple[Any, Any]:
    """Two containers: the first shows on screens wider than ``NARROW_MAX_PX``, the second on narrower
    (by ``PHONE_CSS``, which every page has)."""
    return st.container(key=f"wide_only_{key}"), st.container(key=f"narrow_only_{key}")


def compact_ranking(ranking: pl.DataFrame, lang: str) -> str:
    """The league table as short Markdown lines a phone shows whole: rank, unit, score and change, then
    the four rates and the flags (names from the data escaped)."""
    lines = []
    for r in ranking.sort(["rank", "unit"], nulls_last=True).iter_rows(named=True):
        rank = "—" if r["rank"] is None else str(r["rank"])
        score = "—" if r["score"] is None else f"{r['score']:.1f}"
        head = f"**{rank}** · {md(r['unit'])} · **{score}** {md(change_arrow(r.get('rank_change')))}"
        rates = " · ".join(
            f"{metric_label(k, lang)} {'—' if r[k] is None else f'{100 * r[k]:.1f}%'}" for k in RANKING_RATES
        )
        flags = flags_text(r, lang)
        # the rates and flags are the catalogue's words and numbers: no data in them to escape
        lines.append("  \n".join(x for x in (head, f":gray[{rates}]", f":gray[{flags}]" if flags else "") if x))
    return "\n\n".join(lines) or t("no_units_level", lang)
