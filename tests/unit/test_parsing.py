"""Cell parsers: every timestamp form SPEC §2 lists, and what must not parse."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from etl.parsing import parse_boolean, parse_integer, parse_timestamp, parse_timestamp_series, split_category_path

CASES = [
    ("2024-03-05 14:02:11", datetime(2024, 3, 5, 14, 2, 11)),
    ("2024-03-05 14:02", datetime(2024, 3, 5, 14, 2)),
    ("2024-03-05", datetime(2024, 3, 5)),
    ("2024/3/5 14:02", datetime(2024, 3, 5, 14, 2)),
    ("2024/3/5 14:02:11", datetime(2024, 3, 5, 14, 2, 11)),
    ("2024/03/05", datetime(2024, 3, 5)),
    ("2024年3月5日 14时02分11秒", datetime(2024, 3, 5, 14, 2, 11)),
    ("2024年3月5日 14时02分", datetime(2024, 3, 5, 14, 2)),
    ("2024年3月5日14:02:11", datetime(2024, 3, 5, 14, 2, 11)),
    ("2024年3月5日", datetime(2024, 3, 5)),
    ("2023-12-08T12:00:00.000", datetime(2023, 12, 8, 12, 0)),
    # Excel serial numbers (1900 system): 45356 = 2024-03-05; .5 = noon
    ("45356", datetime(2024, 3, 5)),
    ("45356.5", datetime(2024, 3, 5, 12, 0)),
    ("45356.584849537", datetime(2024, 3, 5, 14, 2, 11)),
    ("2024.03.05 14:02:11", datetime(2024, 3, 5, 14, 2, 11)),
    ("2024.3.5", datetime(2024, 3, 5)),
    ("2024.03.05 14:02:11.500", datetime(2024, 3, 5, 14, 2, 11)),
    # the 12-hour clock of Chinese-locale spreadsheets
    ("2024/3/5 下午2:02:11", datetime(2024, 3, 5, 14, 2, 11)),
    ("2024-03-05 上午10:15", datetime(2024, 3, 5, 10, 15)),
    ("2024年3月5日 下午 2时02分", datetime(2024, 3, 5, 14, 2)),
    ("2024/3/5 上午12:30", datetime(2024, 3, 5, 0, 30)),
    ("2024/3/5 中午12:30", datetime(2024, 3, 5, 12, 30)),
    ("2024/3/5 晚上11:59:59", datetime(2024, 3, 5, 23, 59, 59)),
    # a moment with an offset: the wall-clock time of the site's zone (Asia/Shanghai by default)
    ("2024-03-05T14:18:52-06:00", datetime(2024, 3, 6, 4, 18, 52)),
    ("2024-03-05T06:18:52.000Z", datetime(2024, 3, 5, 14, 18, 52)),
    ("2024-03-05 14:18 +0800", datetime(2024, 3, 5, 14, 18)),
]
BAD = [
    "下午2:02",
    "2024/3/5 下午13:61",
    "2024-13-45",
    "2024-02-30 10:00:00",
    "待补录",
    "1899-12-31 14:00:00",
    "12345678",
    "2024-03-05 25:00:00",
    "abc",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_timestamp_forms(text: str, expected: datetime) -> None:
    series = pl.Series("t", [text])
    assert parse_timestamp_series(series).to_list() == [expected]
    assert pl.DataFrame({"t": series}).select(parse_timestamp(pl.col("t")))["t"].to_list() == [expected]


@pytest.mark.parametrize("text", BAD)
def test_unparseable_timestamps_are_null(text: str) -> None:
    assert parse_timestamp_series(pl.Series("t", [text])).to_list() == [None]


def test_fast_and_general_paths_agree_on_a_mixed_column() -> None:
    texts = [c for c, _ in CASES] + BAD + [None]
    fast = parse_timestamp_series(pl.Series("t", texts))
    general = pl.DataFrame({"t": texts}).select(parse_timestamp(pl.col("t")))["t"]
    assert fast.to_list() == general.to_list()


def test_extra_profile_format_for_us_exports() -> None:
    series = pl.Series("t", ["03/05/2019 02:15:00 PM"])
    assert parse_timestamp_series(series, ("%m/%d/%Y %I:%M:%S %p",)).to_list() == [datetime(2019, 3, 5, 14, 15)]
    assert parse_timestamp_series(series).to_list() == [None]


def test_integer_boolean_and_category_path() -> None:
    frame = pl.DataFrame({"n": ["0", "2", "2.0", "-1", "x", None], "b": ["是", "否", "Y", "0", "maybe", None]})
    out = frame.select(parse_integer(pl.col("n")).alias("n"), parse_boolean(pl.col("b"), {}).alias("b"))
    assert out["n"].to_list() == [0, 2, 2, None, None, None]
    assert out["b"].to_list() == [True, False, True, False, None, None]
    paths = pl.DataFrame({"p": ["城乡建设->物业管理->收费", "交通/公交", "A > B"]})
    got = paths.select(split_category_path(pl.col("p"), i).alias(str(i)) for i in range(3))
    assert got.rows() == [("城乡建设", "物业管理", "收费"), ("交通", "公交", None), ("A", "B", None)]


def test_offsets_go_to_the_zone_asked_and_a_bare_date_is_not_an_offset() -> None:
    texts = pl.Series("t", ["2014-05-09T19:02:21-05:00", "2014-01-03T14:18:52-06:00", "2024-03-05", "2024-03-05 09:00"])
    assert parse_timestamp_series(texts, zone="America/Chicago").to_list() == [
        datetime(2014, 5, 9, 19, 2, 21), datetime(2014, 1, 3, 14, 18, 52), datetime(2024, 3, 5), datetime(2024, 3, 5, 9),
    ]  # fmt: skip
