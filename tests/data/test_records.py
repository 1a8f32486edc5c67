"""Issue 13 item 5: JSON / NDJSON exports and Open311 GeoReport v2 requests, loaded by a profile."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from etl.__main__ import main
from etl.load import load_files
from etl.readers.records import flatten
from tests.conftest import query


def request(rid: str, requested: str, notes: list[dict], **extra) -> dict:
    return {
        "service_request_id": rid, "status": "closed" if any(n["type"] == "closed" for n in notes) else "open",
        "service_name": "Pothole in Street", "agency_responsible": "CDOT", "requested_datetime": requested,
        "updated_datetime": "2015-10-10T10:15:40-05:00", "extended_attributes": {"ward": "21", "channel": "phone"},
        "notes": notes, **extra,
    }  # fmt: skip


NOTES = [
    {"type": "opened", "datetime": "2014-05-09T19:02:21-05:00", "summary": "Request opened"},
    {"type": "closed", "datetime": "2014-05-10T08:00:00-05:00", "summary": "Request closed"},
    {"type": "activity", "datetime": "2014-05-12T09:00:00-05:00", "summary": "Reopened"},
    {"type": "closed", "datetime": "2014-05-13T16:30:00-05:00", "summary": "Request closed"},
]


def test_flattening_names_nested_keys_and_typed_events() -> None:
    flat = flatten(request("1", "2014-05-09T19:02:21-05:00", NOTES, media_url=None, tags=["a", "b"]))
    assert flat["extended_attributes.ward"] == "21"
    assert flat["notes[closed].datetime"] == "2014-05-13T16:30:00-05:00"  # the last close, after a reopening
    assert flat["notes[opened].summary"] == "Request opened" and flat["media_url"] is None
    assert flat["tags"] == "a; b"


def test_open311_json_loads_with_the_shipped_profile(tmp_path: Path, db: Path) -> None:
    data = [
        request("14-1", "2014-05-09T19:02:21-05:00", NOTES),
        request("14-2", "2014-01-03T14:18:52-06:00", NOTES[:1]),  # open: no close event
        request("14-3", "2014-05-01T10:00:00-05:00", NOTES[:2], extended_attributes={"ward": "3", "duplicate": True}),
    ]
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    summary = load_files([path], db=db, profile="open311")
    assert (summary.rows_read, summary.loaded, summary.quarantined, summary.rejected_files) == (3, 3, 0, 0)
    got = query(db, "SELECT order_id, received_at, closed_at, county, is_valid FROM stg_work_orders ORDER BY 1")
    assert got == [
        ("14-1", datetime(2014, 5, 9, 19, 2, 21), datetime(2014, 5, 13, 16, 30), "21", None),  # not updated_datetime
        ("14-2", datetime(2014, 1, 3, 14, 18, 52), None, "21", None),  # -06:00 in winter: still Chicago wall clock
        ("14-3", datetime(2014, 5, 1, 10, 0), datetime(2014, 5, 10, 8, 0), "3", False),  # duplicate = true: 无效
    ]


def test_ndjson_and_a_wrapped_list_read_the_same(tmp_path: Path, db: Path) -> None:
    records = [request(f"N{i}", "2014-05-09T19:02:21-05:00", NOTES[:2]) for i in range(3)]
    nd = tmp_path / "requests.ndjson"
    nd.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(
        json.dumps({"requests": [request(f"W{i}", "2014-05-09T19:02:21-05:00", NOTES[:2]) for i in range(2)]})
    )
    summary = load_files([nd, wrapped], db=db, profile="open311")
    assert [(d.status, d.loaded) for d in summary.details] == [("loaded", 3), ("loaded", 2)]


def test_json_without_a_profile_names_its_keys_not_a_bracket(tmp_path: Path, db: Path, capsys) -> None:
    path = tmp_path / "requests.json"
    path.write_text(json.dumps([request("1", "2014-05-09T19:02:21-05:00", NOTES)]), encoding="utf-8")
    assert main(["load", str(path), "--db", str(db)]) == 0
    message = capsys.readouterr().err
    assert "service_request_id" in message and "表头为：[" not in message


def test_broken_json_is_rejected_clearly(tmp_path: Path, db: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"service_request_id": "1",', encoding="utf-8")
    summary = load_files([path], db=db, profile="open311")
    assert summary.rejected_files == 1 and "不是有效的 JSON" in summary.details[0].message
