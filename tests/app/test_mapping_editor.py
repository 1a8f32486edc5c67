"""AppTest of the data page's mapping editor on a small Boston-like export built here (no external data):
assign columns, see the quarantine reasons before loading, set a rule and a synonym, save the
profile, start from it again (the same mapping), load with it; the command line repeats the load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl.profiles import saved_profiles_dir
from etl.saved_profiles import read_saved
from tests.app.pages import open_page
from tests.conftest import BOSTONISH, boston_like_csv, query
from tests.e2e.browser import ROOT
from warehouse import audit
from warehouse.users import User

PAGE = "pages/data.py"
ANALYST = User("ana", "analyst")
MAPPING = {"case_enquiry_id": ["order_id"], "open_dt": ["received_at", "dispatched_at"], "closed_dt": ["closed_at"],
           "case_status": ["status"], "ward": ["township"], "source": ["appeal_type"]}  # fmt: skip


@pytest.fixture
def site(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty, real (not demo) warehouse, its audit log, and no profiles folder yet."""
    monkeypatch.setenv("HOTLINE_DB", str(db))
    monkeypatch.setenv("HOTLINE_AUDIT", str(tmp_path / "audit.log"))
    monkeypatch.delenv("HOTLINE_PROFILES", raising=False)
    return db


def _texts(at) -> str:
    return "\n".join(m.value for m in (*at.markdown, *at.caption, *at.success, *at.error, *at.info, *at.warning))


def _multiselect(at, header: str):
    """The field choice of a source header (labelled by the column's position: no data in labels)."""
    return next(m for m in at.multiselect if m.label == f"第 {BOSTONISH.index(header) + 1} 列对应的字段")


