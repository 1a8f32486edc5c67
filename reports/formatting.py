"""How the bulletin writes a figure: counts, percentages and scores rounded half-up once, and the words
for a change against last month (or the same month a year earlier) and for a rank change. One place, so
the sentences (``reports.narrative``, ``reports.compare``, ``reports.issued_text``) and the tables
(``reports.tables``) always write a number the same way.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DASH = "—"
RATE_NAMES = (
    ("response_rate", "响应率"),
    ("on_time_rate", "按时办结率"),
    ("resolution_rate", "解决率"),
    ("satisfaction_rate", "满意率"),
)


def _decimal(value: float, places: str, scale: int = 1) -> Decimal:
    """Half-up rounding of the shortest decimal that round-trips the float (0.0125 -> 1.3%, not 1.2%)."""
    return (Decimal(repr(float(value))) * scale).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def fmt_count(n: float | None) -> str:
    return DASH if n is None else f"{int(n):,}"


def fmt_pct(rate: float | None) -> str:
    """0.93149 -> '93.1%'; no denominator -> '—'."""
    return DASH if rate is None else f"{_decimal(rate, '0.1', 100)}%"


def fmt_score(score: float | None) -> str:
    return DASH if score is None else str(_decimal(score, "0.01"))


def rate_change(diff: Decimal | None, same_age: bool = False, unit: str = "个百分点") -> str:
    """'比上月提高 1.2 个百分点' / '比上月下降 0.3 个百分点' / '与上月持平' from a change in percentage points
    (already rounded once); '比上月同一时点…' when last month is taken as it stood at the same age."""
    if diff is None:
        return ""
    than = "上月同一时点" if same_age else "上月"
    if diff == 0:
        return f"与{than}持平"
    return f"比{than}{'提高' if diff > 0 else '下降'} {abs(diff)} {unit}"


def score_change(diff: Decimal | None, same_age: bool = False) -> str:
    """The same for the composite score, in points (分)."""
    return rate_change(diff, same_age, unit="分")


def count_change(growth: Decimal | None) -> str:
    """'环比增长 3.4%' / '环比下降 7.1%' / '与上月持平'; '' when last month had none to compare with."""
    if growth is None:
        return ""
    if growth == 0:
        return "与上月持平"
    return f"环比{'增长' if growth > 0 else '下降'} {abs(growth)}%"


def rank_change_mark(change: int | None) -> str:
    """Table cell: '↑2', '↓1', '持平', or '—' when the unit was not ranked last month."""
    if change is None:
        return DASH
    if change == 0:
        return "持平"
    return f"↑{change}" if change > 0 else f"↓{-change}"
