"""Masking of personal data, formula neutralisation and the hot-word filters (no warehouse needed)."""

from __future__ import annotations

import json

import polars as pl
import pytest

from warehouse.excel import neutralise_cell, neutralise_frame
from warehouse.hotwords import count_words, keep_word, name_parts, place_pattern
from warehouse.masking import mask_name, mask_phone, mask_record, mask_text


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三丰", "张**"),
        ("张三", "张*"),
        ("刘先生", "刘**"),
        ("欧阳", "欧*"),
        ("王", "王*"),
        (" 李四 ", "李*"),
        ("", ""),
    ],
)
def test_mask_name_keeps_only_the_first_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_mask_name_and_phone_pass_none_through() -> None:
    assert mask_name(None) is None and mask_phone(None) is None and mask_text(None) is None


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13912345678", "139****5678"),
        ("139-1234-5678", "139****5678"),
        ("+86 139 1234 5678", "139****5678"),
        ("0571-88886666", "057*****6666"),
        ("12345", "*****"),
    ],
)
def test_mask_phone_keeps_the_first_three_and_last_four_digits(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_mask_text_hides_phones_ids_long_numbers_and_the_callers_name() -> None:
    text = "王五反映：电话13912345678，座机0571-88886666，身份证11010519491231002X，卡号6222020200112233445，门牌12号"
    out = mask_text(text, ["王五"])
    assert "13912345678" not in out and "139****5678" in out
    assert "88886666" not in out
    assert "11010519491231002X" not in out and "1949" not in out
    assert "6222020200112233445" not in out
    assert "王五" not in out and "王*" in out
    assert "12号" in out  # short numbers (house numbers) stay readable


def test_mask_record_masks_the_mapped_columns_and_numbers_elsewhere() -> None:
    raw = json.dumps(
        {"工单编号": "A1", "来电人": "张三丰", "联系电话": "13912345678", "诉求内容": "张三丰说13800001111坏了"}
    )
    out = json.loads(mask_record(raw, ["来电人"], ["联系电话"]))
    assert out == {"工单编号": "A1", "来电人": "张**", "联系电话": "139****5678", "诉求内容": "张**说138****1111坏了"}


def test_mask_record_survives_text_that_is_not_json() -> None:
    assert "13912345678" not in mask_record("not json 13912345678", [], [])


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")'])
def test_formula_like_text_is_neutralised(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["物业管理", "a=b", "", None, 5, -3.5])
def test_other_values_are_left_alone(value) -> None:
    assert neutralise_cell(value) == value


def test_neutralise_frame_touches_text_columns_only() -> None:
    frame = pl.DataFrame({"text": ["=1", "ok", None, "-x"], "number": [-1, 2, 3, 4]})
    out = neutralise_frame(frame)
    assert out["text"].to_list() == ["'=1", "ok", None, "'-x"]
    assert out["number"].to_list() == [-1, 2, 3, 4]


@pytest.mark.parametrize(
    ("word", "kept"),
    [("物业", True), ("停车费", True), ("WiFi", True), ("13912345678", False), ("3号楼", False), ("水", False),
     ("刘先生", False), ("王女士", False), ("的", False), ("相关部门", False), ("，", False)],
)  # fmt: skip
def test_keep_word(word: str, kept: bool) -> None:
    assert keep_word(word) is kept


def test_names_and_their_parts_never_become_words() -> None:
    parts = name_parts(["张三丰", "王五先生"])
    assert {"张三丰", "张三", "三丰", "王五", "王五先生"} <= parts
    assert not keep_word("三丰", parts) and not keep_word("王五", parts)


def test_count_words_counts_orders_not_occurrences_and_cuts_place_names() -> None:
    texts = ["物业物业物业，停车费", "物业乱收停车费", "溪澜区长堤街道物业", "", "物业"]
    counts = count_words(texts, name_parts(["溪澜区", "长堤街道"]), place_pattern(["溪澜区", "长堤街道"]))
    assert counts["物业"] == 4
    assert counts["停车费"] == 2
    assert "区长" not in counts and "长堤" not in counts and "溪澜" not in counts


def test_messages_written_before_the_fix_are_masked_when_read() -> None:
    """Older loads quoted a row's cells past the header, and a headerless file's first row, verbatim in
    the stored messages: read by anyone but admin they come out masked, cell by cell."""
    from warehouse.masking import header_row_text, mask_cells, mask_message

    old_warning = "本行有表头以外的单元格「张三丰,13812345678,青岚区东湖路88号」（超出表头的列）。本行已导入"
    assert (
        mask_message(old_warning) == "本行有表头以外的单元格「张**,138****5678,青********」（超出表头的列）。本行已导入"
    )
    old_rejection = (
        "无法识别表头：找不到必需的列。文件中的表头为：W001、2024-03-05 09:00:00、孙悟空、13566667777。必需的列"
    )
    masked = mask_message(old_rejection)
    assert "孙悟空" not in masked and "13566667777" not in masked and "孙**" in masked
    header = "无法识别表头：找不到必需的列。文件中的表头为：姓名、年龄。必需的列"
    assert mask_message(header) == header  # a real header row is left as it is
    assert mask_cells("王五,,0571-88776655") == "王*,,057*****6655"
    assert header_row_text(["工单编号", "王五", "2024-03-05"], known={"工单编号"}) == "工单编号、王*、2*********"


def test_unmapped_cells_and_cells_past_the_header_keep_only_their_first_character() -> None:
    from etl.readers import EXTRA_CELLS
    from warehouse.masking import EXTRA_CELLS_KEY

    assert EXTRA_CELLS_KEY == EXTRA_CELLS  # the reader's key, which warehouse may not import
    raw = json.dumps(
        {"工单编号": "A1", "地址": "青岚区湖滨路9号", EXTRA_CELLS: "张无忌,13600002222"}, ensure_ascii=False
    )
    out = json.loads(mask_record(raw, ["来电人"], ["联系电话"], mapped_headers=["工单编号", "来电人", "联系电话"]))
    assert out == {"工单编号": "A1", "地址": "青*******", EXTRA_CELLS: "张**,136****2222"}
