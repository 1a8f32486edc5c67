"""An import profile being edited on the data page: detected mapping -> editable frame -> profile.

The draft is the custom part of a profile as its TOML holds it (layered over default.toml when it is
used), so what the analyst edits is exactly what is saved and what the command line reads back.
Everything here is a pure function of plain values; the page only draws widgets and calls these.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from etl.mapping import REQUIRED, match_headers
from etl.profile_check import MAPPABLE
from etl.profiles import Profile, ProfileError, default_profile, profile_from_data

PAIR_SEPARATOR = "=>"
DRAFT_SOURCE = "（页面上编辑中的导入配置 / the profile being edited）"


@dataclass(frozen=True)
class RuleDraft:
    """``[normalize.<field>]`` as written: the replacement keeps Python's ``\\1`` (the checker turns it
    into Polars' form when the profile is read)."""

    case: str | None = None
    trim_prefix: tuple[str, ...] = ()
    rewrite: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.case or self.trim_prefix or self.rewrite)


@dataclass(frozen=True)
class ProfileDraft:
    name: str = ""
    description: str = ""
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field -> source headers, in priority order
    synonyms: dict[str, dict[str, str]] = field(default_factory=dict)
    normalize: dict[str, RuleDraft] = field(default_factory=dict)
    read: dict[str, Any] = field(default_factory=dict)  # only the keys that are set
    formats: tuple[str, ...] = ()
    time_zone: str | None = None
    constants: dict[str, str] = field(default_factory=dict)


def _strings(value: Any) -> tuple[str, ...]:
    return (value.strip(),) if isinstance(value, str) else tuple(str(v).strip() for v in value)


