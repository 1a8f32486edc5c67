"""One score everywhere: change the composite weights (a settings file, no rebuild) and every surface shows
the same new score for a unit-month — the ranking, the CLI's rankings and trend, the unit profile's data
and page, the overview's totals and lists, the bulletin and the evidence pack.

Before, ``met_*_month.score`` was bound to the weights of the last rebuild while rankings read the file:
the unit profile said one score and the ranking another for the same unit and month.
"""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl.load import load_files
from tests.conftest import order_row, write_csv

MONTH = "2024-03"
UNIT = "市住房和城乡建设局"


def _orders() -> list[dict[str, str]]:
    """Two departments, 12 orders each: 住建局 responds to 9 in time, resolves 6 of 12, satisfies 8 of 12."""
    rows = []
    for i in range(12):
        late = "2024-03-07 12:00:00" if i >= 9 else "2024-03-05 12:00:00"
        rows.append(order_row(f"Z{i}", 首次联系时间=late, 是否解决="已解决" if i < 6 else "未解决",
                              满意度="满意" if i < 8 else "不满意"))  # fmt: skip
        rows.append(order_row(f"C{i}", 承办单位="市城市管理局", 是否解决="已解决" if i < 10 else "未解决",
                              满意度="满意" if i < 5 else "不满意"))  # fmt: skip
    return rows


# 住建局: response 9/12, resolution 6/12, satisfaction 8/12 (on_time 12/12: closed 03-07, due in 7 workdays)
ZJ = {"response_rate": Fraction(9, 12), "on_time_rate": Fraction(1), "resolution_rate": Fraction(6, 12),
      "satisfaction_rate": Fraction(8, 12)}  # fmt: skip
NEW_WEIGHTS = {"response": 0.5, "on_time": 0.3, "resolution": 0.2, "satisfaction": 0.0}


def _score(rates: dict[str, Fraction], weights: dict[str, float]) -> float:
    w = {f"{k}_rate": Fraction(str(v)) for k, v in weights.items() if v}
    return float(100 * sum(w[k] * rates[k] for k in w) / sum(w.values()))


@pytest.fixture
def warehouse(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOTLINE_DB", str(db))
    load_files([write_csv(tmp_path / "march.csv", _orders())], db=db, mark_demo=True)  # demo: no login
    weights = "\n".join(f"{k} = {v}" for k, v in NEW_WEIGHTS.items())
    (tmp_path / "settings.toml").write_text(f"[composite_weights]\n{weights}\n", encoding="utf-8")
    monkeypatch.setenv("HOTLINE_SETTINGS", str(tmp_path / "settings.toml"))  # edited after the load: no rebuild
    return db


def _cli_json(args: list[str], capsys: pytest.CaptureFixture) -> list[dict]:
    from warehouse.__main__ import main

    assert main([*args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_weight_change_shows_the_same_score_on_every_surface(warehouse: Path, capsys: pytest.CaptureFixture) -> None:
    from reports.assemble import assemble_report
    from reports.evidence import build_evidence_pack
    from warehouse.access import Viewer
    from warehouse.calendar import Period
    from warehouse.metrics import fetch_monthly
    from warehouse.rankings import fetch_ranking, fetch_totals
    from warehouse.unit_profile import fetch_unit_ranking_row, fetch_unit_trend

    want, before = _score(ZJ, NEW_WEIGHTS), _score(ZJ, {"response": 0.2, "resolution": 0.4, "satisfaction": 0.4})
    assert want != pytest.approx(before)
    period = Period.month(MONTH)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        seen = {
            "ranking": fetch_ranking(con, "department", period).filter(pl.col("unit") == UNIT)["score"][0],
            "profile row": fetch_unit_ranking_row(con, "department", UNIT, period)["score"],
            "profile trend": fetch_unit_trend(con, "department", UNIT).filter(pl.col("series") == "unit")["score"][0],
            "trends page data": fetch_monthly(con, "department", unit=UNIT)["score"][0],
            "bulletin": next(
                r for _, rows in assemble_report(con, MONTH).departments for r in rows if r["unit"] == UNIT
            )["score"],
        }
        pack = pl.read_excel(
            io.BytesIO(build_evidence_pack(con, Viewer("oversight", "test"), "department", UNIT, period)),
            sheet_name="指标",
        )
        seen["evidence pack"] = pack.filter(pl.col("指标代码") == "score")["本单位"][0]
        city = fetch_totals(con, period)["score"]
        assert fetch_monthly(con, "city")["score"][0] == pytest.approx(city, abs=1e-12)  # overview trend = totals
        assert assemble_report(con, MONTH).totals["score"] == pytest.approx(city, abs=1e-12)
    finally:
        con.close()
    seen["cli rankings"] = next(
        r for r in _cli_json(["rankings", "--level", "department", "--month", MONTH], capsys) if r["unit"] == UNIT
    )["score"]
    seen["cli trend"] = _cli_json(["trend", "--level", "department", "--unit", UNIT], capsys)[0]["score"]
    for surface, score in seen.items():
        assert score == pytest.approx(want, abs=1e-9), surface


def test_the_pages_show_the_new_score_too(warehouse: Path) -> None:
    from tests.app.pages import open_page

    want = f"{_score(ZJ, NEW_WEIGHTS):.2f}"
    at = open_page("pages/rankings.py")
    at.sidebar.radio(key="f_level").set_value("department").run()
    assert not at.exception
    table = at.dataframe[0].value
    score_col = next(c for c in table.columns if c.startswith("综合得分"))
    assert f"{table.loc[table['单位'] == UNIT, score_col].iloc[0]:.2f}" == want
    at.switch_page("pages/unit_profile.py").run()
    assert not at.exception
    assert any(m.value == want for m in at.metric if m.label.startswith("综合得分")), [m.label for m in at.metric]