def _press(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception
    return at


def _table(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _area(at, starts: str):
    return next(a for a in at.text_area if a.label.startswith(starts))


def test_map_a_new_export_see_the_reasons_set_rules_save_reload_and_load(site: Path, tmp_path: Path) -> None:
    csv = boston_like_csv(tmp_path / "boston-like.csv")
    at = open_page(PAGE, ANALYST)
    at.file_uploader[0].set_value((csv.name, csv.read_bytes(), "text/csv")).run()
    assert not at.exception
    assert any("此文件无法导入" in e.value and "case\\_enquiry\\_id" in e.value for e in at.error)
    assert any("工单编号 (order_id)、受理时间 (received_at)" in w.value for w in at.warning)  # required, marked
    assert "导入" not in [b.label for b in at.button]
    assert _multiselect(at, "ward").value == [] and "工单编号 (order_id) · 必填" in _multiselect(at, "ward").options
    for header, fields in MAPPING.items():
        _multiselect(at, header).set_value(fields)
    _press(at, "应用对应关系")
    # the reasons before loading: "source" is no appeal type, so every row is quarantined, and why
    assert "读取 12 行，可导入 0 行，将隔离 12 行" in _texts(at)
    reasons = _table(at, "示例原始行（已打码）")
    assert list(reasons["原因"]) == ["缺少工单编号", "取值不在范围内"] and list(reasons["行数"]) == [1, 11]
    assert "Constituent Call" in reasons["示例的原因说明"].iloc[1] and "6175550000" not in reasons.to_csv()
    assert any("常见取值" in c.value and "Constituent Call ×12" in c.value for c in at.caption)
    assert "导入" not in [b.label for b in at.button] and "请先保存为导入配置" in _texts(at)
    _multiselect(at, "source").set_value(["channel"])
    _press(at, "应用对应关系")
    assert "可导入 11 行，将隔离 1 行" in _texts(at)
    # the ward rule: the values before and after, then the rule
    at.selectbox(key="pm_rule_field").set_value("township").run()
    values = _table(at, "规则处理后")
    assert dict(zip(values["源值"], values["导入为"], strict=True))["07"] == "07"
    _area(at, "正则改写").set_value("^(Ward => Ward")  # a broken pattern is refused with the checker's words
    _press(at, "应用规则")
    assert any(
        "normalize.township.rewrite[0]" in e.value.replace("\\", "") and "invalid regex" in e.value for e in at.error
    )
    _area(at, "正则改写").set_value("Ward 7")  # not a pair: the line is named
    _press(at, "应用规则")
    assert any("第 1 行" in e.value for e in at.error)
    _area(at, "正则改写").set_value("^(?:Ward )?0*(\\d+)$ => Ward \\1")
    _press(at, "应用规则")
    values = _table(at, "规则处理后")
    assert set(values["导入为"]) == {"Ward 7", "Ward 3"} and set(values["结果"]) == {"可用"}
    at.selectbox(key="pm_rule_field").set_value("channel").run()
    _area(at, "同义词").set_value("Constituent Call => 电话")
    _press(at, "应用规则")
    assert list(_table(at, "规则处理后")["导入为"]) == ["电话"]
    # save: a profile file beside the warehouse, audited; the page now starts from it
    at.text_input(key="pm_save_name").set_value("boston-web")
    _press(at, "保存配置")
    saved = saved_profiles_dir(site) / "boston-web.toml"
    assert saved.exists() and any("已保存导入配置 boston\\-web" in s.value for s in at.success)
    assert at.selectbox(key="pm_start").value == "saved:boston-web"
    assert read_saved(saved) == at.session_state["pm_draft"]  # the file holds what the page shows
    assert audit.read_events(db=site)[0]["event"] == "profile"
    # reload: from the detected mapping and back to the saved profile, the same mapping and rules
    at.selectbox(key="pm_start").set_value("detected").run()
    assert _multiselect(at, "ward").value == []
    at.selectbox(key="pm_start").set_value("saved:boston-web").run()
    assert {h: _multiselect(at, h).value for h in MAPPING} == {**MAPPING, "source": ["channel"]}
    at.selectbox(key="pm_rule_field").set_value("township").run()
    assert _area(at, "正则改写").value == "^(?:Ward )?0*(\\d+)$ => Ward \\1"
    # load with it: the same counts as the check said, the profile named in the load log
    _press(at, "导入")
    assert "导入完成：新增 11、更新 0、未变 0、隔离 1" in _texts(at)
    assert query(site, "SELECT profile, loaded, quarantined FROM load_log") == [("boston-web", 11, 1)]
    assert query(site, "SELECT DISTINCT township FROM stg_work_orders ORDER BY 1") == [("Ward 3",), ("Ward 7",)]
    assert query(site, "SELECT DISTINCT channel FROM stg_work_orders") == [("电话",)]
    # the command line finds the saved profile by name beside a warehouse in the same folder
    other = site.with_name("cli.duckdb")
    out = subprocess.run([sys.executable, "-m", "etl", "load", str(csv), "--profile", "boston-web", "--db", str(other),
                          "--json"], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                         text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    assert (cli["rows_read"], cli["loaded"], cli["quarantined"], cli["duplicates"]) == (12, 11, 1, 0)


def test_a_shipped_profile_loads_without_saving_and_the_name_of_a_shipped_one_is_refused(
    site: Path, tmp_path: Path
) -> None:
    csv = boston_like_csv(tmp_path / "boston-like.csv")
    at = open_page(PAGE, ANALYST)
    at.file_uploader[0].set_value((csv.name, csv.read_bytes(), "text/csv")).run()
    at.selectbox(key="pm_start").set_value("shipped:boston311").run()
    assert not at.exception
    assert "可导入 11 行，将隔离 1 行" in _texts(at) and _multiselect(at, "ward").value == ["township"]
    # the file's warnings: boston311 lists Boston's department column, which this small export lacks
    assert any("文件提示" in w.value and "fields.department" in w.value.replace("\\", "") for w in at.warning)
    at.text_input(key="pm_save_name").set_value("boston311")
    _press(at, "保存配置")
    assert any("内置配置的名字" in e.value for e in at.error)
    _press(at, "导入")  # unchanged: the shipped profile itself is used
    assert query(site, "SELECT profile, loaded FROM load_log") == [("boston311", 11)]


def test_the_time_zone_and_header_row_are_checked_before_they_are_kept(site: Path, tmp_path: Path) -> None:
    csv = boston_like_csv(tmp_path / "boston-like.csv")
    at = open_page(PAGE, ANALYST)
    at.file_uploader[0].set_value((csv.name, csv.read_bytes(), "text/csv")).run()
    at.selectbox(key="pm_start").set_value("shipped:boston311").run()
    zone = next(i for i in at.text_input if i.label == "源数据的时区（可空）")
    assert zone.value == "America/New_York"
    zone.set_value("Mars/Base")
    _press(at, "应用")
    assert any("timestamps.time_zone" in e.value.replace("\\", "") for e in at.error)
    assert "导入" in [b.label for b in at.button]  # refused: the draft is still the shipped profile
    next(n for n in at.number_input if n.label.startswith("表头在第几行")).set_value(2)
    next(i for i in at.text_input if i.label == "源数据的时区（可空）").set_value("America/Chicago")
    _press(at, "应用")
    assert at.session_state["pm_draft"].read == {"header_row": 1}
    assert at.session_state["pm_draft"].time_zone == "America/Chicago"
    assert any("此文件无法导入" in e.value for e in at.error)  # row 2 is data, not the header
    assert "导入" not in [b.label for b in at.button]
    assert not at.multiselect and "617555" not in _texts(at)  # its cells are not offered as headers


def test_the_editor_in_english(site: Path, tmp_path: Path) -> None:
    csv = boston_like_csv(tmp_path / "boston-like.csv")
    at = open_page(PAGE, ANALYST)
    at.sidebar.radio(key="lang").set_value("en").run()
    at.file_uploader[0].set_value((csv.name, csv.read_bytes(), "text/csv")).run()
    assert not at.exception
    assert at.selectbox(key="pm_start").label == "Import profile (start from)"
    assert "Apply mapping" in [b.label for b in at.button] and "Save profile" in [b.label for b in at.button]
    assert any("No column feeds these required fields yet" in w.value for w in at.warning)