def _target(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def draft_from_data(data: dict[str, Any]) -> ProfileDraft:
    """A draft from profile data that passed the strict check (``profiles.profile_from_data``)."""
    normalize = {
        name: RuleDraft(
            table.get("case"),
            _strings(table.get("trim_prefix", ())),
            tuple((str(p), str(r)) for p, r in table.get("rewrite", ())),
        )
        for name, table in data.get("normalize", {}).items()
    }
    stamps = data.get("timestamps", {})
    return ProfileDraft(
        name=str(data.get("name", "")),
        description=str(data.get("description", "")),
        fields={k: _strings(v) for k, v in data.get("fields", {}).items()},
        synonyms={k: {s.strip(): _target(t) for s, t in v.items()} for k, v in data.get("synonyms", {}).items()},
        normalize={k: v for k, v in normalize.items() if v},
        read={k: v for k, v in data.get("read", {}).items() if v is not None},
        formats=tuple(stamps.get("formats", ())),
        time_zone=stamps.get("time_zone"),
        constants={k: str(v) for k, v in data.get("constants", {}).items()},
    )


def draft_to_data(draft: ProfileDraft) -> dict[str, Any]:
    """The draft as profile data (what tomllib reads from the saved file): empty parts left out."""
    data: dict[str, Any] = {}
    if draft.name:
        data["name"] = draft.name
    if draft.description:
        data["description"] = draft.description
    if draft.read:
        data["read"] = dict(draft.read)
    if draft.fields:
        data["fields"] = {k: list(v) for k, v in draft.fields.items() if v}
    if any(draft.synonyms.values()):
        data["synonyms"] = {k: dict(v) for k, v in draft.synonyms.items() if v}
    rules = {}
    for name, rule in draft.normalize.items():
        table: dict[str, Any] = {"case": rule.case} if rule.case else {}
        if rule.trim_prefix:
            table["trim_prefix"] = list(rule.trim_prefix)
        if rule.rewrite:
            table["rewrite"] = [list(pair) for pair in rule.rewrite]
        if table:
            rules[name] = table
    if rules:
        data["normalize"] = rules
    stamps: dict[str, Any] = {"formats": list(draft.formats)} if draft.formats else {}
    if draft.time_zone:
        stamps["time_zone"] = draft.time_zone
    if stamps:
        data["timestamps"] = stamps
    if draft.constants:
        data["constants"] = dict(draft.constants)
    return data


def draft_profile(draft: ProfileDraft, source: str = DRAFT_SOURCE) -> Profile:
    """The profile a load would use (layered over the default); ProfileError names every mistake."""
    return profile_from_data(draft_to_data(draft), source)


def draft_errors(draft: ProfileDraft) -> list[str]:
    """The strict checker's findings for the draft, one per mistake (empty when it is a valid profile)."""
    try:
        draft_profile(draft)
    except ProfileError as exc:
        return [line.strip().removeprefix("- ") for line in str(exc).splitlines()[1:]] or [str(exc)]
    return []


def detected_draft(headers: list[str] | tuple[str, ...]) -> ProfileDraft:
    """The default profile's mapping of these headers, written out as the draft's own fields."""
    return ProfileDraft(fields=match_headers(list(headers), default_profile()))


# --- the column -> field assignment (the editable frame) ---------------------------------------------


def effective_mapping(draft: ProfileDraft, headers: list[str] | tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """field -> the file's headers that feed it once the draft is layered over the default (what a load
    does, default aliases included); a draft the checker refuses maps by its own fields only."""
    try:
        profile = draft_profile(draft)
    except ProfileError:
        profile = Profile("draft", fields={k: v for k, v in draft.fields.items() if k in MAPPABLE})
    return match_headers(list(headers), profile)


def mapping_frame(draft: ProfileDraft, headers: list[str] | tuple[str, ...]) -> pl.DataFrame:
    """One row per source header, in the file's order: its position, name and the fields it feeds."""
    mapping = effective_mapping(draft, headers)
    rows = [
        {"position": i + 1, "source": h, "fields": [f for f in MAPPABLE if h in mapping.get(f, ())]}
        for i, h in enumerate(headers)
        if h
    ]
    return pl.DataFrame(rows, schema={"position": pl.Int64, "source": pl.String, "fields": pl.List(pl.String)})


def assign_columns(draft: ProfileDraft, frame: pl.DataFrame) -> ProfileDraft:
    """The draft with the assignment of ``frame`` (``mapping_frame``'s shape, edited): each field keeps
    the headers it listed that are still assigned to it (in their order) and the aliases of other
    exports that this file lacks, then gets the newly assigned headers in the file's order."""
    present = set(frame["source"])
    chosen = {row["source"]: set(row["fields"] or ()) for row in frame.iter_rows(named=True)}
    fields: dict[str, tuple[str, ...]] = {}
    for name in MAPPABLE:
        kept = [h for h in draft.fields.get(name, ()) if h not in present or name in chosen.get(h, ())]
        new = [h for h in frame["source"] if name in chosen[h] and h not in kept]
        if kept or new:
            fields[name] = tuple(kept + new)
    return replace(draft, fields=fields)


def unremovable(draft: ProfileDraft, frame: pl.DataFrame) -> list[tuple[str, str]]:
    """(header, field) pairs the analyst took away that still map, because default.toml lists the
    header for that field (a profile adds to the default's headers, it cannot take one away)."""
    mapping = effective_mapping(draft, list(frame["source"]))
    chosen = {row["source"]: set(row["fields"] or ()) for row in frame.iter_rows(named=True)}
    return [(h, f) for f, hs in mapping.items() for h in hs if f not in chosen.get(h, set())]


def missing_required(draft: ProfileDraft, headers: list[str] | tuple[str, ...]) -> list[str]:
    mapping = effective_mapping(draft, headers)
    return [f for f in REQUIRED if f not in mapping]


# --- value rules and synonyms -------------------------------------------------------------------------


def parse_pairs(text: str, what: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Lines ``left => right`` (blank lines and lines starting with # skipped): the pairs, and one
    message per line that is not a pair (named by its number and ``what`` it should hold)."""
    pairs, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        left, sep, right = line.partition(PAIR_SEPARATOR)
        if not sep or not left.strip():
            errors.append(f"第 {number} 行「{line.strip()}」不是「{what}」（line {number} is not a pair: use ' => '）")
            continue
        pairs.append((left.strip(), right.strip()))
    return pairs, errors


def pairs_text(pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...] | dict[str, str]) -> str:
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return "\n".join(f"{left} {PAIR_SEPARATOR} {right}" for left, right in items)


def lines(text: str) -> tuple[str, ...]:
    """Non-blank lines, trimmed (prefixes, formats)."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def set_field_rules(
    draft: ProfileDraft, name: str, rule: RuleDraft, synonyms: list[tuple[str, str]] | dict[str, str]
) -> ProfileDraft:
    """The draft with ``name``'s normalisation rules and value synonyms replaced (empty ones removed)."""
    normalize = {k: v for k, v in draft.normalize.items() if k != name}
    if rule:
        normalize[name] = rule
    table = dict(synonyms.items() if isinstance(synonyms, dict) else synonyms)
    others = {k: v for k, v in draft.synonyms.items() if k != name}
    return replace(draft, normalize=normalize, synonyms={**others, name: table} if table else others)


def set_timing(
    draft: ProfileDraft, formats: tuple[str, ...], time_zone: str | None, header_row: int | None
) -> ProfileDraft:
    """The draft with its extra timestamp formats, the source's time zone and a pinned header row
    (1-based as people count rows; None: found automatically)."""
    read = {k: v for k, v in draft.read.items() if k != "header_row"}
    if header_row is not None:
        read["header_row"] = header_row - 1
    return replace(draft, formats=formats, time_zone=time_zone or None, read=read)
