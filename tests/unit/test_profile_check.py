"""Issue 13 item 2: every profile mistake the issue lists is refused with a message naming the key and
the fix (exit 2), or warned about where stated; ``check-profile`` reports without loading."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from etl.__main__ import main
from etl.load import load_files
from etl.mapping import ColumnMap, _bad_cell
from etl.profiles import Profile, ProfileError, load_profile
from tests.conftest import query, write_csv

HEADER = ["Case", "Opened", "Dept", "Type"]


def profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text('name = "site"\n' + text, encoding="utf-8")
    return path


def export(tmp_path: Path, rows: int = 3, encoding: str = "utf-8", dept: str = "Public Works") -> Path:
    data = [{"Case": f"C{i}", "Opened": "2024-03-05 09:00:00", "Dept": dept, "Type": "Complaint"} for i in range(rows)]
    return write_csv(tmp_path / "export.csv", data, encoding=encoding, header=HEADER)


GOOD = '[fields]\norder_id = ["Case"]\nreceived_at = ["Opened"]\ndepartment = ["Dept"]\n'


@pytest.mark.parametrize(
    ("text", "key", "fix"),
    [
        ('[field]\norder_id = ["Case"]\n', "field：未知的节", "你是不是想写「fields」"),
        ('[timestamp]\nformats = ["%Y"]\n', "timestamp：未知的节", "你是不是想写「timestamps」"),
        ('[read]\nsheeet = "工单"\n', "read.sheeet：未知的键", "你是不是想写「sheet」"),
        ('[read]\nencodig = "gbk"\n', "read.encodig：未知的键", "你是不是想写「encoding」"),
        ('[fields]\ndepartmnet = ["Dept"]\n', "fields.departmnet：未知的字段名", "你是不是想写「department」"),
        ('[timestamps]\nformats = ["%Q-%m"]\n', "timestamps.formats[0]", "%Q 不是有效的时间格式符"),
        ('[timestamps]\nformats = ["%H:%M"]\n', "timestamps.formats[0]", "没有年份"),
        ('[timestamps]\ntime_zone = "Asia/Beijing"\n', "timestamps.time_zone", "不是 IANA 时区名"),
        ('[read]\nencoding = "latin-9x"\n', "read.encoding", "不是已知的编码"),
        ('[synonyms.appeal_type]\n"Complaint" = "投拆"\n', 'synonyms.appeal_type."Complaint"', "你是不是想写「投诉」"),
        ('[synonyms.is_valid]\n"Dup" = "maybe"\n', 'synonyms.is_valid."Dup"', "不是是/否"),
        ('[synonyms.received_at]\n"x" = "y"\n', "synonyms.received_at", "不使用同义词"),
        (
            '[normalize.township]\nrewrite = [["^Ward (\\\\d+", "\\\\1"]]\n',
            "normalize.township.rewrite[0]",
            "不是有效的正则表达式",
        ),
        ('[normalize.township]\ncase = "fold"\n', "normalize.township.case", "lower"),
        ('[normalize.township]\ntrim = "Ward "\n', "normalize.township.trim：未知的键", "trim_prefix"),
        (
            '[normalize.status]\ncase = "lower"\n[synonyms.status]\n"Closed" = "已办结"\n',
            'synonyms.status."Closed"',
            "请写成「closed」",
        ),
        ('[constants]\nappeal_type = "不是词表"\n', "constants.appeal_type", "不在取值范围内"),
    ],
)
def test_each_mistake_names_its_key_and_the_fix(tmp_path: Path, text: str, key: str, fix: str) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile(profile(tmp_path, text))
    message = str(caught.value)
    assert "site.toml" in message and key in message and fix in message, message


def test_all_mistakes_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="有 3 处错误") as caught:
        load_profile(profile(tmp_path, '[field]\nx = 1\n[read]\nencodig = "gbk"\n[timestamps]\nformats = ["%Q"]\n'))
    assert all(k in str(caught.value) for k in ("field：", "read.encodig", "timestamps.formats[0]"))


def test_a_bad_profile_exits_2_and_loads_nothing(tmp_path: Path, db: Path, capsys) -> None:
    bad = profile(tmp_path, '[field]\norder_id = ["Case"]\nreceived_at = ["Opened"]\n')
    assert main(["load", str(export(tmp_path)), "--db", str(db), "--profile", str(bad)]) == 2
    assert "你是不是想写「fields」" in capsys.readouterr().err
    assert not db.exists()


def test_latin1_is_any_codec_python_knows(tmp_path: Path, db: Path) -> None:
    """``latin1`` is a valid Python codec name: accepted (by its canonical name) and used to read."""
    assert load_profile(profile(tmp_path, '[read]\nencoding = "latin1"\n')).encoding == "iso8859-1"
    path = export(tmp_path, encoding="latin-1", dept="Dorchéster")
    summary = load_files([path], db=db, profile=profile(tmp_path, GOOD + '[read]\nencoding = "latin1"\n'))
    assert summary.loaded == 3 and summary.details[0].encoding == "iso8859-1"
    assert query(db, "SELECT DISTINCT department FROM stg_work_orders") == [("Dorchéster",)]


def test_an_alias_matching_no_header_warns_and_strict_exits_1(tmp_path: Path, db: Path, capsys) -> None:
    prof = profile(tmp_path, '[fields]\norder_id = ["Case"]\nreceived_at = ["Opened"]\ndepartment = ["Department"]\n')
    path = export(tmp_path)
    assert main(["load", str(path), "--db", str(db), "--profile", str(prof), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    [warning] = out["details"][0]["warnings"]
    assert out["warnings"] == 1 and "fields.department" in warning and "「Department」" in warning
    assert "该字段将为空" in warning
    path2 = export(tmp_path, rows=4)
    assert main(["load", str(path2), "--db", str(db), "--profile", str(prof), "--strict"]) == 1
    assert "提示：导入配置 fields.department" in capsys.readouterr().out


def test_a_synonym_message_never_lists_a_rejected_source_as_accepted() -> None:
    """Even a profile built in code (past the checks) with a synonym to a word outside the vocabulary
    does not offer that synonym's source as an accepted value."""
    prof = Profile("t", {"appeal_type": ("Type",)}, synonyms={"appeal_type": {"Complaint": "投拆", "Query": "咨询"}})
    cmap = ColumnMap(0, {"appeal_type": ("Type",)}, ("Type",))
    frame = pl.DataFrame({"Type": ["Complaint"]})
    [message] = frame.select(_bad_cell("appeal_type", "Type", prof)).to_series().to_list()
    accepted = message.split("可用：")[1]
    assert "Query" in accepted and "Complaint" not in accepted and "投拆" not in accepted
    assert cmap.headers == ("Type",)


