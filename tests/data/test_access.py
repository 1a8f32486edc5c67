"""Who may see what, decided in the warehouse query layer (issue 12, items 2 and 4): every function that
returns rows of single orders or free text takes the viewer, refuses a role without order lists,
keeps a county-scoped leader to that county at every level, and masks personal data for every role
but admin. On a real warehouse built by the ETL (tests/access_city.py)."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import polars as pl
import pytest

from reports.evidence import build_evidence_pack
from tests.access_city import DEPARTMENTS, EXTRA_CELLS, HEADERLESS, MONTH, OTHER, OWN, STATUS_WITH_PHONE, build_city
from tests.access_city import secrets as city_secrets
from warehouse.access import OrderAccessError, Viewer
from warehouse.alerts import fetch_alert_orders
from warehouse.backlog import fetch_backlog
from warehouse.calendar import Period
from warehouse.cluster_views import fetch_cluster_orders
from warehouse.drilldown import fetch_orders
from warehouse.hotwords import fetch_hot_words
from warehouse.intake import fetch_load_history
from warehouse.integrity_orders import fetch_exclusions, fetch_review_sample
from warehouse.order_lists import fetch_order_list, fetch_order_lists
from warehouse.quality import fetch_cell_warnings, fetch_quarantine_rows
from warehouse.raw_orders import fetch_raw_order

PERIOD = Period.month(MONTH)
PUBLIC = Viewer("public", "gong")
SCOPED = Viewer("leader", "zhao", OWN)
LEADER = Viewer("leader", "qian")
OVERSIGHT = Viewer("oversight", "zhou")
ANALYST = Viewer("analyst", "ana")
ADMIN = Viewer("admin", "wang")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory):
    return build_city(tmp_path_factory.mktemp("access"))


@pytest.fixture(scope="module")
def con(city):
    con = duckdb.connect(str(city.db), read_only=True)
    yield con
    con.close()


def _order_calls(con) -> dict[str, object]:
    """Every query-layer call that returns order rows or free text, with representative arguments."""
    return {
        "fetch_orders": lambda v: fetch_orders(con, v, "department", DEPARTMENTS[0], PERIOD, "response_rate", "denominator"),
        "fetch_order_list": lambda v: fetch_order_list(con, v, "bounced", "county", OTHER, PERIOD),
        "fetch_order_lists": lambda v: fetch_order_lists(con, v, "department", DEPARTMENTS[0], PERIOD),
        "fetch_hot_words": lambda v: fetch_hot_words(con, v, PERIOD),
        "build_evidence_pack": lambda v: build_evidence_pack(con, v, "department", DEPARTMENTS[0], PERIOD),
        "fetch_quarantine_rows": lambda v: fetch_quarantine_rows(con, v),
        "fetch_cell_warnings": lambda v: fetch_cell_warnings(con, v),
        "fetch_load_history": lambda v: fetch_load_history(con, v),
        "fetch_raw_order": lambda v: fetch_raw_order(con, v, "QA001"),
        "fetch_cluster_orders": lambda v: fetch_cluster_orders(con, v, PERIOD, "0000000000"),
        "fetch_alert_orders": lambda v: fetch_alert_orders(con, v, OWN, None, PERIOD.start, PERIOD.end),
        "fetch_backlog": lambda v: fetch_backlog(con, v),
        "fetch_exclusions": lambda v: fetch_exclusions(con, v, "department", DEPARTMENTS[0], PERIOD),
        "fetch_review_sample": lambda v: fetch_review_sample(con, v, "department", PERIOD),
    }  # fmt: skip


# which roles each call serves (the README's "Who may see what")
ALLOWED = {
    "fetch_orders": {"leader", "oversight", "analyst", "admin"},
    "fetch_order_list": {"leader", "oversight", "analyst", "admin"},
    "fetch_order_lists": {"leader", "oversight", "analyst", "admin"},
    "fetch_hot_words": {"leader", "oversight", "analyst", "admin"},
    "build_evidence_pack": {"leader", "oversight", "analyst", "admin"},
    "fetch_quarantine_rows": {"analyst", "admin"},
    "fetch_cell_warnings": {"analyst", "admin"},
    "fetch_load_history": {"analyst", "admin"},
    "fetch_raw_order": {"admin"},
    "fetch_cluster_orders": {"leader", "oversight", "analyst", "admin"},
    "fetch_alert_orders": {"leader", "oversight", "analyst", "admin"},
    "fetch_backlog": {"leader", "oversight", "analyst", "admin"},
    "fetch_exclusions": {"leader", "oversight", "analyst", "admin"},
    "fetch_review_sample": {"leader", "oversight", "analyst", "admin"},
}


@pytest.mark.parametrize("viewer", [PUBLIC, SCOPED, LEADER, OVERSIGHT, ANALYST, ADMIN], ids=lambda v: v.user)
def test_each_call_refuses_the_roles_it_does_not_serve(con, viewer: Viewer) -> None:
    for name, call in _order_calls(con).items():
        if viewer.role in ALLOWED[name]:
            call(viewer)  # no refusal
        else:
            with pytest.raises(OrderAccessError, match=viewer.role):
                call(viewer)


def test_public_gets_no_order_row_at_any_level(con) -> None:
    for level, unit, county in (("county", OWN, None), ("department", DEPARTMENTS[0], None),
                                ("township", "东湖街道", OWN), ("city", None, None)):  # fmt: skip
        with pytest.raises(PermissionError):
            fetch_orders(con, PUBLIC, level, unit, PERIOD, "satisfaction_rate", "denominator", county)


def _ids(frame: pl.DataFrame) -> set[str]:
    return set(frame["order_id"].to_list())


def test_a_county_scoped_leader_gets_only_that_countys_orders_at_every_level(con) -> None:
    own = {r[0] for r in con.sql("SELECT order_id FROM fct_work_orders WHERE county = ?", params=[OWN]).fetchall()}
    department = fetch_orders(con, SCOPED, "department", DEPARTMENTS[0], PERIOD, "response_rate", "denominator")
    citywide = fetch_orders(con, OVERSIGHT, "department", DEPARTMENTS[0], PERIOD, "response_rate", "denominator")
    assert _ids(department) and _ids(department) <= own and set(department["county"]) == {OWN}
    assert _ids(citywide) - own, "the department serves other counties too: the scope must have cut them"
    assert _ids(department) == {i for i in _ids(citywide) if i in own}
    assert fetch_orders(con, SCOPED, "county", OTHER, PERIOD, "response_rate", "denominator").is_empty()
    assert fetch_orders(con, SCOPED, "township", "松林镇", PERIOD, "response_rate", "denominator", OTHER).is_empty()
    assert _ids(fetch_orders(con, SCOPED, "city", None, PERIOD, "response_rate", "denominator")) <= own
    assert _ids(fetch_orders(con, SCOPED, "county", OWN, PERIOD, "response_rate", "denominator")) == own
    lists = fetch_order_lists(con, SCOPED, "department", DEPARTMENTS[0], PERIOD, limit=None)
    assert all(_ids(frame) <= own for frame in lists.values()) and any(not f.is_empty() for f in lists.values())
    assert fetch_order_list(con, SCOPED, "unsatisfied", "county", OTHER, PERIOD).is_empty()
    words = fetch_hot_words(con, SCOPED, PERIOD, county=OTHER)
    assert words.total == 0 and fetch_hot_words(con, SCOPED, PERIOD).total == len(own)


def test_the_evidence_pack_of_a_scoped_leader_lists_that_county_only(con) -> None:
    own = {r[0] for r in con.sql("SELECT order_id FROM fct_work_orders WHERE county = ?", params=[OWN]).fetchall()}
    for viewer, scoped in ((SCOPED, True), (OVERSIGHT, False)):
        pack = build_evidence_pack(con, viewer, "department", DEPARTMENTS[0], PERIOD)
        sheets = pl.read_excel(io.BytesIO(pack), sheet_id=0)
        listed = set(sheets["不满意工单"]["工单编号"].to_list()) | set(sheets["退单工单"]["工单编号"].to_list())
        cover = " ".join(sheets["封面"]["内容"].cast(pl.String).to_list())
        assert listed and (listed <= own) == scoped
        assert (f"账号限于{OWN}" in cover) == scoped


def test_free_text_of_order_rows_is_masked_for_all_but_admin(con) -> None:
    for viewer in (SCOPED, OVERSIGHT, ANALYST):
        orders = fetch_orders(con, viewer, "county", OWN, PERIOD, "response_rate", "denominator")
        assert "13800001111" not in " ".join(orders["status"].drop_nulls()) and "已办结（回访电话138****1111）" in set(
            orders["status"]
        )
    assert STATUS_WITH_PHONE in set(
        fetch_orders(con, ADMIN, "county", OWN, PERIOD, "response_rate", "denominator")["status"]
    )


def _text(frame: pl.DataFrame) -> str:
    return frame.select(pl.all().cast(pl.String)).write_csv()


def test_quarantine_cell_warnings_and_load_messages_hold_no_personal_data_for_the_analyst(con, city) -> None:
    shown = _text(fetch_quarantine_rows(con, ANALYST)) + _text(fetch_cell_warnings(con, ANALYST))
    shown += _text(fetch_load_history(con, ANALYST))
    leaked = [s for s in city_secrets(city) if s in shown]
    assert not leaked
    warning = fetch_cell_warnings(con, ANALYST).row(0, named=True)
    assert warning["order_id"] == "QE001" and warning["extra_cells"] == "张**,138****5678,青********"


def test_the_admin_sees_them_in_clear(con) -> None:
    assert fetch_cell_warnings(con, ADMIN)["extra_cells"].to_list() == [",".join(EXTRA_CELLS)]
    assert "钱多多" in _text(fetch_quarantine_rows(con, ADMIN))
    assert fetch_raw_order(con, ADMIN, "QA001")["citizen_phone"].to_list() == ["13910100001"]


def test_personal_data_stays_out_of_the_stored_messages(con) -> None:
    """Only the raw layer holds the cells verbatim: the warning's message and the rejected headerless
    file's message (load_log, shown on the data page and printed by the CLI) quote none of them."""
    messages = " ".join(m for (m,) in con.sql("SELECT message FROM raw_cell_warnings").fetchall())
    rejected = con.sql("SELECT message FROM load_log WHERE status = 'rejected'").fetchall()[0][0]
    assert not [s for s in (*EXTRA_CELLS, *HEADERLESS) if s in messages + rejected]
    assert "看起来是数据而不是表头" in rejected and "孙**" in rejected and "135****7777" in rejected


def test_a_header_row_is_still_quoted_as_it_is(tmp_path: Path, db: Path) -> None:
    """SPEC §2.1: a file whose headers cannot be mapped is rejected with the headers it has."""
    from etl.load import load_files

    path = tmp_path / "wrong.csv"
    path.write_text("姓名,电话号码,地址\n张三,13912345678,某路1号\n", encoding="utf-8")
    message = load_files([path], db=db).details[0].message
    assert "文件中的表头为：姓名、电话号码、地址。" in message and "张三" not in message


def test_an_unknown_role_is_the_public() -> None:
    from warehouse.users import User

    assert Viewer.of(User("x", "superuser")) == Viewer("public", "x")
    assert (
        Viewer.of(User("y", "leader", OWN)).county_scope == OWN
        and Viewer.of(User("z", "oversight")).county_scope is None
    )
    with pytest.raises(ValueError, match="未知角色"):
        Viewer("superuser")
