"""Issue 14 item 1: rules with effective dates. A rule change from a later month leaves earlier months'
live figures unchanged (build-time rules per order's assessment month, read-time rules per period); a period
spanning a change sums each month's numerators under its own rules and scores under the rules at its end."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from etl.load import load_files
from tests.record_city import first_export
from tests.unit.engine_support import build_warehouse, order
from warehouse.__main__ import main as warehouse_main
from warehouse.calendar import Period
from warehouse.connection import connect_read
from warehouse.rankings import fetch_ranking, fetch_totals
from warehouse.rule_sets import history, segments
from warehouse.scoring import rules_in_force
from warehouse.settings import DEFAULT_SETTINGS_PATH, SettingsError, load_settings

LATER_RULES = """
[[rule_changes]]
from = "2024-04"
note = "2024 年 4 月起：响应时限缩短，按时办结率计分"
min_sample = 31
basic_satisfaction_weight = 0.5
[rule_changes.response_limit_hours]
default = 0.5
[rule_changes.composite_weights]
on_time = 0.5
"""


def con_for(path: Path):
    return connect_read(path)


def settings_file(tmp_path: Path, extra: str) -> Path:
    """The committed settings with ``extra`` after them (tables), or before them (a plain key)."""
    path = tmp_path / "settings.toml"
    committed = DEFAULT_SETTINGS_PATH.read_text(encoding="utf-8")
    text = committed + extra if extra.lstrip().startswith("[") else extra + committed
    path.write_text(text, encoding="utf-8")
    return path


def rankings_csv(db: Path, month: str, capsys) -> str:
    out = []
    for level in ("county", "department", "township"):
        assert warehouse_main(["rankings", "--level", level, "--month", month, "--db", str(db), "--format", "csv"]) == 0
        out.append(capsys.readouterr().out)
    return "".join(out)


def test_a_rule_change_from_a_later_month_leaves_earlier_months_unchanged(
    tmp_path: Path, db: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("HOTLINE_KEY_FILE", str(tmp_path / "key"))
    monkeypatch.setenv("HOTLINE_SETTINGS", str(DEFAULT_SETTINGS_PATH))
    load_files([first_export(tmp_path / "exports")], db=db)
    march, april = rankings_csv(db, "2024-03", capsys), rankings_csv(db, "2024-04", capsys)
    flags_sql = "SELECT order_id, is_responded_on_time FROM fct_work_orders WHERE assess_month = ? ORDER BY 1"
    con = connect_read(db)
    march_flags = con.sql(flags_sql, params=[dt.date(2024, 3, 1)]).fetchall()
    con.close()

    monkeypatch.setenv("HOTLINE_SETTINGS", str(settings_file(tmp_path, LATER_RULES)))
    assert warehouse_main(["rebuild", "--db", str(db)]) == 0
    capsys.readouterr()
    assert rankings_csv(db, "2024-03", capsys) == march  # byte for byte: every level, rank, list and figure
    changed = rankings_csv(db, "2024-04", capsys)
    assert changed != april
    con = connect_read(db)
    assert con.sql(flags_sql, params=[dt.date(2024, 3, 1)]).fetchall() == march_flags
    april_on_time = con.sql(
        "SELECT count(*) FILTER (WHERE is_responded_on_time) FROM fct_work_orders WHERE assess_month = '2024-04-01'"
    ).fetchall()[0][0]
    ranking = fetch_ranking(con, "department", Period.month("2024-04"), load_settings())
    con.close()
    assert april_on_time == 0  # every April response took an hour or more: over April's half-hour limit
    assert ranking["rank"].null_count() == ranking.height  # 30 assessed orders each, under April's sample of 31


def test_a_period_spanning_a_change_sums_each_months_numerators(tmp_path: Path) -> None:
    """Satisfaction over March–April = (March: 满意 + 1.0 × 基本满意) + (April: 满意 + 0.5 × 基本满意), over the sum
    of answers; the score takes the weights in force at the period's end (April's)."""
    rows = []
    for month in (3, 4):
        for i, answer in enumerate(("满意", "基本满意", "基本满意", "不满意")):
            at = dt.datetime(2024, month, 4 + i, 10)
            rows.append(order(f"{month}-{i}", received_at=at, dispatched_at=at, department="住建局",
                              satisfaction=answer, resolution="已解决", responded_at=at,
                              closed_at=at + dt.timedelta(hours=1)))  # fmt: skip
    settings = load_settings(settings_file(tmp_path, LATER_RULES))
    con = build_warehouse(tmp_path / "span.duckdb", rows, settings)
    span = Period.between(dt.date(2024, 3, 1), dt.date(2024, 4, 30))
    totals = fetch_totals(con, span, settings)
    con.close()
    assert totals["satisfaction_answered_count"] == 8
    numerator = (1 + 2 * Fraction(1)) + (1 + 2 * Fraction(1, 2))  # March at weight 1, April at 0.5
    assert totals["satisfied_weighted"] == float(numerator)
    assert totals["satisfaction_rate"] == float(numerator / 8)
    # the score under April's weights (on_time 0.5 from April; 0 before), every rate but satisfaction at 1:
    # 100 × (0.2 + 0.5 + 0.4 + 0.4 × satisfaction) ÷ 1.5
    assert rules_in_force(settings, span).composite_weights.on_time == 0.5 and totals["on_time_rate"] == 1.0
    w = Fraction("0.2") + Fraction("0.5") + Fraction("0.4")
    assert totals["score"] == float(100 * (w + Fraction("0.4") * numerator / 8) / (w + Fraction("0.4")))
    april = fetch_totals(con_for(tmp_path / "span.duckdb"), Period.month("2024-04"), settings)
    assert april["satisfied_weighted"] == 2.0  # one 满意 + 0.5 × two 基本满意


def test_rules_in_force_per_month_and_period(tmp_path: Path) -> None:
    settings = load_settings(settings_file(tmp_path, LATER_RULES))
    assert rules_in_force(settings, dt.date(2024, 3, 31)).min_sample == 10
    assert rules_in_force(settings, dt.date(2024, 4, 1)).min_sample == 31
    assert rules_in_force(settings, Period.month("2024-03")).min_sample == 10
    assert rules_in_force(settings, Period.quarter(2024, 2)).min_sample == 31
    assert rules_in_force(settings, Period.between(dt.date(2024, 3, 5), dt.date(2024, 3, 31))).min_sample == 10
    stretches = segments(settings, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert [(a, b, r.min_sample) for a, b, r in stretches] == [
        (dt.date(2024, 1, 1), dt.date(2024, 3, 31), 10),
        (dt.date(2024, 4, 1), dt.date(2024, 12, 31), 31),
    ]
    later = settings.rule_sets[0]
    # what the change does not name carries over, inside tables too
    assert later.composite_weights.response == 0.2 and later.response_limit_seconds("紧急") == 2 * 3600
    assert later.targets.for_group(None)["satisfaction_rate"] == 0.9
    assert history(settings)[1]["changes"]["composite_weights.on_time"] == (0.0, 0.5)
    assert history(settings)[1]["note"].startswith("2024 年 4 月起")
    assert settings.build_fingerprint() != load_settings(DEFAULT_SETTINGS_PATH).build_fingerprint()
    weights_only = load_settings(settings_file(tmp_path, '[[rule_changes]]\nfrom = "2024-04"\nmin_sample = 3\n'))
    assert weights_only.build_fingerprint() == load_settings(DEFAULT_SETTINGS_PATH).build_fingerprint()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[[rule_changes]]\nfrom = "2024/04"\n', "from"),
        ("[[rule_changes]]\nmin_sample = 3\n", "from"),
        ('[[rule_changes]]\nfrom = "2024-04"\nunits_file = "x.csv"\n', "units_file"),
        ('[[rule_changes]]\nfrom = "2024-04"\nmin_sampel = 3\n', "min_sampel"),
        ('[[rule_changes]]\nfrom = "2024-04"\nmin_sample = 0\n', "min_sample"),
        ('[[rule_changes]]\nfrom = "2024-05"\n[[rule_changes]]\nfrom = "2024-04"\n', "2024-05"),
        ('rule_changes = "2024-04"\n', "[[rule_changes]]"),
    ],
)
def test_a_bad_rule_change_names_the_entry_and_key(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings(settings_file(tmp_path, text))
    assert named in str(err.value) and "settings.toml" in str(err.value)
