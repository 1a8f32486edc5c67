"""``python -m warehouse rankings --by RATE`` and ``trend``: rank by one rate under the same tie, sample and
interval rules, and one unit's row of every monthly ranking with the ranking's own columns."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path

import pytest

from warehouse.__main__ import main
from warehouse.calendar import Period
from warehouse.cli_rankings import CSV_COLUMNS
from warehouse.rankings import fetch_ranking


def _run(args: list[str], capsys: pytest.CaptureFixture) -> str:
    assert main(args) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_rankings_by_a_rate(demo_db: Path, demo_month: Period, capsys: pytest.CaptureFixture) -> None:
    out = _run(["rankings", "--level", "department", "--month", demo_month.label, "--db", str(demo_db), "--by",
                "satisfaction", "--format", "json"], capsys)  # fmt: skip
    rows = json.loads(out)
    assert {r["ranked_by"] for r in rows} == {"satisfaction_rate"}
    for group in {r["group"] for r in rows}:
        ranked = [r for r in rows if r["group"] == group and r["rank"] is not None]
        assert [r["satisfaction_rate"] for r in ranked] == sorted(
            (r["satisfaction_rate"] for r in ranked), reverse=True
        )
        for a, b in itertools.pairwise(ranked):  # ties share a rank (1, 2, 2, 4)
            assert (a["rank"] == b["rank"]) == (a["satisfaction_rate"] == b["satisfaction_rate"])
    table = _run(["rankings", "--level", "county", "--month", demo_month.label, "--db", str(demo_db), "--by", "on_time"],
                 capsys)  # fmt: skip
    assert "按时办结率" in table.splitlines()[0]


def test_by_a_rate_the_sample_is_that_rates_denominator(demo_con, demo_month: Period) -> None:
    table = fetch_ranking(demo_con, "township", demo_month, by="satisfaction")
    for r in table.iter_rows(named=True):
        small = r["satisfaction_answered_count"] < 10
        assert (r["rank"] is None) == (small or r["satisfaction_rate"] is None), r["unit"]
        assert (r["sample_flag"] is not None) == small
    assert table["sample_flag"].is_not_null().any()  # the demo has townships with few answers


def test_trend_is_the_units_row_of_every_monthly_ranking(
    demo_db: Path, demo_con, capsys: pytest.CaptureFixture
) -> None:
    unit = "市住房和城乡建设局"
    out = _run(["trend", "--level", "department", "--unit", unit, "--db", str(demo_db), "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["month", *(c for c in CSV_COLUMNS if c != "county")]
    assert [r["month"] for r in rows] == sorted({r["month"] for r in rows}) and len(rows) >= 4
    for r in rows:
        table = fetch_ranking(demo_con, "department", Period.month(r["month"]))
        want = table.filter(table["unit"] == unit).row(0, named=True)
        assert (r["rank"] or None) == (str(want["rank"]) if want["rank"] is not None else None)
        assert float(r["score"]) == want["score"] and float(r["response_rate"]) == want["response_rate"]
    township = _run(["trend", "--level", "township", "--unit", "东湖街道", "--group", "溪澜区", "--db", str(demo_db),
                     "--format", "json"], capsys)  # fmt: skip
    assert {r["county"] for r in json.loads(township)} == {"溪澜区"}


def test_trend_of_an_unknown_unit_says_so(demo_db: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["trend", "--level", "department", "--unit", "不存在的局", "--db", str(demo_db)]) == 2
    assert "不存在的局" in capsys.readouterr().err


def test_maturity_prints_the_evidence(demo_db: Path, capsys: pytest.CaptureFixture) -> None:
    out = _run(["maturity", "--db", str(demo_db)], capsys)
    assert "派单 → 办结 第 95 百分位" in out and "maturity_days = 15" in out
