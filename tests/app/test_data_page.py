"""AppTest of 数据: upload (mapping shown before loading, then the same ETL as the CLI), load history,
quarantine with reasons, data quality; and the upload helpers on their own."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl.profile_preview import check_file
from etl.profiles import load_profile
from pages.components.upload import save_upload
from tests.app.pages import open_page, plotly_specs
from tests.conftest import HEADER, csv_text, order_row, query
from warehouse.users import User

PAGE = "pages/data.py"


def _texts(at) -> str:
    parts = [m.value for m in (*at.markdown, *at.caption, *at.success, *at.error, *at.info, *at.warning)]
    return "\n".join(parts)


def _upload(at, name: str, content: bytes):
    at.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not at.exception
    return at


@pytest.fixture
def own_copy(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo warehouse (with its phone-hash key): uploads must not touch the shared one."""
    folder = tmp_path / "wh"
    folder.mkdir()
    for item in demo_db.parent.iterdir():
        if item.is_file() and not item.name.endswith(".lock"):
            shutil.copy(item, folder / item.name)
        elif item.name.endswith(".parts"):  # the order rows live in part files beside the file (warehouse.parts)
            shutil.copytree(item, folder / item.name)
    monkeypatch.setenv("HOTLINE_DB", str(folder / demo_db.name))
    monkeypatch.delenv("HOTLINE_KEY_FILE", raising=False)
    monkeypatch.setenv("HOTLINE_AUDIT", str(tmp_path / "audit.log"))
    return folder / demo_db.name


ANALYST = User("ana", "analyst")


