"""Recurring problems and early warnings on the demo city (issue 16, items 1 and 2), measured against the
truth the generator wrote (``.demo_truth.json``), and who sees what of them."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import polars as pl
import pytest

from etl.democity import city as demo_city
from etl.democity import places as demo_places
from etl.democity.eval import evaluate_alerts, evaluate_clusters
from etl.democity.problems import read_truth
from reports.evidence import build_evidence_pack
from warehouse.__main__ import main
from warehouse.access import OrderAccessError, Viewer
from warehouse.alerts import fetch_alert_orders, fetch_alerts
from warehouse.calendar import Period
from warehouse.cluster_views import fetch_cluster_orders, fetch_clusters
from warehouse.clusters import find_clusters

PUBLIC = Viewer("public", "gong")
ANALYST = Viewer("analyst", "ana")
ADMIN = Viewer("admin", "wang")


@pytest.fixture(scope="module")
def truth(demo_db: Path) -> dict:
    return read_truth(demo_db.parent.parent / "exports")


def test_recurring_problems_are_the_planted_ones(demo_con, truth: dict) -> None:
    """Pairs of orders put together were made about one problem (precision), and the planted problems'
    pairs are found (recall; a planted call that names no place cannot be, one in ten)."""
    found = evaluate_clusters(demo_con, truth)
    stored = dict(
        demo_con.sql(
            "SELECT order_id, original_order_id FROM fct_work_orders WHERE original_order_id IS NOT NULL"
        ).fetchall()
    )
    assert stored and all(truth["redo"][r] == o for r, o in stored.items())  # the truth names every exported redo link
    assert found["problems_eligible"] >= 8
    assert found["pairwise_precision"] >= 0.9 and found["group_precision"] >= 0.9
    assert found["pairwise_recall"] >= 0.75 and found["problem_recall"] >= 0.8


def test_planted_spikes_are_found_without_false_alarms(demo_con, truth: dict) -> None:
    found = evaluate_alerts(demo_con, truth)
    assert found["spikes_testable"] >= 2 and found["spikes_missed"] == []
    assert found["false_alarms"] == 0, found["false_alarm_list"]


def test_a_problem_is_counted_from_its_orders(demo_con, demo_month: Period) -> None:
    clusters = fetch_clusters(demo_con, ADMIN, demo_month).frame
    assert not clusters.is_empty()
    for row in clusters.head(5).iter_rows(named=True):
        orders = fetch_cluster_orders(demo_con, ADMIN, demo_month, row["cluster_id"])
        assert orders.height == row["order_count"] >= 4
        received = orders["received_at"].dt.date()
        assert (received.min(), received.max()) == (row["first_date"], row["last_date"])
        assert row["period_order_count"] == received.is_between(demo_month.start, demo_month.end).sum() >= 1
        assert row["closed_count"] == orders["closed_at"].is_not_null().sum()
        assert row["resolved_count"] == (orders["resolution"] == "已解决").sum()
        assert set(orders["county"].drop_nulls()) <= {row["county"]}
        assert row["place"] in row["title"] and row["township"] in row["title"]


def test_the_public_sees_problems_anonymised(demo_con, demo_month: Period) -> None:
    """No estate, road or village name, no caller's word, no number: township, kind of place, category."""
    public = fetch_clusters(demo_con, PUBLIC, demo_month)
    internal = fetch_clusters(demo_con, ANALYST, demo_month)
    assert public.anonymised and not internal.anonymised
    assert public.frame.height == internal.frame.height > 0
    assert public.frame["place"].is_null().all()
    places = demo_places.all_place_names()
    for title in public.frame["title"]:
        assert "某" in title and not re.search(r"\d", title)
        assert not any(p in title for p in places), title
    names = {s + g for s in demo_city.SURNAMES for g in ("先生", "女士")}
    assert not any(n in t for n in names for t in public.frame["title"])
    with pytest.raises(OrderAccessError):
        fetch_cluster_orders(demo_con, PUBLIC, demo_month, public.frame["cluster_id"][0])


def test_a_scoped_leader_sees_the_problems_and_orders_of_that_county(demo_con, demo_month: Period) -> None:
    everyone = fetch_clusters(demo_con, ANALYST, demo_month).frame
    county = everyone["county"][0]
    scoped = Viewer("leader", "zhao", county)
    own = fetch_clusters(demo_con, scoped, demo_month).frame
    assert not own.is_empty() and set(own["county"]) == {county}
    assert own.height == everyone.filter(pl.col("county") == county).height
    other = everyone.filter(pl.col("county") != county)
    if not other.is_empty():
        assert fetch_cluster_orders(demo_con, scoped, demo_month, other["cluster_id"][0]).is_empty()


def test_problems_of_a_unit_involve_it(demo_con, demo_month: Period) -> None:
    everyone = fetch_clusters(demo_con, ANALYST, demo_month).frame
    department = everyone["departments"][0].split("、")[0]
    mine = fetch_clusters(demo_con, ANALYST, demo_month, level="department", unit=department).frame
    assert not mine.is_empty() and all(department in d.split("、") for d in mine["departments"])
    assert mine.height == sum(department in d.split("、") for d in everyone["departments"].drop_nulls())


