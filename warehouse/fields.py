"""The canonical work-order fields (SPEC §2): the one list the loader, the schema and the pages share.

Everything downstream speaks these English names; Chinese labels live in the label catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT = "text"
TIMESTAMP = "timestamp"
VOCAB = "vocabulary"
BOOLEAN = "boolean"
INTEGER = "integer"
PII = "pii"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    label_zh: str
    required: bool = False
    vocabulary: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("order_id", TEXT, "工单编号", required=True),
    Field("received_at", TIMESTAMP, "受理时间", required=True),
    Field("channel", TEXT, "受理渠道"),
    Field("appeal_type", VOCAB, "诉求类型", vocabulary=("咨询", "求助", "投诉", "举报", "建议", "表扬", "其他")),
    Field("category_l1", TEXT, "一级分类"),
    Field("category_l2", TEXT, "二级分类"),
    Field("category_l3", TEXT, "三级分类"),
    Field("content", PII, "诉求内容"),
    Field("citizen_name", PII, "来电人"),
    Field("citizen_phone", PII, "联系电话"),
    Field("county", TEXT, "区县"),
    Field("township", TEXT, "乡镇街道"),
    Field("department", TEXT, "承办单位"),
    Field("urgency", VOCAB, "紧急程度", vocabulary=("紧急", "一般")),
    Field("dispatched_at", TIMESTAMP, "派单时间"),
    Field("responded_at", TIMESTAMP, "首次联系时间"),
    Field("due_at", TIMESTAMP, "办理时限"),
    Field("closed_at", TIMESTAMP, "办结时间"),
    Field("status", TEXT, "办理状态"),
    Field("return_count", INTEGER, "退单次数"),
    Field("callback_at", TIMESTAMP, "回访时间"),
    Field("resolution", VOCAB, "解决情况", vocabulary=("已解决", "部分解决", "未解决")),
    Field("satisfaction", VOCAB, "满意度", vocabulary=("满意", "基本满意", "不满意")),
    Field("is_valid", BOOLEAN, "是否有效"),
    Field("is_exempt", BOOLEAN, "考核豁免"),
    # Optional fields (issue 20): what a unit could game, made visible. Free text (reasons, replies, the
    # approver's name) is kind PII: it stays in raw_work_orders and is masked for every role but admin.
    Field("disposal", TEXT, "处置方式"),
    Field("termination_reason", PII, "终止原因"),
    Field("appeal_reason", PII, "申诉理由"),
    Field("reviewer", PII, "审核人"),
    Field("reviewed_at", TIMESTAMP, "审核时间"),
    Field("original_order_id", TEXT, "原工单编号"),
    Field("redo_order_id", TEXT, "重办工单"),
    Field("redo_count", INTEGER, "重办次数"),
    Field("dissatisfaction_reason", PII, "不满意原因"),
    Field("extended_due_at", TIMESTAMP, "延期后截止时间"),
    Field("extension_approved", BOOLEAN, "延期审批"),
    Field("reply", PII, "办理结果"),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
TIMESTAMP_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == TIMESTAMP)
PII_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == PII)
# Free text kept beside the personal data in raw_work_orders (read only through a Viewer, masked).
RAW_TEXT_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == PII and f.name != "citizen_phone")
# Columns of stg_work_orders that come straight from the export (PII replaced by a phone hash).
STG_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind != PII)
