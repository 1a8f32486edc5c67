"""Issue 13 items 3 and 4: normalisation rules, time zones, and encodings that are not UTF-8."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from etl.load import load_files
from etl.readers import sniff_encoding
from tests.conftest import csv_text, order_row, query, write_csv

HEADER = ["Case", "Opened", "Closed", "Ward"]


def profile(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "p.toml"
    path.write_text(
        'name = "p"\n[fields]\norder_id = ["Case"]\nreceived_at = ["Opened"]\nclosed_at = ["Closed"]\n'
        'township = ["Ward"]\n' + extra,
        encoding="utf-8",
    )
    return path


def rows(*cells: tuple[str, str, str, str]) -> list[dict[str, str]]:
    return [dict(zip(HEADER, c, strict=True)) for c in cells]


def test_one_rule_fixes_the_boston_ward_column(tmp_path: Path, db: Path) -> None:
    data = rows(
        ("1", "2022-01-03 09:00", "", "Ward 7"), ("2", "2022-01-03 09:00", "", "07"), ("3", "2022-01-03 09:00", "", "7")
    )
    path = write_csv(tmp_path / "b.csv", data, header=HEADER)
    assert load_files([path], db=db, profile=profile(tmp_path)).loaded == 3
    assert query(db, "SELECT count(DISTINCT township) FROM stg_work_orders") == [(3,)]  # without the rule

    rule = "[normalize.township]\nrewrite = [['^(?:Ward )?0*(\\d+)$', 'Ward \\1']]\n"
    again = tmp_path / "again"
    again.mkdir()
    path2 = write_csv(again / "b.csv", data, header=HEADER)
    db2 = tmp_path / "wh2" / "h.duckdb"
    assert load_files([path2], db=db2, profile=profile(tmp_path, rule)).loaded == 3
    assert query(db2, "SELECT DISTINCT township FROM stg_work_orders") == [("Ward 7",)]


def test_rules_apply_in_order_before_synonyms_and_keep_the_raw_record(tmp_path: Path, db: Path) -> None:
    extra = (
        '[normalize.township]\ncase = "upper"\ntrim_prefix = ["DISTRICT "]\n'
        + 'rewrite = [[\'\\s+\', \' \']]\n[synonyms.township]\n"NORTH  END" = "unused"\n"NORTH END" = "北端"\n'
    )
    data = rows(
        ("1", "2022-01-03 09:00", "2022-01-02 09:00", "district north   end"),
        ("2", "2022-01-03 09:00", "", "North End"),
    )
    path = write_csv(tmp_path / "n.csv", data, header=HEADER)
    summary = load_files([path], db=db, profile=profile(tmp_path, extra))
    assert (summary.loaded, summary.quarantined) == (1, 1)
    assert query(db, "SELECT township FROM stg_work_orders") == [("北端",)]
    [(record,)] = query(db, "SELECT raw_record FROM raw_quarantine")
    assert json.loads(record)["Ward"] == "district north   end"  # the cell as it came, not as read


OFFSET = "2024-03-05T14:18:52-06:00"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", datetime(2024, 3, 6, 4, 18, 52)),  # converted to the site zone, Asia/Shanghai (was 20:18:52, UTC)
        ('[timestamps]\nformats = ["%Y-%m-%dT%H:%M:%S%:z"]\n', datetime(2024, 3, 6, 4, 18, 52)),
        ('[timestamps]\ntime_zone = "America/Chicago"\n', datetime(2024, 3, 5, 14, 18, 52)),  # source wall clock
        (
            '[timestamps]\nformats = ["%Y-%m-%dT%H:%M:%S%z"]\ntime_zone = "America/Chicago"\n',
            datetime(2024, 3, 5, 14, 18, 52),
        ),
    ],
)
def test_offset_times_become_wall_clock_time_of_one_zone(tmp_path: Path, db: Path, extra: str, expected) -> None:
    data = rows(("1", OFFSET, "2024-03-07 20:00:00", "W1"))
    path = write_csv(tmp_path / "z.csv", data, header=HEADER)
    assert load_files([path], db=db, profile=profile(tmp_path, extra)).loaded == 1
    # the naive close time is stored as written, whatever the zone
    assert query(db, "SELECT received_at, closed_at FROM stg_work_orders") == [(expected, datetime(2024, 3, 7, 20))]


def test_the_site_zone_is_a_setting(tmp_path: Path, db: Path, monkeypatch) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('time_zone = "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("HOTLINE_SETTINGS", str(settings))
    path = write_csv(tmp_path / "z.csv", rows(("1", "2024-03-05T14:18:52+08:00", "", "W1")), header=HEADER)
    assert load_files([path], db=db, profile=profile(tmp_path)).loaded == 1
    assert query(db, "SELECT received_at FROM stg_work_orders") == [(datetime(2024, 3, 5, 6, 18, 52),)]
    settings.write_text('time_zone = "Asia/Beijing"\n', encoding="utf-8")
    from warehouse.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="time_zone"):
        load_settings()


def test_a_windows_1252_csv_is_not_loaded_as_mojibake(tmp_path: Path, db: Path) -> None:
    data = rows(
        *((f"B{i}", "2022-01-03 09:00", "", "Dorchéster") for i in range(20)),
        ("X", "2022-01-03", "", "Mission Hill – “Roxbury”"),
    )
    path = tmp_path / "w.csv"
    path.write_bytes(csv_text(data, HEADER).encode("cp1252"))
    summary = load_files([path], db=db, profile=profile(tmp_path))
    res = summary.details[0]
    assert (res.loaded, res.encoding, res.warnings) == (21, "cp1252", [])
    assert query(db, "SELECT DISTINCT township FROM stg_work_orders ORDER BY 1") == [
        ("Dorchéster",),
        ("Mission Hill – “Roxbury”",),
    ]


def test_gbk_is_still_gb18030(tmp_path: Path) -> None:
    one = write_csv(tmp_path / "one.csv", [order_row("G1", 来电人="朱镕基")], encoding="gbk")
    many = write_csv(tmp_path / "many.csv", [order_row(f"G{i}") for i in range(50)], encoding="gbk")
    assert (sniff_encoding(one).encoding, sniff_encoding(one).warning) == ("gb18030", None)
    assert sniff_encoding(many).encoding == "gb18030"


def test_an_undecidable_file_is_read_with_a_warning(tmp_path: Path, db: Path) -> None:
    """Mostly rare GBK-extension characters (outside GB2312): the byte pairs look Western, the detector
    says Chinese; the file is read one way and the summary says which, and how to force the other."""
    data = rows(*((f"R{i}", "2022-01-03 09:00", "", "堃镕喆中") for i in range(30)))
    path = tmp_path / "rare.csv"
    path.write_bytes(csv_text(data, HEADER).encode("gbk"))
    guess = sniff_encoding(path)
    assert guess.warning and "编码无法确定" in guess.warning and "encoding = " in guess.warning
    summary = load_files([path], db=db, profile=profile(tmp_path))
    assert summary.warnings == 1 and "编码无法确定" in summary.details[0].warnings[0]
