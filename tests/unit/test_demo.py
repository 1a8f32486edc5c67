"""The demo generator writes realistic, readable exports whose messy rows are exactly as reported.

The messy counts are checked by an independent reading of the files that applies SPEC §2.1, so the
loader's quarantine can be tested against ``messy_expectations`` with confidence.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from etl.democity import generate as demo
from etl.democity.city import COUNTIES, DEPARTMENTS
from etl.democity.orders import generate_orders

ALIASES = {
    "order_id": ("工单编号", "工单号", "编号"),
    "received_at": ("受理时间", "来电时间", "登记时间"),
    "channel": ("受理渠道", "来源渠道"),
    "appeal_type": ("诉求类型", "来电类别", "工单类型"),
    "category_l1": ("一级分类",),
    "category_l2": ("二级分类",),
    "category_l3": ("三级分类",),
    "category": ("问题分类", "事项分类"),
    "content": ("诉求内容", "主要内容", "来电内容"),
    "citizen_name": ("来电人", "诉求人"),
    "citizen_phone": ("联系电话", "来电号码"),
    "county": ("所属区县", "区县", "被反映区"),
    "township": ("乡镇街道", "街道", "被反映街乡镇"),
    "department": ("承办单位", "办理单位", "主办单位"),
    "urgency": ("紧急程度",),
    "dispatched_at": ("派单时间", "转办时间"),
    "responded_at": ("首次联系时间", "签收时间", "响应时间"),
    "due_at": ("办理时限", "办理截止时间", "截止时间"),
    "due_ext_at": ("延期后截止时间",),
    "closed_at": ("办结时间",),
    "status": ("办理状态", "工单状态"),
    "return_count": ("退单次数", "退回次数"),
    "callback_at": ("回访时间",),
    "resolution": ("是否解决", "解决情况"),
    "satisfaction": ("满意度", "满意度评价", "是否满意"),
    "is_valid": ("是否有效", "有效工单"),
    "is_exempt": ("考核豁免", "申诉通过"),
    "disposal": ("处置方式", "处理方式"),
    "termination_reason": ("终止原因", "无效原因"),
    "appeal_reason": ("申诉理由", "豁免理由"),
    "reviewer": ("审核人", "审批人"),
    "reviewed_at": ("审核时间", "审批时间"),
    "original_order_id": ("原工单编号", "原工单号"),
    "extension_approved": ("延期审批",),
    "reply": ("办理结果", "回复内容", "答复意见"),
}
FIELD_OF = {header: field for field, headers in ALIASES.items() for header in headers}
TIMESTAMP_FIELDS = {
    "reviewed_at",
    "received_at",
    "dispatched_at",
    "responded_at",
    "due_at",
    "due_ext_at",
    "closed_at",
    "callback_at",
}
VOCABULARY = {
    "appeal_type": {"咨询", "求助", "投诉", "举报", "建议", "表扬", "其他"},
    "urgency": {"紧急", "一般", "特急", "普通"},
    "resolution": {"已解决", "解决", "部分解决", "未解决"},
    "satisfaction": {"非常满意", "满意", "基本满意", "不满意", "非常不满意", "未评价"},
}
FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H时%M分%S秒")
SMALL = {"months": 4, "orders_per_month": 400, "seed": 7}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("demo")
    return out, demo.write_demo(out, **SMALL)


def read_export(path: Path) -> pl.DataFrame:
    """Read an export as text cells, the way the loader has to."""
    if path.suffix == ".xlsx":
        return pl.read_excel(path, read_options={"header_row": 1}, infer_schema_length=0)
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return pl.read_csv(path, encoding="gb18030", infer_schema=False)
    return pl.read_csv(path, infer_schema=False)


def parse_time(text: str | None) -> datetime | None:
    if text is None:
        return None
    for fmt in FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return datetime(1899, 12, 30) + timedelta(days=float(text))
    except ValueError:
        return None


def defects(cells: dict[str, str | None]) -> list[str]:
    """Every SPEC §2.1 defect of one row, given its cells by source header."""
    row = {FIELD_OF[h]: v for h, v in cells.items()}
    found = []
    if not row.get("order_id"):
        found.append("empty_order_id")
    received = parse_time(row.get("received_at"))
    if received is None:
        found.append("bad_received_at")
    others = [v for h, v in cells.items() if FIELD_OF[h] in TIMESTAMP_FIELDS - {"received_at"}]
    if any(v and parse_time(v) is None for v in others):
        found.append("bad_other_timestamp")
    if any(row.get(f) and row[f] not in values for f, values in VOCABULARY.items()):
        found.append("bad_vocabulary")
    earlier = [parse_time(row.get(f)) for f in ("closed_at", "dispatched_at")]
    if received and any(t and t < received for t in earlier):
        found.append("chronology")
    return found


def independent_counts(path: Path) -> Counter:
    frame = read_export(path)
    counts = Counter(rows=frame.height)
    versions: dict[str, list[tuple]] = {}
    for cells in frame.iter_rows():
        found = defects(dict(zip(frame.columns, cells, strict=True)))
        assert len(found) <= 1, (path.name, found, cells)
        if found:
            counts[found[0]] += 1
            continue
        seen = versions.setdefault(cells[0], [])
        if cells in seen:
            counts["duplicates"] += 1
        else:
            seen.append(cells)
    counts["superseded"] = sum(len(v) - 1 for v in versions.values())
    return counts


def test_files_are_written_in_month_order_with_rotating_formats(small: tuple[Path, list[Path]]) -> None:
    out, paths = small
    assert [p.name for p in paths] == sorted(p.name for p in paths)
    assert paths[0].name == "yunxi_12345_2026-07.csv"
    assert [p.suffix for p in paths] == [".csv", ".xlsx", ".csv", ".csv"]
    assert sorted(out.glob("yunxi_12345_*")) == paths
    assert demo.messy_expectations(out) == demo.MESSY_EXPECTATIONS
    assert set(demo.MESSY_EXPECTATIONS) == {p.name for p in paths}


def test_encodings_are_the_vendors_and_files_read_back(small: tuple[Path, list[Path]]) -> None:
    _, paths = small
    gbk, xlsx, bom, _ = paths
    with pytest.raises(UnicodeDecodeError):
        gbk.read_bytes().decode("utf-8")
    assert b"\r\n" in gbk.read_bytes()[:2000]
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert pl.read_csv(gbk, encoding="gb18030", infer_schema=False).height == demo.MESSY_EXPECTATIONS[gbk.name]["rows"]
    excel = pl.read_excel(xlsx, read_options={"header_row": 1})
    assert excel.height == demo.MESSY_EXPECTATIONS[xlsx.name]["rows"]
    assert pl.read_excel(xlsx, read_options={"header_row": 0}, infer_schema_length=0).columns[0].startswith("云溪市")
    for path in paths:
        assert read_export(path).height == demo.MESSY_EXPECTATIONS[path.name]["rows"]


def test_headers_come_only_from_the_default_profile(small: tuple[Path, list[Path]]) -> None:
    _, paths = small
    for path in paths:
        headers = read_export(path).columns
        assert set(headers) <= set(FIELD_OF), path.name
        fields = {FIELD_OF[h] for h in headers}
        assert {"order_id", "received_at", "department", "closed_at", "satisfaction"} <= fields
    assert "办理时限" in read_export(paths[0]).columns
    assert not {"办理时限", "办理截止时间", "截止时间"} & set(read_export(paths[2]).columns)


def test_messy_rows_are_exactly_as_reported(small: tuple[Path, list[Path]]) -> None:
    _, paths = small
    for path in paths:
        expected = demo.MESSY_EXPECTATIONS[path.name]
        assert all(expected[kind] >= 1 for kind in demo.KINDS), expected
        found = independent_counts(path)
        assert {k: found[k] for k in expected} == expected, path.name


def test_xlsx_mixes_datetime_cells_text_and_serial_numbers(small: tuple[Path, list[Path]]) -> None:
    _, paths = small
    received = read_export(paths[1])["来电时间"].drop_nulls()
    assert received.str.contains(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$").sum() > received.len() * 0.6
    assert received.str.contains("年").sum() > 0
    assert received.str.contains(r"^\d{5}\.\d+$").sum() > 0
    assert received.str.contains(r"\.\d+$").sum() == received.str.contains(r"^\d{5}\.").sum()


def test_later_exports_update_earlier_orders(small: tuple[Path, list[Path]]) -> None:
    _, paths = small
    first = read_export(paths[0]).select(order_id="工单编号", closed="办结时间", callback="回访时间")
    second = read_export(paths[1]).select(order_id="工单号", closed="办结时间", callback="回访时间")
    updated = first.join(second, on="order_id", suffix="_later")
    assert updated.height > 20
    assert updated.filter(pl.col("callback").is_null() & pl.col("callback_later").is_not_null()).height > 0
    assert updated.filter(pl.col("closed").is_null() & pl.col("closed_later").is_not_null()).height > 0


def test_same_seed_same_bytes_other_seed_other_data(small: tuple[Path, list[Path]], tmp_path: Path) -> None:
    _, paths = small
    again = demo.write_demo(tmp_path / "again", **SMALL)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in again]
    assert digest == [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    other = demo.write_demo(tmp_path / "other", **{**SMALL, "seed": 8})
    assert other[0].read_bytes() != paths[0].read_bytes()


def test_units_file_lists_the_demo_departments(small: tuple[Path, list[Path]]) -> None:
    units_csv = Path(__file__).resolve().parents[2] / "config" / "units.csv"
    with units_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["department", "group"]
    assert {(r["department"], r["group"]) for r in rows} == {(d.name, d.group) for d in DEPARTMENTS}
    assert {r["group"] for r in rows} == {"市直部门", "公共企业"}
    _, paths = small
    seen = set(read_export(paths[0])["承办单位"].drop_nulls()) | set(read_export(paths[1])["承办单位"].drop_nulls())
    assert seen <= {d.name for d in DEPARTMENTS}


def test_large_xlsx_months_fall_back_to_utf8_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "XLSX_MAX_ROWS", 50)
    paths = demo.write_demo(tmp_path, months=2, orders_per_month=100, end_month="2026-03")
    assert [p.name for p in paths] == ["yunxi_12345_2026-02.csv", "yunxi_12345_2026-03.csv"]
    raw = paths[1].read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "工单号" in pl.read_csv(paths[1], infer_schema=False).columns


def test_rewriting_removes_old_exports_and_rejects_bad_arguments(tmp_path: Path) -> None:
    demo.write_demo(tmp_path, months=3, orders_per_month=50)
    demo.write_demo(tmp_path, months=1, orders_per_month=50)
    assert [p.name for p in sorted(tmp_path.glob("yunxi_*"))] == ["yunxi_12345_2026-10.csv"]
    with pytest.raises(ValueError):
        demo.write_demo(tmp_path, end_month="2026-13")
    with pytest.raises(ValueError):
        demo.write_demo(tmp_path, months=0)


@pytest.fixture(scope="module")
def truth() -> pl.DataFrame:
    return generate_orders(np.random.default_rng(12345), "2026-10", 13, 2000)


def test_volume_mix_and_seasonality_look_like_a_real_hotline(truth: pl.DataFrame) -> None:
    direct = truth["dispatched_at"].is_null().mean()
    assert 0.5 <= direct <= 0.62
    types = truth["appeal_type"].value_counts(normalize=True)
    share = dict(zip(types["appeal_type"], types["proportion"], strict=True))
    assert 0.36 < share["咨询"] < 0.44 and 0.24 < share["投诉"] < 0.32
    assert 0.03 < (truth["urgency"] == "紧急").mean() < 0.07
    assert 0.66 < (truth["channel"] == "电话").mean() < 0.74
    monthly = truth.group_by(pl.col("received_at").dt.strftime("%Y-%m").alias("m")).agg(
        n=pl.len(), heat=(pl.col("category_l2") == "供暖").sum(), power=(pl.col("category_l2") == "供电").sum()
    )
    by = {r["m"]: r for r in monthly.iter_rows(named=True)}
    assert by["2026-01"]["heat"] > 10 * max(by["2026-07"]["heat"], 1)
    assert by["2026-07"]["power"] > 1.5 * by["2026-01"]["power"]
    assert by["2026-02"]["n"] < min(by["2026-03"]["n"], by["2026-01"]["n"])  # Spring Festival dip
    assert 1700 < truth.height / 13 < 2300


def test_weak_units_rank_below_strong_units(truth: pl.DataFrame) -> None:
    assessed = truth.filter(pl.col("dispatched_at").is_not_null() & pl.col("is_valid") & ~pl.col("is_exempt"))
    rates = assessed.group_by("county").agg(
        sat=pl.col("satisfaction").is_in(["满意", "基本满意"]).sum()
        / pl.col("satisfaction").is_in(["满意", "基本满意", "不满意"]).sum(),
        returned=(pl.col("return_count") > 0).mean(),
    )
    by = {r["county"]: r for r in rates.iter_rows(named=True)}
    assert set(by) == {c.name for c in COUNTIES}
    assert by["枫渚县"]["sat"] < by["云岫区"]["sat"] - 0.15
    assert by["枫渚县"]["returned"] > 2 * by["云岫区"]["returned"]


def test_repeat_callers_call_again_about_the_same_topic(truth: pl.DataFrame) -> None:
    calls = truth.filter(pl.col("citizen_phone").is_not_null()).sort("received_at")
    gaps = calls.with_columns(
        gap=pl.col("received_at").diff().over("citizen_phone", "category_l2"),
    ).filter(pl.col("gap") <= timedelta(days=30))
    assert 0.02 < gaps.height / truth.height < 0.08
    assert truth["content"].str.contains(r"1[3-9]\d{9}").sum() > 0
