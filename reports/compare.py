"""同比 and targets in the bulletin (issue 15, items 2 and 3): the words and marks for a figure against the
same month a year earlier and against its target, from the warehouse's comparison (exact, rounded once)
and target marks (``warehouse.targets``) — nothing is compared here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reports.formatting import RATE_NAMES, fmt_pct, rate_change, score_change
from warehouse.registry import get_metric

if TYPE_CHECKING:
    from reports.assemble import ReportData


def target_text(totals: dict[str, Any], key: str) -> str:
    """'≥95%，达标' / '≥90%，差 4.5 个百分点' from the warehouse's marks; '—' without a target or a value."""
    target, met, gap = totals.get(f"{key}_target"), totals.get(f"{key}_meets_target"), totals.get(f"{key}_target_gap")
    if target is None:
        return "—"
    goal = f"≥{fmt_pct(target)}"
    if met is None:
        return goal
    return f"{goal}，达标" if met else f"{goal}，差 {fmt_pct(-gap).removesuffix('%')} 个百分点"


def rate_marks(x: dict[str, Any], key: str) -> str:
    """‡: an on-time rate built mostly on derived deadlines; ▼: below its target."""
    return ("‡" if key == "on_time_rate" and x.get("on_time_warning") else "") + (
        "▼" if x.get(f"{key}_meets_target") is False else ""
    )


def below_text(x: dict[str, Any]) -> str:
    """'满意率 −4.5；按时办结率 −1.2' for the rates below their targets ('' when none)."""
    keys = [k for k in (x.get("below_target") or "").split(",") if k]
    return "；".join(f"{get_metric(k).label_zh} −{fmt_pct(-x[f'{k}_target_gap']).removesuffix('%')}" for k in keys)


def compare_note(r: ReportData) -> str:
    """What the two comparisons are against, and why one may be missing."""
    year = r.yoy_comparison.get("base") or ""
    gone = "" if r.yoy_totals else f"已导入的数据没有覆盖去年同月（{year}），同比为“—”。"
    return (f"环比：与上月比较；同比：与去年同月（{year}）比较；本月未完整时，两者都按同一时点比较。{gone}"
            "目标：设置中的达标线，比较本月实际值（不可得的率不计达标与否）。")  # fmt: skip


def _year_rc(r: ReportData, key: str) -> str:
    """'比去年同月提高 1.2 个百分点' from the warehouse's 同比 change; '' without one."""
    diff = r.yoy_comparison.get("changes", {}).get(key)
    words = score_change(diff) if key == "score" else rate_change(diff)
    return words.replace("上月", "去年同月")


def yoy_sentence(r: ReportData) -> str:
    """The month against the same month a year earlier, or why there is no such comparison."""
    if not r.yoy_totals:
        return f"已导入的数据没有覆盖去年同月（{r.yoy_comparison.get('base', '')}），本期不做同比。"
    growth = r.yoy_comparison.get("growth", {}).get("received_count")
    volume = "" if growth is None else ("受理量与去年同月持平" if growth == 0 else
                                         f"受理量同比{'增长' if growth > 0 else '下降'} {abs(growth)}%")  # fmt: skip
    rates = [f"{name}{_year_rc(r, key)}" for key, name in RATE_NAMES if _year_rc(r, key)]
    parts = [p for p in (volume, "；".join(rates)) if p]
    return f"与去年同月（{r.yoy_comparison['base']}）相比，{'；'.join(parts)}。" if parts else ""


def targets_sentence(r: ReportData) -> str:
    """Which city rates meet their targets and by how much the others miss."""
    t = r.totals
    met = [name for key, name in RATE_NAMES if t.get(f"{key}_meets_target") is True]
    missed = [
        f"{name}低于目标（{fmt_pct(t[f'{key}_target'])}）{fmt_pct(-t[f'{key}_target_gap']).removesuffix('%')} 个百分点"
        for key, name in RATE_NAMES
        if t.get(f"{key}_meets_target") is False
    ]
    if not met and not missed:
        return ""
    said = ([f"{'、'.join(met)}达到目标"] if met else []) + missed
    return f"对照目标：{'；'.join(said)}。"