def test_the_orders_behind_an_alert_are_its_cell_and_days(demo_con, truth: dict) -> None:
    first = dt.date.fromisoformat(min(p["first_date"] for p in truth["problems"]))
    scan = fetch_alerts(demo_con, first)
    assert not scan.alerts.is_empty()
    for a in scan.alerts.iter_rows(named=True):
        orders = fetch_alert_orders(demo_con, ANALYST, a["county"], a["category_l2"], a["start_date"], a["end_date"])
        assert set(orders["county"]) == {a["county"]} and set(orders["category_l2"]) == {a["category_l2"]}
        if a["alert_days"] == (a["end_date"] - a["start_date"]).days + 1:
            assert orders.height == a["observed_count"]
    with pytest.raises(OrderAccessError):
        fetch_alert_orders(demo_con, PUBLIC, None, None, first, first)


def test_clusters_command_prints_csv_json_and_the_public_form(demo_db: Path, demo_month: Period, capsys) -> None:
    month = f"{demo_month.start:%Y-%m}"
    assert main(["clusters", "--month", month, "--db", str(demo_db), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",")[:6] == ["cluster_id", "county", "township", "place", "place_kind", "category_l1"]
    assert len(lines) > 1
    assert main(["clusters", "--month", month, "--db", str(demo_db), "--format", "json"]) == 0
    internal = json.loads(capsys.readouterr().out)
    assert all(r["place"] and len(r["order_ids"]) == r["orders"] for r in internal)
    assert main(["clusters", "--month", month, "--db", str(demo_db), "--format", "json", "--public"]) == 0
    public = json.loads(capsys.readouterr().out)
    assert [r["orders"] for r in public] == [r["orders"] for r in internal]
    assert all("place" not in r and "order_ids" not in r and "某" in r["title"] for r in public)
    assert main(["clusters", "--month", month, "--db", str(demo_db)]) == 0
    assert "一类问题" in capsys.readouterr().out


def test_alerts_command_lists_the_spikes_since_a_date(demo_db: Path, demo_con, truth: dict, capsys) -> None:
    spike = next(p for p in truth["problems"] if p["spike_id"] == "S1")
    assert main(["alerts", "--since", spike["first_date"], "--db", str(demo_db), "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["tested_from"] and any(
        a["county"] == spike["county"] and a["start_date"] == spike["first_date"] for a in body["alerts"]
    )
    assert main(["alerts", "--since", "2099-01-01", "--db", str(demo_db), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "county,category_l1,category_l2,start_date,end_date,alert_days,observed,expected,excess,ratio,p_value"
    ]
    assert main(["alerts", "--since", "not-a-date", "--db", str(demo_db)]) == 2


def test_the_memo_follows_the_warehouse(demo_con, demo_month: Period) -> None:
    """The same period and warehouse give the very same result object; another period is computed anew."""
    assert find_clusters(demo_con, demo_month) is find_clusters(demo_con, demo_month)
    assert find_clusters(demo_con, demo_month.previous()) is not find_clusters(demo_con, demo_month)


def test_the_evidence_pack_carries_the_units_problems(demo_con, demo_month: Period) -> None:
    problems = fetch_clusters(demo_con, ANALYST, demo_month).frame
    county = problems["county"][0]
    pack = build_evidence_pack(demo_con, ANALYST, "county", county, demo_month)
    sheets = pl.read_excel(io.BytesIO(pack), sheet_id=0)
    sheet = sheets["一类问题"]
    assert sheet.height == (problems["county"] == county).sum() > 0
    assert {"问题", "地点（小区/道路/村/场所）", "工单数", "承办单位"} <= set(sheet.columns)
    assert set(sheet["工单数"]) <= set(problems["order_count"])
    assert sheet["首次受理"].str.contains(r"^\d{4}-\d{2}-\d{2}$").all()
    cover = " ".join(sheets["封面"]["内容"].cast(pl.String).to_list())
    assert "工作表「一类问题」" in " ".join(sheets["封面"]["项目"].to_list()) and "不含门牌号" in cover


def test_the_evidence_pack_carries_the_warnings_that_took_the_units_orders(demo_con, truth: dict) -> None:
    spike = next(p for p in truth["problems"] if p["spike_id"] == "S1")
    month = Period.month(spike["first_date"][:7])
    pack = build_evidence_pack(demo_con, ANALYST, "county", spike["county"], month)
    sheet = pl.read_excel(io.BytesIO(pack), sheet_name="预警")
    hit = sheet.filter(pl.col("开始") == spike["first_date"])
    assert hit.height == 1 and hit["本单位工单"][0] == hit["受理（件）"][0] >= 5  # a county's cell is all its own
    other = next(c.name for c in demo_city.COUNTIES if c.name != spike["county"])
    elsewhere = pl.read_excel(
        io.BytesIO(build_evidence_pack(demo_con, ANALYST, "county", other, month)), sheet_name="预警"
    )
    assert spike["first_date"] not in elsewhere["开始"].cast(pl.String).to_list()