def test_data_page_tabs_and_labels(app_env: Path) -> None:
    at = open_page(PAGE, User("ana", "analyst"))  # the analyst's page: personal data masked
    assert not at.exception
    assert at.title[0].value == "数据"
    assert any("演示数据" in w.value for w in at.warning)
    assert [tab.label for tab in at.tabs] == ["导入文件", "导入记录", "隔离区", "数据质量"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["月份数"] == "4" and int(metrics["工单总数"].replace(",", "")) > 1500
    history = at.dataframe[0].value
    assert {"文件", "状态", "读取行数", "隔离"} <= set(history.columns)
    assert set(history["状态"]) == {"已导入"}
    quarantine = at.dataframe[1].value
    assert {"原因", "原因说明", "原始行（已打码）"} <= set(quarantine.columns)
    assert not quarantine["原始行（已打码）"].str.contains(r"1[3-9]\d{9}").any()
    assert "缺少工单编号" in set(quarantine["原因"]) or "时间先后矛盾" in set(quarantine["原因"])
    buttons = [b.label for b in at.get("download_button")]  # the quarantine's two, one per quality table
    assert buttons == ["下载 CSV", "下载 Excel", "下载此表 CSV", "下载此表 CSV"]
    assert "单元格提示（已导入）" in [h.value for h in at.subheader]  # none in the fixture: an empty state
    assert "没有单元格提示。" in [c.value for c in at.caption]
    quality = plotly_specs(at)[-1]
    assert quality["layout"]["yaxis"]["tickformat"] == ".0%" and len(quality["data"]) == 4
    by_file = at.dataframe[-1].value
    assert "5 分钟内办结占比" in by_file.columns and by_file["隔离行"].sum() == int(metrics["隔离行数"])


def test_quarantine_filter_changes_the_rows(app_env: Path) -> None:
    at = open_page(PAGE)
    before = at.dataframe[1].value
    box = at.selectbox(key="dp_q_reason")
    box.set_value(box.options[1]).run()
    assert not at.exception
    after = at.dataframe[1].value
    assert len(after) < len(before) and after["原因"].nunique() == 1


def test_an_upload_shows_the_mapping_then_loads(own_copy: Path) -> None:
    """As a signed-in analyst (with accounts the demo needs a login too); the file is a real export, so
    the demo is discarded on the way (ticked), and the analyst stays in."""
    at = open_page(PAGE, ANALYST)
    rows = [order_row(f"UP{i:04d}", received="2026-10-20 09:00:00", 派单时间="2026-10-20 10:00:00",
                      首次联系时间="2026-10-20 11:00:00", 办结时间="2026-10-22 10:00:00",
                      回访时间="2026-10-23 10:00:00") for i in range(20)]  # fmt: skip
    rows.append(order_row("", received="2026-10-20 09:00:00"))  # a row without an order id: quarantined
    _upload(at, "浏览器上传.csv", csv_text(rows).encode("gb18030"))
    text = _texts(at)
    assert "识别结果（尚未导入）" in text and "编码：gb18030" in text and "表头在第 1 行" in text
    assert "读取 21 行，可导入 20 行，将隔离 1 行" in text
    assert next(m for m in at.multiselect if m.label == "第 2 列对应的字段").value == ["received_at"]  # 受理时间
    reasons = next(d.value for d in at.dataframe if "示例原始行（已打码）" in d.value.columns)  # named before loading
    assert list(reasons["原因"]) == ["缺少工单编号"] and reasons["行数"].iloc[0] == 1
    assert "13912345678" not in reasons["示例原始行（已打码）"].iloc[0]
    with duckdb.connect(str(own_copy), read_only=True) as con:
        assert not con.sql("SELECT count(*) FROM stg_work_orders WHERE order_id LIKE 'UP%'").fetchall()[0][0]
    at.checkbox(key="dp_replace_demo").check().run()
    next(b for b in at.button if b.label == "导入").click().run()
    assert not at.exception
    assert "导入完成：新增 20" in _texts(at)
    assert any("已丢弃全部演示数据" in w.value for w in at.warning)
    assert not any("演示数据：本页" in w.value for w in at.warning)  # no demo banner any more
    history = at.dataframe[1].value
    assert history["文件"].iloc[0] == "浏览器上传.csv" and history["新增"].iloc[0] == 20
    with duckdb.connect(str(own_copy), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM stg_work_orders WHERE order_id LIKE 'UP%'").fetchall()[0][0] == 20


def test_an_unmappable_file_is_rejected_before_loading(own_copy: Path) -> None:
    at = open_page(PAGE)
    _upload(at, "wrong.csv", "姓名,年龄\n张三,30\n".encode())
    assert any("无法识别表头" in e.value and "姓名" in e.value for e in at.error)
    assert not [b for b in at.button if b.label == "导入"]


def test_the_first_load_can_come_from_the_browser(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_DB", str(db))
    at = open_page(PAGE)
    assert not at.exception
    assert any("数据仓库还是空的" in i.value for i in at.info)
    _upload(at, "first.csv", csv_text([order_row(f"F{i}") for i in range(3)]).encode())
    assert any("还没有任何账号" in c.value for c in at.caption)  # said before the load, not after
    next(b for b in at.button if b.label == "导入").click().run()
    assert not at.exception
    assert db.exists()
    assert query(db, "SELECT count(*) FROM stg_work_orders") == [(3,)]
    # real data now, and no account yet: nobody sees it without a login (no anonymous admin any more)
    assert at.title[0].value == "登录" and "users add" in at.info[0].value


def test_upload_helpers(tmp_path: Path) -> None:
    path = save_upload("../../etc/工单 2026:10.csv", csv_text([order_row("A1"), order_row("A2")]).encode("utf-8-sig"),
                       tmp_path)  # fmt: skip
    assert path.parent == tmp_path and path.name == "工单 2026_10.csv"
    preview = check_file(path, load_profile())
    assert preview.error is None and preview.encoding == "utf-8-sig" and preview.header_row == 1
    assert preview.rows_read == 2 and preview.good == 2 and preview.mapping["order_id"] == ("工单编号",)
    bad = check_file(save_upload("x.csv", b"a,b\n1,2\n", tmp_path), load_profile())
    assert "无法识别表头" in (bad.error or "") and bad.readable and bad.headers == ("a", "b")
    # a byte that is not UTF-8 after a good header: said as unreadable, as a load says it (no traceback)
    broken = save_upload("y.csv", ",".join(HEADER).encode() + b"\n\r\xc2", tmp_path)
    unreadable = check_file(broken, load_profile())
    assert not unreadable.readable and "无法解析 CSV 文件 y.csv" in (unreadable.error or "")


def test_data_page_in_english(app_env: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Data"
    assert [tab.label for tab in at.tabs] == ["Upload", "Load history", "Quarantine", "Data quality"]
    assert "Status" in at.dataframe[0].value.columns


def _real_rows(n: int) -> list[dict[str, str]]:
    return [order_row(f"REAL{i:03d}", received="2026-10-20 09:00:00", 派单时间="2026-10-20 10:00:00", 来电人="张真实",
                      首次联系时间="2026-10-20 11:00:00", 办结时间="2026-10-22 10:00:00", 回访时间="2026-10-23 10:00:00")
            for i in range(n)]  # fmt: skip


def test_a_real_upload_into_the_demo_warehouse_is_refused_unless_the_demo_is_discarded(own_copy: Path) -> None:
    """Mixing the fictional city into real rankings would be wrong: refused by default, with the way out."""
    demo_orders = query(own_copy, "SELECT count(*) FROM stg_work_orders")[0][0]
    at = open_page(PAGE)
    _upload(at, "real.csv", csv_text(_real_rows(15)).encode())
    assert any("正式导出不能与演示数据混在一起" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "导入").click().run()
    assert not at.exception
    assert any("未导入" in e.value and "丢弃全部演示数据" in e.value for e in at.error)
    assert query(own_copy, "SELECT count(*) FROM stg_work_orders") == [(demo_orders,)]
    _upload(at, "real.csv", csv_text(_real_rows(15)).encode())
    at.checkbox(key="dp_replace_demo").check().run()
    next(b for b in at.button if b.label == "导入").click().run()
    assert not at.exception
    assert query(own_copy, "SELECT count(*), count(*) FILTER (WHERE order_id LIKE 'REAL%') FROM stg_work_orders") == [
        (15, 15)
    ]
    assert at.title[0].value == "登录"  # real now, and no account: the anonymous admin of the demo is gone


def test_load_upload_refuses_a_real_file_into_demo_and_replaces_when_told(own_copy: Path, tmp_path: Path) -> None:
    from pages.components.upload import LoadRefused, load_upload

    path = save_upload("real.csv", csv_text(_real_rows(4)).encode(), tmp_path)
    with pytest.raises(LoadRefused, match="--replace-demo"):
        load_upload(path)
    events = []  # what the page's progress bar is driven by
    summary = load_upload(path, replace_demo=True, progress=events.append)
    assert summary.demo_discarded > 1000 and summary.is_demo is False and summary.loaded == 4
    assert [e.stage for e in events][-2:] == ["refresh", "done"] and events[-1].fraction == 1.0
    assert [e.fraction for e in events] == sorted(e.fraction for e in events)


def test_a_replaced_or_cleared_upload_leaves_no_copy_with_phone_numbers(own_copy: Path) -> None:
    """A previewed-but-not-loaded upload stayed in the temp folder (hotline-upload-*) with its phones."""
    at = open_page(PAGE, ANALYST)
    _upload(at, "first.csv", csv_text(_real_rows(3)).encode())
    first = at.session_state["dp_saved"].path
    assert first.exists() and first.parent.name.startswith("hotline-upload-")
    _upload(at, "second.csv", csv_text(_real_rows(4)).encode())
    second = at.session_state["dp_saved"].path
    assert not first.parent.exists() and second.exists()
    at.file_uploader[0].set_value(None).run()
    assert not at.exception
    assert not second.parent.exists()


def test_an_upload_copy_goes_with_its_session(tmp_path: Path) -> None:
    """Streamlit has no session-end hook; the copy is owned by an object in the session state, which
    deletes it when the ended session's state is let go of."""
    import gc

    from pages.components.upload import SavedUpload

    path = save_upload("x.csv", b"a,b\n", None)
    holder = SavedUpload("id", path)
    assert path.exists()
    del holder
    gc.collect()
    assert not path.parent.exists()


def test_uploads_of_a_process_that_is_gone_are_swept_at_start(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    from pages.components.upload import sweep_stale_uploads

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    folders = {
        "dead": tmp_path / f"hotline-upload-{dead.stdout.strip()}-abc",
        "alive": tmp_path / f"hotline-upload-{os.getppid()}-def",  # pytest's parent: running
        "mine": tmp_path / f"hotline-upload-{os.getpid()}-ghi",
        "old_format_old": tmp_path / "hotline-upload-x1y2z3",
        "old_format_new": tmp_path / "hotline-upload-q9w8e7",
    }
    for folder in folders.values():
        folder.mkdir()
        (folder / "export.csv").write_text("13912345678")
    week_ago = time.time() - 7 * 86_400
    os.utime(folders["old_format_old"], (week_ago, week_ago))
    gone = sweep_stale_uploads(tmp_path)
    assert sorted(p.name for p in gone) == sorted([folders["dead"].name, folders["old_format_old"].name])
    assert all(folders[k].exists() for k in ("alive", "mine", "old_format_new"))
