"""Import profiles: layering over the default, synonyms, constants, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.load import load_files
from etl.profiles import ProfileError, load_profile
from tests.conftest import write_csv

SPEC_HEADERS = {
    "order_id": ["工单编号", "工单号", "编号"],
    "received_at": ["受理时间", "来电时间", "登记时间"],
    "channel": ["受理渠道", "来源渠道"],
    "appeal_type": ["诉求类型", "来电类别", "工单类型"],
    "category_path": ["问题分类", "事项分类"],
    "content": ["诉求内容", "主要内容", "来电内容"],
    "citizen_name": ["来电人", "诉求人"],
    "citizen_phone": ["联系电话", "来电号码"],
    "county": ["所属区县", "区县", "被反映区"],
    "township": ["乡镇街道", "街道", "被反映街乡镇"],
    "department": ["承办单位", "办理单位", "主办单位"],
    "dispatched_at": ["派单时间", "转办时间"],
    "responded_at": ["首次联系时间", "签收时间", "响应时间"],
    "due_at": ["办理时限", "办理截止时间", "截止时间"],
    "extended_due_at": ["延期后截止时间"],  # SPEC §2: it overrides 办理时限 when present (its own field, issue 20)
    "status": ["办理状态", "工单状态"],
    "return_count": ["退单次数", "退回次数"],
    "resolution": ["是否解决", "解决情况"],
    "satisfaction": ["满意度", "满意度评价", "是否满意"],
    "is_valid": ["是否有效", "有效工单"],
    "is_exempt": ["考核豁免", "申诉通过"],
}


def test_default_profile_knows_every_spec_header() -> None:
    fields = load_profile().fields
    for field, names in SPEC_HEADERS.items():
        assert set(names) <= set(fields[field]), field
    assert fields["responded_at"][0] == "首次联系时间"  # 首次联系 beats 签收 when both exist
    assert "延期后截止时间" not in fields["due_at"]  # an approved extension moves the due date, counted per unit


def write_profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_custom_profile_layers_over_the_default(tmp_path: Path) -> None:
    prof = load_profile(
        write_profile(tmp_path, 'name = "v"\n[fields]\norder_id = ["单号"]\n[synonyms.channel]\nPhone = "电话"\n')
    )
    assert prof.fields["order_id"][:2] == ("单号", "工单编号")
    assert prof.synonyms["channel"] == {"Phone": "电话"} and "特急" in prof.synonyms["urgency"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[fields]\nnot_a_field = ["x"]\n', "未知的字段名"),
        ('[constants]\nappeal_type = "不是词表"\n', "不在取值范围内"),
        ("[fields\n", "格式错误"),
    ],
)
def test_bad_profiles_are_refused_clearly(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        load_profile(write_profile(tmp_path, text))


def test_one_column_feeding_two_fields_and_synonyms(tmp_path: Path, db: Path) -> None:
    header = ["单号", "创建时间", "应办结", "渠道", "有效"]
    rows = [
        {"单号": "1", "创建时间": "2024-03-05 09:00", "应办结": "2024-03-08 09:00", "渠道": "Phone", "有效": "待定"},
        {"单号": "2", "创建时间": "2024-03-05 10:00", "应办结": "", "渠道": "Web", "有效": "否"},
    ]
    profile = write_profile(
        tmp_path,
        'name = "t"\n[fields]\norder_id = ["单号"]\nreceived_at = ["创建时间"]\ndispatched_at = ["创建时间"]\n'
        'due_at = ["应办结"]\nchannel = ["渠道"]\nis_valid = ["有效"]\n'
        '[synonyms.channel]\nPhone = "电话"\nWeb = "网络"\n[synonyms.is_valid]\n"待定" = ""\n'
        '[constants]\nappeal_type = "求助"\n',
    )
    summary = load_files([write_csv(tmp_path / "t.csv", rows, header=header)], db=db, profile=profile)
    assert (summary.loaded, summary.quarantined) == (2, 0)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    got = con.execute(
        "SELECT order_id, received_at = dispatched_at, channel, is_valid, appeal_type FROM stg_work_orders ORDER BY 1"
    ).fetchall()
    con.close()
    assert got == [("1", True, "电话", None, "求助"), ("2", True, "网络", False, "求助")]
