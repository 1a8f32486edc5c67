"""Every page and every download, as every role (issue 12, item 2): the public gets no order-level row
anywhere, a county-scoped leader none of another county's orders, and personal data reaches no role
but admin. The pages are driven by AppTest with the account in session state, as test_roles does;
each download's bytes are taken as the page hands them to Streamlit (a lazy download's file is made
the way the server makes it: called later, outside the script run, which also checks whom the audit
log names)."""

from __future__ import annotations

import inspect
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import polars as pl
import pytest
import streamlit
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from etl.load import load_files
from tests.access_city import DEPARTMENTS, MONTH, OTHER, OWN, build_city, changed_export, pinned_settings
from tests.access_city import secrets as city_secrets
from tests.app.pages import open_page
from warehouse import audit
from warehouse.publish import publish_month
from warehouse.users import User

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ROLES = {
    "public": User("gong", "public"),
    "scoped_leader": User("zhao", "leader", OWN),
    "leader": User("qian", "leader"),
    "oversight": User("zhou", "oversight"),
    "analyst": User("ana", "analyst"),
    "admin": User("wang", "admin"),
}
ANY_ORDER = re.compile(r"(?<![A-Za-z0-9])(?:QA|SB|HC|QE|QX|NH)\d{3}(?!\d)")
OTHER_COUNTIES = re.compile(r"(?<![A-Za-z0-9])(?:SB|HC)\d{3}(?!\d)")  # the orders of 松屿县 and of the third county
TEXT_ELEMENTS = ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success", "metric")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory):
    """The city, with March published (定榜) and then two of its orders changed by a later export, so that
    the published month's differences — the changed orders among them — are walked too (issue 14)."""
    root = tmp_path_factory.mktemp("walk")
    settings = pinned_settings(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOTLINE_SETTINGS", str(settings))
        mp.delenv("HOTLINE_RECORD", raising=False)
        built = build_city(root)
        publish_month(built.db, MONTH, "wang", "admin")
        load_files([changed_export(root)], db=built.db)
    return built, settings


@pytest.fixture
def env(city, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    city, settings = city
    monkeypatch.setenv("HOTLINE_SETTINGS", str(settings))
    monkeypatch.delenv("HOTLINE_RECORD", raising=False)
    monkeypatch.setenv("HOTLINE_DB", str(city.db))
    monkeypatch.setenv("HOTLINE_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("HOTLINE_AUDIT", str(tmp_path / "audit.log"))
    return city


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """(file name, data) of every download button drawn: bytes, or the callable of a lazy download."""
    drawn: list[tuple[str, Any]] = []
    original = DeltaGenerator.download_button
    signature = inspect.signature(original)

    def record(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        drawn.append((bound.arguments.get("file_name") or "", bound.arguments["data"]))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    monkeypatch.setattr(streamlit, "download_button", lambda *a, **k: record(streamlit._main, *a, **k))
    return drawn


class Seen:
    """Everything one role was shown: the text of every element and table, and every download."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.order_tables: list[pl.DataFrame] = []

    def page(self, at: AppTest) -> None:
        assert not at.exception, at.exception
        for kind in TEXT_ELEMENTS:
            for el in at.get(kind):
                self.parts.append(f"{getattr(el, 'label', '')} {getattr(el, 'value', '')}")
        for tab in at.tabs:
            self.parts.append(tab.label)
        for df in at.dataframe:
            frame = pl.from_pandas(df.value.reset_index(drop=True).astype(str))
            self.parts.append(frame.write_csv())
            if "工单编号" in frame.columns:
                self.order_tables.append(frame)

    def downloads(self, drawn: list[tuple[str, Any]]) -> None:
        for name, data in drawn:
            payload = data() if callable(data) else data  # a lazy one, as the server thread calls it
            self.parts.append(_as_text(name, payload))
        drawn.clear()

    @property
    def text(self) -> str:
        return "\n".join(self.parts)


def _as_text(name: str, payload: Any) -> str:
    if name.endswith(".html"):  # the report: its charts are base64 images, whose letters are no text
        return re.sub(r"data:[^\"')]+", "", payload if isinstance(payload, str) else payload.decode("utf-8"))
    if isinstance(payload, str):
        return payload
    if name.endswith(".xlsx"):
        sheets = pl.read_excel(io.BytesIO(payload), sheet_id=0, infer_schema_length=0)
        return "\n".join(frame.write_csv() for frame in sheets.values())
    if name.endswith(".docx"):  # the bulletin as issued: every paragraph and table cell is scanned
        doc = docx.Document(io.BytesIO(bytes(payload)))
        cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    if name.endswith(".pdf"):
        return ""  # the public report: aggregate tables only (tests/data/test_report.py scans its text)
    return bytes(payload).decode("utf-8-sig")


def _open(user: User, page: str) -> AppTest:
    return open_page(page, user, timeout=120)


def _each(at: AppTest, key: str, see: Callable[[AppTest], None]) -> None:
    """Every option of one select box, one run each."""
    for index in range(len(at.selectbox(key=key).options)):
        at.selectbox(key=key).select_index(index).run()
        see(at)


def _walk(user: User, drawn: list[tuple[str, Any]]) -> Seen:
    seen = Seen()

    def look(at: AppTest) -> None:
        seen.page(at)
        seen.downloads(drawn)

    if _may_open(user, "admin"):  # first: its audit table is helper "auth"'s (issue 12 item 3c) to mend
        at = _open(user, "pages/admin.py")
        at.text_input(key="admin_order_id").input("QA001").run()
        look(at)
    pages = ("overview", "rankings", "trends", "backlog", "map", "county", "hot_topics", "unit_profile", "data",
             "report", "record", "about")  # fmt: skip
    opened = {page for page in pages if _may_open(user, page)}
    for page in opened - {"rankings", "unit_profile"}:
        look(_open(user, f"pages/{page}.py"))
    for level in ("county", "department", "township"):
        at = _open(user, "pages/rankings.py")
        at.sidebar.radio(key="f_level").set_value(level).run()
        look(at)
        at.toggle(key="rk_live").set_value(True).run()  # March is published: the live figures and what changed
        look(at)
        if _has(at, "drill_unit"):
            at.selectbox(key="drill_part").set_value("denominator").run()
            _each(at, "drill_unit", look)
        if "unit_profile" in opened:
            at = _open(user, "pages/unit_profile.py")
            at.sidebar.radio(key="f_level").set_value(level).run()
            look(at)
            for box in at.selectbox:
                if box.key and box.key.startswith("up_unit_"):
                    _each(at, box.key, look)
    return seen


def _has(at: AppTest, key: str) -> bool:
    return any(box.key == key for box in at.selectbox)


def _may_open(user: User, page: str) -> bool:
    from warehouse.access import Access

    return Access(user).may_open(page)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_and_download_as_every_role(env, downloads, role: str) -> None:
    user = ROLES[role]
    seen = _walk(user, downloads)
    text = seen.text
    changed = [set(f["工单编号"]) for f in seen.order_tables if "变化内容" in f.columns]  # 定榜后有变化的工单
    if role == "public":
        assert not ANY_ORDER.search(text), ANY_ORDER.search(text)
        assert not seen.order_tables
        assert "工单明细只对领导、人大监督、热线分析员和管理员账号开放" in text  # the refusal, as a sentence
        assert "定榜后有变化 2 件" in text and "工单清单仅对" in text  # the counts, and why no list
    else:
        assert seen.order_tables, "a role with order lists sees some"
        assert changed and all(c == ({"QA001"} if role == "scoped_leader" else {"QA001", "SB001"}) for c in changed)
    if role == "scoped_leader":
        assert not OTHER_COUNTIES.search(text), OTHER_COUNTIES.search(text)
        assert all(set(frame["区县"]) <= {OWN} for frame in seen.order_tables if "区县" in frame.columns)
        assert f"您的账号限于{OWN}" in text
    if role != "admin":
        assert not [s for s in city_secrets(env) if s in text]
    else:  # the admin's look-up and data page show personal data in clear: the masking is per role
        assert "13910100001" in text and "张三丰,13812345678" in text
    if role == "analyst":  # the cells past the header, masked
        assert "张**,138****5678" in text
    lazy = [e for e in audit.read_events() if e["event"] == "export"]
    assert all((e["user"], e["role"]) == (user.name, user.role) for e in lazy)


def test_the_drill_down_of_a_department_holds_only_the_leaders_county(env, downloads) -> None:
    at = _open(ROLES["scoped_leader"], "pages/rankings.py")
    at.sidebar.radio(key="f_level").set_value("department").run()
    at.selectbox(key="drill_unit").set_value(DEPARTMENTS[0]).run()
    at.selectbox(key="drill_part").set_value("denominator").run()
    assert not at.exception
    orders = at.dataframe[-1].value
    assert len(orders) and set(orders["区县"]) == {OWN}
    citywide = _open(ROLES["oversight"], "pages/rankings.py")
    citywide.sidebar.radio(key="f_level").set_value("department").run()
    citywide.selectbox(key="drill_unit").set_value(DEPARTMENTS[0]).run()
    citywide.selectbox(key="drill_part").set_value("denominator").run()
    assert OTHER in set(citywide.dataframe[-1].value["区县"])
