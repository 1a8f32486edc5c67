"""Shared fixtures: real temporary warehouses and export files written the way platforms write them."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import duckdb
import pytest

from etl.democity.generate import write_demo
from etl.load import load_files
from warehouse.calendar import Period
from warehouse.periods import default_period

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXTERNAL = SHARED / "data" / "external"

HEADER = [
    "工单编号", "受理时间", "受理渠道", "诉求类型", "问题分类", "诉求内容", "来电人", "联系电话", "所属区县",
    "乡镇街道", "承办单位", "紧急程度", "派单时间", "签收时间", "首次联系时间", "办理时限", "办结时间",
    "办理状态", "退单次数", "回访时间", "是否解决", "满意度", "是否有效", "考核豁免",
]  # fmt: skip


def order_row(order_id: str, received: str = "2024-03-05 09:00:00", **cells: str) -> dict[str, str]:
    """A valid dispatched order in the default headers; override any cell by its header name."""
    row = {
        "工单编号": order_id, "受理时间": received, "受理渠道": "电话", "诉求类型": "投诉",
        "问题分类": "城乡建设->物业管理->物业收费", "诉求内容": "小区物业乱收费，电话13912345678",
        "来电人": "王五", "联系电话": "13912345678", "所属区县": "青岚区", "乡镇街道": "东湖街道",
        "承办单位": "市住房和城乡建设局", "紧急程度": "一般", "派单时间": "2024-03-05 10:00:00",
        "签收时间": "2024-03-05 11:00:00", "首次联系时间": "2024-03-05 12:00:00", "办理时限": "",
        "办结时间": "2024-03-07 16:00:00", "办理状态": "已办结", "退单次数": "0",
        "回访时间": "2024-03-08 10:00:00", "是否解决": "已解决", "满意度": "满意", "是否有效": "是", "考核豁免": "否",
    }  # fmt: skip
    row.update(cells)
    return row


BOSTONISH = ["case_enquiry_id", "open_dt", "closed_dt", "case_status", "ward", "source", "caller_phone"]


def boston_like_csv(path: Path, rows: int = 12) -> Path:
    """A small export in the Boston 311 shape: wards written three ways, one row without an id."""
    wards = ["Ward 7", "07", "7", "Ward 3", "03", " 3 "]
    lines = [",".join(BOSTONISH)]
    for i in range(rows):
        case = "" if i == rows - 1 else f"1010041{i:05d}"
        closed = "" if i % 4 == 0 else f"2022-01-{i + 2:02d} 10:00:00"
        status = "Open" if not closed else "Closed"
        lines.append(
            f"{case},2022-01-{i + 1:02d} 09:30:00,{closed},{status},{wards[i % 6]},Constituent Call,617555{i:04d}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def csv_text(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header or HEADER, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8", header: list[str] | None = None) -> Path:
    path.write_bytes(csv_text(rows, header).encode(encoding))
    return path


def query(db: Path, sql: str) -> list[tuple]:
    """Rows of one query on a warehouse file, through a short read-only connection."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def counts(summary) -> dict[str, int]:
    """The SPEC §7 summary counts of a load."""
    keys = ("files", "rows_read", "loaded", "updated", "unchanged", "quarantined", "duplicates", "rejected_files")
    return {k: getattr(summary, k) for k in keys}


# The order the workers take test files in (make test: pytest-xdist, one file per worker at a time, in
# collection order): the slowest kinds first, so that the last files to finish are short ones and no
# worker sits idle while another runs a browser file alone at the end.
HEAVY_FIRST = ("tests/e2e/", "tests/app/", "tests/data/", "tests/differential/", "tests/unit/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next((i for i, folder in enumerate(HEAVY_FIRST) if item.nodeid.startswith(folder)), len(HEAVY_FIRST))

    items.sort(key=rank)  # stable: within a folder, files and tests keep their order


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A warehouse path in a temp dir (the file is created by the first load); key beside it."""
    monkeypatch.delenv("HOTLINE_DB", raising=False)
    monkeypatch.delenv("HOTLINE_KEY_FILE", raising=False)
    return tmp_path / "wh" / "hotline.duckdb"


@pytest.fixture
def external() -> Path:
    if not EXTERNAL.exists() or os.environ.get("HOTLINE_SKIP_EXTERNAL"):
        pytest.skip("../shared/data/external is not here")
    return EXTERNAL


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    db = root / "wh" / "hotline.duckdb"
    load_files(write_demo(root / "exports", months=4, orders_per_month=600, seed=5), db=db, mark_demo=True)
    return db


@pytest.fixture(scope="module")
def demo_con(demo_db: Path):
    """A read-only connection to the demo warehouse, as the dashboard opens it."""
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def demo_month(demo_con) -> Period:
    """The month the pages open on in the demo warehouse."""
    return default_period(demo_con)


@pytest.fixture
def app_env(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOTLINE_DB", str(demo_db))
    return demo_db
