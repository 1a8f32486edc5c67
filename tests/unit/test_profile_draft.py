"""The mapping editor's logic without a page: detected mapping -> editable frame -> profile -> TOML, and
back. A saved profile read again must give the same mapping, and nothing typed into the page (a
header, a user or file name) may change the TOML's structure."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from etl.load import prepare_file
from etl.profile_draft import (
    ProfileDraft,
    RuleDraft,
    assign_columns,
    detected_draft,
    draft_errors,
    draft_from_data,
    draft_profile,
    mapping_frame,
    missing_required,
    pairs_text,
    parse_pairs,
    set_field_rules,
    set_timing,
    unremovable,
)
from etl.profile_preview import check_file, value_outcomes
from etl.profile_toml import SavedBy, draft_to_toml, toml_string
from etl.profiles import SHIPPED_PROFILES, load_profile
from tests.conftest import BOSTONISH, boston_like_csv


def _frame(draft: ProfileDraft, chosen: dict[str, list[str]]) -> pl.DataFrame:
    frame = mapping_frame(draft, BOSTONISH)
    return frame.with_columns(
        pl.Series("fields", [chosen.get(h, []) for h in frame["source"]], dtype=pl.List(pl.String))
    )


@pytest.mark.parametrize("path", sorted(SHIPPED_PROFILES.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_profile_round_trips_through_the_writer(path: Path) -> None:
    draft = draft_from_data(tomllib.loads(path.read_text(encoding="utf-8")))
    text = draft_to_toml(draft, SavedBy("ana", "analyst", "2026-01-05T10:00:00", "x.csv", "shipped"))
    assert draft_from_data(tomllib.loads(text)) == draft
    assert not draft_errors(draft)
    again, shipped = draft_profile(draft_from_data(tomllib.loads(text))), load_profile(path)
    assert (again.fields, again.synonyms, again.normalize, again.constants) == (
        shipped.fields, shipped.synonyms, shipped.normalize, shipped.constants,
    )  # fmt: skip
    assert (again.timestamp_formats, again.time_zone, again.header_row, again.encoding) == (
        shipped.timestamp_formats, shipped.time_zone, shipped.header_row, shipped.encoding,
    )  # fmt: skip


def test_the_saved_text_says_who_made_it_and_reads_as_a_person_would(tmp_path: Path) -> None:
    draft = ProfileDraft(name="boston-web", fields={"order_id": ("case_enquiry_id",), "township": ("ward",)},
                         normalize={"township": RuleDraft(rewrite=((r"^(?:Ward )?0*(\d+)$", r"Ward \1"),))})  # fmt: skip
    text = draft_to_toml(draft, SavedBy("ana", "analyst", "2026-01-05T10:00:00", "boston311-100.csv", "detected"))
    assert "ana（analyst），2026-01-05T10:00:00" in text and "boston311-100.csv" in text
    assert "order_id = ['case_enquiry_id']  # 工单编号（必填）" in text
    assert r"rewrite = [['^(?:Ward )?0*(\d+)$', 'Ward \1']]" in text  # a literal string: the regex as typed
    assert "hotline-etl load FILE --profile boston-web" in text


@pytest.mark.parametrize(
    "nasty",
    ["ana\nname = 'evil'", "it's", 'a "quoted" \\ back\\slash', "tab\tand\rreturn", "'''", "\u2028x", "#[fields]"],
)
def test_no_typed_text_can_change_the_structure_of_the_toml(nasty: str) -> None:
    draft = ProfileDraft(name="p", description=nasty, fields={"order_id": (nasty.strip() or "x",)},
                         synonyms={"channel": {nasty: "电话"}})  # fmt: skip
    text = draft_to_toml(draft, SavedBy(nasty, "analyst", nasty, nasty, nasty))
    data = tomllib.loads(text)
    assert set(data) == {"name", "description", "fields", "synonyms"} and data["name"] == "p"
    assert draft_from_data(data) == replace(draft, synonyms={"channel": {nasty.strip(): "电话"}})
    assert tomllib.loads(f"v = {toml_string(nasty)}")["v"] == nasty


def test_the_editable_frame_assigns_columns_and_keeps_other_exports_aliases() -> None:
    start = ProfileDraft(fields={"order_id": ("Case ID", "case_enquiry_id"), "status": ("case_status",)})
    frame = mapping_frame(start, BOSTONISH)
    assert frame.columns == ["position", "source", "fields"] and frame["source"].to_list() == BOSTONISH
    assert dict(zip(frame["source"], frame["fields"].to_list(), strict=True))["case_enquiry_id"] == ["order_id"]
    edited = assign_columns(start, _frame(start, {"case_enquiry_id": ["order_id"], "open_dt": ["received_at",
                                                  "dispatched_at"], "ward": ["township"]}))  # fmt: skip
    # "Case ID" is another export's header: kept; case_status was taken away: gone
    assert edited.fields == {"order_id": ("Case ID", "case_enquiry_id"), "received_at": ("open_dt",),
                             "township": ("ward",), "dispatched_at": ("open_dt",)}  # fmt: skip
    assert not missing_required(edited, BOSTONISH) and missing_required(start, BOSTONISH) == ["received_at"]
    prep_fields = draft_profile(edited).fields
    assert prep_fields["order_id"][:2] == ("Case ID", "case_enquiry_id") and "工单编号" in prep_fields["order_id"]


def test_a_default_header_cannot_be_taken_away_and_the_editor_says_so() -> None:
    headers = ["工单编号", "受理时间", "来电人", "联系人"]
    draft = detected_draft(headers)
    assert draft.fields == {"order_id": ("工单编号",), "received_at": ("受理时间",), "citizen_name": ("来电人",)}
    frame = mapping_frame(draft, headers)
    frame = frame.with_columns(
        pl.Series("fields", [["order_id"], ["received_at"], [], ["citizen_name"]], dtype=pl.List(pl.String))
    )
    edited = assign_columns(draft, frame)
    assert edited.fields["citizen_name"] == ("联系人",)
    assert unremovable(edited, frame) == [("来电人", "citizen_name")]


def test_pairs_parse_with_line_numbers_for_the_lines_that_are_not_pairs() -> None:
    pairs, errors = parse_pairs(
        "Phone => 电话\n\n# a comment\nWeb=>网站\nno arrow here\n => x\nBlank =>\n", "源值 => 标准值"
    )
    assert pairs == [("Phone", "电话"), ("Web", "网站"), ("Blank", "")]
    assert len(errors) == 2 and errors[0].startswith("第 5 行「no arrow here」") and "第 6 行" in errors[1]
    assert parse_pairs(pairs_text(pairs), "x") == (pairs, [])


def test_rules_and_synonyms_are_checked_as_strictly_as_a_file() -> None:
    draft = ProfileDraft(fields={"order_id": ("case_enquiry_id",), "received_at": ("open_dt",)})
    bad_regex = set_field_rules(draft, "township", RuleDraft(rewrite=(("^Ward (", "x"),)), {})
    said = [e for e in draft_errors(bad_regex) if "normalize.township.rewrite[0]" in e and "invalid regex" in e]
    # in words an analyst can act on, not the engine's echo of the expression it was building
    assert said and "左括号 ( 没有对应的右括号 )" in said[0] and "replace_all" not in said[0]
    bad_target = set_field_rules(draft, "urgency", RuleDraft(), [("URGENT", "特别急")])
    assert any('synonyms.urgency."URGENT"' in e and "特急" not in e for e in draft_errors(bad_target))
    folded = set_field_rules(draft, "channel", RuleDraft(case="lower"), [("Phone", "电话")])
    assert any("永远匹配不到" in e for e in draft_errors(folded))
    timed = set_timing(draft, ("%m/%d/%Y %I:%M:%S %p",), "America/New_York", 3)
    assert timed.read == {"header_row": 2} and not draft_errors(timed)
    assert any("timestamps.time_zone" in e for e in draft_errors(set_timing(draft, (), "Mars/Base", None)))
    cleared = set_field_rules(bad_regex, "township", RuleDraft(), {})
    assert "township" not in cleared.normalize and not draft_errors(cleared)


def test_the_file_check_shows_headers_values_and_reasons_before_a_mapping_loads(tmp_path: Path) -> None:
    path = boston_like_csv(tmp_path / "boston-like.csv")
    unmapped = check_file(path, load_profile())
    assert unmapped.error and "无法识别表头" in unmapped.error and unmapped.headers == tuple(BOSTONISH)
    draft = assign_columns(ProfileDraft(), _frame(ProfileDraft(), {
        "case_enquiry_id": ["order_id"], "open_dt": ["received_at"], "closed_dt": ["closed_at"],
        "ward": ["township"], "source": ["appeal_type"], "caller_phone": ["citizen_phone"],
    }))  # fmt: skip
    check = check_file(path, draft_profile(draft))
    assert check.error is None and check.rows_read == 12 and check.good == 0
    reasons = dict(zip(check.reasons["reason_code"], check.reasons["rows"], strict=True))
    assert reasons == {"missing_order_id": 1, "bad_value": 11}  # every row once, by its first reason
    sample = check.reasons.row(1, named=True)
    assert (
        sample["source_row"] == 1
        and "Constituent Call" in sample["reason"]
        and "case_enquiry_id" in sample["raw_record"]
    )
    assert "caller_phone" not in check.values  # personal data: never listed
    ward = check.values["ward"]
    assert (ward.distinct, ward.filled, ward.empty) == (6, 12, 0)
    assert "3" in ward.top["value"].to_list()  # " 3 " is counted as the loader reads it: trimmed
    ruled = set_field_rules(draft, "township", RuleDraft(rewrite=((r"^(?:Ward )?0*(\d+)$", r"Ward \1"),)), {})
    outcomes = value_outcomes(ward, "township", draft_profile(ruled))
    assert set(outcomes["stored"]) == {"Ward 7", "Ward 3"} and set(outcomes["verdict"]) == {"ok"}
    channel = value_outcomes(check.values["source"], "appeal_type", draft_profile(draft))
    assert channel.row(0, named=True) == {"value": "Constituent Call", "rows": 12, "ruled": "Constituent Call",
                                          "stored": "Constituent Call", "verdict": "quarantine"}  # fmt: skip
    fixed = assign_columns(ruled, _frame(ruled, {"case_enquiry_id": ["order_id"], "open_dt": ["received_at"],
                                                 "closed_dt": ["closed_at"], "ward": ["township"], "source": ["channel"]}))  # fmt: skip
    good = check_file(path, draft_profile(fixed))
    assert (good.good, good.quarantined) == (11, 1)
    towns = prepare_file(path, draft_profile(fixed)).checked.good["township"].unique().sort().to_list()
    assert towns == ["Ward 3", "Ward 7"]
