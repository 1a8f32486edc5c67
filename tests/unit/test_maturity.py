"""Like for like: a month that has just ended is compared with the month before *as it stood at the same
age*, and its lagging figures are marked incomplete.

The October bulletin of the demo city reported 回访率 84.9 % vs 90.7 % (−5.8 points) and 超期未办结 39 vs 15
(+160 %): late-October orders simply had not been called back or closed yet, September's had had a month.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.unit.engine_support import build_warehouse, order
from warehouse.calendar import Period
from warehouse.maturity import comparison_cutoff, is_incomplete, period_end
from warehouse.period_counts import fetch_counts_at, fetch_period_counts
from warehouse.rankings import fetch_ranking, fetch_totals, fetch_totals_with_previous
from warehouse.registry import ALL_LEVELS, COUNT_KEYS
from warehouse.settings import Settings, Targets

T = dt.datetime
OCT, SEP = Period.month("2024-10"), Period.month("2024-09")
RULES = Settings(targets=Targets((), ()))


def _orders() -> list[dict]:
    rows = []
    for i in range(10):  # September: A answers late (after Oct 1), B answers in September
        at = T(2024, 9, 10, 10)
        rows.append(order(f"SA{i}", county="A区", received_at=at, dispatched_at=at,
                          responded_at=at + dt.timedelta(hours=1 if i < 5 else 30),
                          closed_at=T(2024, 9, 25), callback_at=T(2024, 10, 2), satisfaction="满意"))  # fmt: skip
        rows.append(order(f"SB{i}", county="B区", received_at=at, dispatched_at=at, responded_at=at + dt.timedelta(hours=1),
                          closed_at=T(2024, 9, 12), callback_at=T(2024, 9, 20),
                          satisfaction="满意" if i < 5 else "不满意"))  # fmt: skip
    for i in range(10):  # October: A better than B; half of B's orders still open at the as-of time
        at = T(2024, 10, 10, 10)
        rows.append(order(f"OA{i}", county="A区", received_at=at, dispatched_at=at, responded_at=at + dt.timedelta(hours=1),
                          closed_at=T(2024, 10, 12), callback_at=T(2024, 10, 20), satisfaction="满意"))  # fmt: skip
        closed = T(2024, 10, 12) if i < 5 else None
        rows.append(order(f"OB{i}", county="B区", received_at=at, dispatched_at=at, responded_at=at + dt.timedelta(hours=1),
                          closed_at=closed, callback_at=T(2024, 10, 20) if closed else None,
                          satisfaction="不满意" if closed else None))  # fmt: skip
    rows.append(order("LAST", received_at=T(2024, 10, 31, 20), dispatched_at=None))  # the as-of time
    return rows


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    con = build_warehouse(tmp_path_factory.mktemp("mature") / "m.duckdb", _orders(), RULES)
    yield con
    con.close()


def test_a_month_that_has_just_ended_is_incomplete(con) -> None:
    as_of = T(2024, 10, 31, 20)
    assert is_incomplete(OCT, as_of, RULES) and not is_incomplete(SEP, as_of, RULES)
    assert comparison_cutoff(OCT, as_of, RULES) == T(2024, 10, 1)  # still running: September as at its end
    assert comparison_cutoff(OCT, T(2024, 11, 5, 12), RULES) == T(2024, 10, 5, 12)  # 4.5 days old: same age
    assert comparison_cutoff(OCT, T(2024, 11, 20), RULES) is None  # mature: compare as stored
    assert not is_incomplete(OCT, as_of, Settings(maturity_days=0))  # 0 switches it off


def test_last_month_is_compared_as_it_stood_at_the_same_age(con) -> None:
    current, previous, comparison = fetch_totals_with_previous(con, OCT, RULES)
    stored = fetch_totals(con, SEP, RULES)
    assert comparison["incomplete"] and comparison["cutoff"] == T(2024, 10, 1)
    assert stored["satisfaction_answered_count"] == 20 and stored["callback_count"] == 20
    # at the same age A's September answers (given on Oct 2) had not come in
    assert previous["satisfaction_answered_count"] == 10 and previous["callback_count"] == 10
    assert previous["closed_count"] == stored["closed_count"] == 20  # closures before Oct 1 count either way
    assert current["callback_count"] == 15 and current["callback_rate"] == 1.0
    assert comparison["changes"]["callback_rate"] == 50  # 100 % vs 50 % at the same age (stored: 100 % vs 100 %)
    plain = fetch_totals_with_previous(con, OCT, Settings(maturity_days=0, targets=Targets((), ())))
    assert plain[2]["cutoff"] is None and plain[1]["callback_count"] == 20 and plain[2]["changes"]["callback_rate"] == 0


def test_rank_changes_are_like_for_like(con) -> None:
    got = {r["unit"]: r for r in fetch_ranking(con, "county", OCT, RULES).iter_rows(named=True)}
    # stored September: A 83.3 (response 50 %, satisfied 100 %) above B 66.7; at the same age A had no
    # answers yet (50.0) and stood below B: October's A first, B second is a move, not a hold
    assert (got["A区"]["rank"], got["A区"]["previous_rank"], got["A区"]["rank_change"]) == (1, 2, 1)
    assert (got["B区"]["rank"], got["B区"]["previous_rank"], got["B区"]["rank_change"]) == (2, 1, -1)
    assert got["A区"]["incomplete"] and got["A区"]["compared_at"] == T(2024, 10, 1)
    stored = {r["unit"]: r["rank"] for r in fetch_ranking(con, "county", SEP, RULES).iter_rows(named=True)}
    assert stored == {"A区": 1, "B区": 2}


def test_counts_at_the_as_of_time_are_the_stored_counts(con) -> None:
    """The where_at predicates are the where predicates with time: at the as-of time they count the same."""
    as_of = T(2024, 10, 31, 20)
    for level in ALL_LEVELS:
        for period in (OCT, SEP, Period.quarter(2024, 4), Period.between(dt.date(2024, 9, 5), dt.date(2024, 10, 20))):
            stored = fetch_period_counts(con, level, period)
            at = fetch_counts_at(con, level, period, max(as_of, period_end(period)))
            keys = list(level.keys)
            assert {tuple(r[k] for k in keys): {c: r[c] for c in COUNT_KEYS} for r in stored} == {
                tuple(r[k] for k in keys): {c: r[c] for c in COUNT_KEYS}
                for r in at
                if r["received_count"] or r["dispatched_count"]
            }, (level.name, period)


def test_the_demo_city_counts_at_the_as_of_time_are_the_stored_counts(demo_con, demo_month: Period) -> None:
    from warehouse.metrics import fetch_as_of

    as_of = max(fetch_as_of(demo_con), period_end(demo_month))
    for level in ALL_LEVELS:
        stored = {tuple(r[k] for k in level.keys): r for r in fetch_period_counts(demo_con, level, demo_month)}
        for row in fetch_counts_at(demo_con, level, demo_month, as_of):
            key = tuple(row[k] for k in level.keys)
            if key in stored:
                assert {c: row[c] for c in COUNT_KEYS} == pytest.approx({c: stored[key][c] for c in COUNT_KEYS}), key


def test_a_cutoff_inside_the_period_is_refused(con) -> None:
    with pytest.raises(ValueError, match="早于期间"):
        fetch_counts_at(con, "county", OCT, T(2024, 10, 20))


def test_a_mature_month_is_not_marked(tmp_path: Path) -> None:
    rows = [order(f"X{i}", county="A区", received_at=T(2024, 9, 3), dispatched_at=T(2024, 9, 3, 1)) for i in range(3)]
    rows.append(order("LATE", received_at=T(2024, 11, 30), dispatched_at=None))
    con = build_warehouse(tmp_path / "old.duckdb", rows, RULES)
    try:
        assert fetch_ranking(con, "county", SEP, RULES)["incomplete"].to_list() == [False]
        assert fetch_totals_with_previous(con, SEP, RULES)[2]["cutoff"] is None
    finally:
        con.close()
