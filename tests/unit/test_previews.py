"""An upload's preview (the mapping editor) shows what the quarantine would, to whom it would: analysts
and admins only, personal data masked for all but admin (warehouse.previews)."""

from __future__ import annotations

import json

import polars as pl
import pytest

from warehouse.access import OrderAccessError, Viewer
from warehouse.previews import preview_messages, preview_samples, preview_values

RECORD = json.dumps({"工单编号": "A1", "来电人": "张三丰", "联系电话": "13912345678", "地址": "青岚区幸福路 8 号"},
                    ensure_ascii=False)  # fmt: skip
SAMPLES = pl.DataFrame({"reason_code": ["bad_value"], "rows": [3], "source_row": [7],
                        "reason": ["「受理时间」的值「13912345678」无法识别"], "raw_record": [RECORD]})  # fmt: skip
CMAP = {"order_id": ["工单编号"], "citizen_name": ["来电人"], "citizen_phone": ["联系电话"]}


def test_samples_are_masked_for_an_analyst_and_clear_for_an_admin() -> None:
    masked = preview_samples(SAMPLES, CMAP, Viewer("analyst", "ana")).row(0, named=True)
    record = json.loads(masked["raw_record"])
    address = "青" + "*" * (len("青岚区幸福路 8 号") - 1)  # an unmapped cell keeps its first character
    assert record == {"工单编号": "A1", "来电人": "张**", "联系电话": "139****5678", "地址": address}
    assert "13912345678" not in masked["reason"]
    assert preview_samples(SAMPLES, CMAP, Viewer("admin", "root")).equals(SAMPLES)


def test_values_and_messages_mask_numbers_but_not_order_ids() -> None:
    values = pl.Series("value", ["13912345678", "Ward 7", None])
    analyst = Viewer("analyst", "ana")
    assert preview_values(values, analyst).to_list() == ["139****5678", "Ward 7", None]
    assert preview_values(values, analyst, "order_id").to_list() == values.to_list()
    assert preview_values(values, Viewer("admin", "root")).to_list() == values.to_list()
    assert preview_messages(["第 3 行：13912345678"], analyst) == ["第 3 行：139****5678"]


@pytest.mark.parametrize("role", ["public", "leader", "oversight"])
def test_other_roles_get_no_preview_and_cannot_edit_profiles(role: str) -> None:
    viewer = Viewer(role, "x")
    assert not viewer.edits_profiles
    with pytest.raises(OrderAccessError):
        preview_samples(SAMPLES, CMAP, viewer)
    with pytest.raises(OrderAccessError):
        viewer.require_profiles()
    assert Viewer("analyst").edits_profiles and Viewer("admin").edits_profiles