def test_check_profile_prints_without_loading(tmp_path: Path, db: Path, capsys) -> None:
    prof = profile(tmp_path, GOOD + '[synonyms.appeal_type]\n"Complaint" = "投诉"\n')
    assert main(["check-profile", str(prof)]) == 0
    assert "格式正确" in capsys.readouterr().out
    assert main(["check-profile", str(prof), str(export(tmp_path)), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["file"]
    assert (result["rows_read"], result["would_load"], result["would_quarantine"]) == (3, 3, 0)
    assert result["column_map"]["department"] == ["Dept"] and not db.exists()
    warn = profile(tmp_path, GOOD.replace('["Dept"]', '["Department"]'))
    assert main(["check-profile", str(warn), str(export(tmp_path))]) == 0
    assert "提示：导入配置 fields.department" in capsys.readouterr().out
    assert main(["check-profile", str(warn), str(export(tmp_path)), "--strict"]) == 1
    assert main(["check-profile", str(profile(tmp_path, "[field]\n"))]) == 2
    assert main(["check-profile", str(prof), str(tmp_path / "missing.csv")]) == 2


def test_shipped_profiles_are_found_by_name() -> None:
    for name in ("open311", "nyc311", "boston311", "baltimore311", "taidi2020"):
        assert load_profile(name).name == name
