"""Assessment settings (SPEC §3): one TOML file, validated on load, frozen afterwards.

Read when used, never at import: Streamlit keeps modules loaded across reruns, so a value cached
at import would outlive an edit of the file. Every error names the key and the file, because the
person fixing it is an analyst with a text editor, not a programmer with a traceback.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import json
import os
import tomllib
import zoneinfo
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SETTINGS_PATH = PROJECT_ROOT / "config" / "settings.toml"
DEFAULT_REPLY_RULES = PROJECT_ROOT / "config" / "reply_rules.toml"
DEFAULT_TIME_LIMITS = PROJECT_ROOT / "config" / "time_limits.csv"
URGENCIES = ("紧急", "一般")
APPEAL_TYPES = ("咨询", "求助", "投诉", "举报", "建议", "表扬", "其他")
COMPOSITE_RATES = ("response", "on_time", "resolution", "satisfaction")
# Applied whenever a figure is read (warehouse.scoring, warehouse.rankings), never stored: a change shows at once.
READ_TIME_KEYS = (
    "composite_weights", "min_sample", "red_black_size", "red_black_min_units", "targets", "maturity_days",
    "derived_due_warning_share", "map",  # map: the boundary files are read when the map is drawn
    "exclusion_flag_ratio", "exclusion_flag_min_count", "review_sample_size", "review_sample_seed",
)  # fmt: skip
SATISFACTION_BASES = ("first", "final")
# The assessment rules: what a [[rule_changes]] entry may change from a month on (warehouse.rule_sets). The rest
# (units file, default group, as-of, time zone) belong to the site and hold for every period.
RULE_KEYS = (
    "partial_resolution_weight", "basic_satisfaction_weight", "min_sample", "red_black_size", "red_black_min_units",
    "maturity_days", "derived_due_warning_share", "repeat_window_days", "response_limit_hours", "due_derivation",
    "composite_weights", "targets",
)  # fmt: skip


# Settings fields that are not assessment rules: the site's, and the bookkeeping of rule sets.
_NOT_RULES = (
    "units_file", "default_group", "as_of", "time_zone", "map", "source", "effective_from", "rule_note", "rule_sets",
    # issue 20: the quality-review draw changes no figure
    "review_sample_size", "review_sample_seed",
)  # fmt: skip


class SettingsError(ValueError):
    """A setting is missing, mistyped or out of range; the message names the key."""


@dataclass(frozen=True)
class CompositeWeights:
    response: float = 0.2
    on_time: float = 0.0
    resolution: float = 0.4
    satisfaction: float = 0.4

    def as_pairs(self) -> tuple[tuple[str, float], ...]:
        """(rate key, weight) in a fixed order: ``response_rate`` etc."""
        return tuple((f"{name}_rate", getattr(self, name)) for name in COMPOSITE_RATES)


# Targets (达标线) per rate: 满意率 90 % is the floor published practice names most often (e.g. districts
# requiring 满意率不低于90%, 农民日报 2024-10-23); 响应率 and 按时办结率 95 % sit between the 100 % some
# rules demand and the ~80 % below which published bulletins award no points. No default for 解决率.
DEFAULT_TARGETS: tuple[tuple[str, float], ...] = (("response", 0.95), ("on_time", 0.95), ("satisfaction", 0.9))


@dataclass(frozen=True)
class Targets:
    """Per-rate targets (0–1), with optional overrides per ranking group; a rate without one has none."""

    default: tuple[tuple[str, float], ...] = DEFAULT_TARGETS
    groups: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()

    def for_group(self, group: str | None) -> dict[str, float]:
        """rate key ('response_rate', ...) -> target for units of ``group``."""
        merged = dict(self.default) | dict(dict(self.groups).get(group or "", ()))
        return {f"{name}_rate": value for name, value in merged.items()}

    def to_dict(self) -> dict[str, Any]:
        return {**dict(self.default), **{g: dict(v) for g, v in self.groups}}


@dataclass(frozen=True)
class MapFiles:
    """The boundary files the map page draws (GeoJSON, longitude/latitude): counties, and townships
    (each feature names its county too); the feature properties that hold the names. Display only:
    not part of the assessment rules (no rebuild, not in the fingerprint)."""

    counties: Path | None = None
    townships: Path | None = None
    county_property: str = "county"
    township_property: str = "township"

    def to_dict(self) -> dict[str, Any]:
        return {
            "counties": _show_path(self.counties),
            "townships": _show_path(self.townships),
            "county_property": self.county_property,
            "township_property": self.township_property,
        }


@dataclass(frozen=True)
class Settings:
    response_limit_hours: tuple[tuple[str, float], ...] = (("紧急", 2.0),)
    response_limit_default_hours: float = 24.0
    urgent_due_hours: float = 24.0
    due_workdays_by_type: tuple[tuple[str, int], ...] = (("咨询", 3), ("求助", 3))
    due_workdays_default: int = 7
    partial_resolution_weight: float = 0.0
    basic_satisfaction_weight: float = 1.0
    composite_weights: CompositeWeights = field(default_factory=CompositeWeights)
    min_sample: int = 10
    red_black_size: int = 5
    red_black_min_units: int = 5
    targets: Targets = field(default_factory=Targets)
    maturity_days: int = 15
    derived_due_warning_share: float = 0.2
    repeat_window_days: int = 30
    # Assessment integrity (issue 20). The limits catalogue and the reply rules are build-time rules (plain
    # keys, so a dated rule set can carry them); the exclusion flag and the review sample are read-time.
    time_limits_file: Path | None = None  # category -> working days or hours (warehouse.limits); None: none
    satisfaction_basis: str = "first"  # the rating a redo chain is assessed on: first (the default) or final
    exclusion_flag_ratio: float = 2.0  # flag a unit excluding more than this × its group's median share ...
    exclusion_flag_min_count: int = 10  # ... and at least this many orders
    reply_rules_file: Path = DEFAULT_REPLY_RULES  # the reply classifier's patterns (warehouse.replies)
    review_sample_size: int = 5  # closed orders per unit and month in the quality-review sample
    review_sample_seed: int = 12345
    units_file: Path | None = None
    default_group: str = "未分组"
    as_of: dt.datetime | None = None
    # The site's time zone: stored times are its wall-clock times unless an import profile names the
    # source's zone (etl.parsing). Applied when a file is loaded, so not part of the fingerprint.
    time_zone: str = "Asia/Shanghai"
    map: MapFiles = field(default_factory=MapFiles)
    source: Path | None = None
    # Rules with effective dates (warehouse.rule_sets): the top-level rules hold from the beginning
    # (effective_from None); each later rule set, complete, from the first day of its month on.
    effective_from: dt.date | None = None
    rule_note: str = ""
    rule_sets: tuple[Settings, ...] = ()

    def rules_for(self, month: dt.date | None = None) -> Settings:
        """The rule set in force in ``month`` (any day of it; None: today): the latest one that took effect by then."""
        day = month or dt.date.today()
        chosen = self
        for later in self.rule_sets:
            if later.effective_from is not None and later.effective_from <= day:
                chosen = later
        return chosen

    def rule_values(self) -> dict[str, Any]:
        """This rule set's assessment rules only (not the site's paths, zone or as-of), as plain values: what
        a published month keeps and a later settings file must not change for it."""
        return {k: v for k, v in replace(self, rule_sets=()).to_dict().items() if k not in _NOT_RULES}

    def response_limit_seconds(self, urgency: str | None) -> int:
        """Calendar-time limit; an empty urgency is 一般 (SPEC §3)."""
        hours = dict(self.response_limit_hours).get(urgency or "一般", self.response_limit_default_hours)
        return round(hours * 3600)

    def due_workdays(self, appeal_type: str | None) -> int:
        return dict(self.due_workdays_by_type).get(appeal_type or "", self.due_workdays_default)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values, for the About page, the report and ``meta``."""
        d = asdict(self)
        d["response_limit_hours"] = dict(self.response_limit_hours)
        d["due_workdays_by_type"] = dict(self.due_workdays_by_type)
        d["targets"] = self.targets.to_dict()
        for key in ("units_file", "source", "time_limits_file", "reply_rules_file"):
            d[key] = _show_path(d[key])
        d["as_of"] = self.as_of.isoformat(sep=" ") if self.as_of else None
        d["map"] = self.map.to_dict()
        d["effective_from"] = f"{self.effective_from:%Y-%m}" if self.effective_from else None
        d["rule_sets"] = [_rule_set_summary(later) for later in self.rule_sets]
        return d

    def fingerprint(self) -> str:
        rules = {k: v for k, v in self.to_dict().items() if k not in ("source", "time_zone", "map")}
        rules["rule_files"] = self.rule_file_digests()
        return hashlib.sha256(json.dumps(rules, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

    def build_fingerprint(self) -> str:
        """Of the rules applied when the tables are built (limits, deadlines, repeats, groups, as-of, the contents
        of the limits catalogue and the reply rules), in every rule set and from when: a change of any other setting
        (weights, targets, lists, maturity) needs no rebuild."""
        skip = {"source", "rule_sets", "effective_from", "rule_note", *READ_TIME_KEYS}
        steps, last = [], None
        for rules in (self, *self.rule_sets):
            built = {k: v for k, v in rules.to_dict().items() if k not in skip}
            if built != last:  # a rule set changing read-time rules only builds as the one before
                steps.append([f"{rules.effective_from}" if rules.effective_from else None, built])
                last = built
        steps.append(["rule_files", self.rule_file_digests()])
        return hashlib.sha256(json.dumps(steps, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

    def rule_file_digests(self) -> dict[str, str | None]:
        """The contents of the rule files the settings name (an edit of the file is a change of the rules)."""
        return {
            key: hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path is not None and path.exists() else None
            for key, path in (("time_limits_file", self.time_limits_file), ("reply_rules_file", self.reply_rules_file))
        }

    def unit_groups(self) -> dict[str, str]:
        """department -> group from the units file; {} when the file is absent."""
        if self.units_file is None or not self.units_file.exists():
            return {}
        with self.units_file.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"department", "group"} - set(reader.fieldnames or ())
            if missing:
                raise SettingsError(f"{self.units_file}: 缺少列 {sorted(missing)} (columns department,group needed)")
            groups = {}
            for row in reader:
                dept, group = (row["department"] or "").strip(), (row["group"] or "").strip()
                if dept:
                    groups[dept] = group or self.default_group
            return groups


def _rule_set_summary(rules: Settings) -> dict[str, Any]:
    """A later rule set as the About page and the docs show it: when, why, and its complete rules."""
    return {"from": f"{rules.effective_from:%Y-%m}", "note": rules.rule_note, "rules": rules.rule_values()}


def _show_path(path: Path | None) -> str | None:
    """Project paths shown relative to the project root, so docs and fingerprints travel."""
    if path is None:
        return None
    try:
        return Path(path).resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def settings_path() -> Path:
    env = os.environ.get("HOTLINE_SETTINGS")
    return Path(env) if env else DEFAULT_SETTINGS_PATH


def read_toml(
    path: str | os.PathLike[str] | None, env: str | None, default: Path, what: str
) -> tuple[Path, dict[str, Any] | None]:
    """The settings file named, else ``$env``, else ``default``, parsed: every settings file is found and
    read the same way. ``None`` when the default file is missing (the caller's defaults apply); a
    file that was named (argument or environment) must exist, since silently falling back to
    defaults would work under rules nobody chose. ``what`` names the file in the messages."""
    named = os.environ.get(env) if env else None
    explicit = path is not None or named is not None
    p = Path(path) if path is not None else Path(named or default)
    if not p.exists():
        if explicit:
            raise SettingsError(f"{what}不存在 (file not found): {p}")
        return p, None
    try:
        return p, tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{p}: TOML 格式错误 (invalid TOML): {exc}") from exc


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read and validate the settings file (``HOTLINE_SETTINGS`` or config/settings.toml).

    A missing default file gives the SPEC defaults; a missing file that was named explicitly is an
    error, since silently assessing with defaults would publish numbers under the wrong rules.
    """
    p, data = read_toml(path, "HOTLINE_SETTINGS", DEFAULT_SETTINGS_PATH, "设置文件")
    if data is None:
        return Settings(units_file=PROJECT_ROOT / "config" / "units.csv", time_limits_file=DEFAULT_TIME_LIMITS)
    return parse_settings(data, source=p)


def parse_settings(data: dict[str, Any], source: Path | None = None) -> Settings:
    """Validate a parsed TOML document; unknown keys are errors (they are usually typos). The top-level
    rules hold from the beginning; each ``[[rule_changes]]`` entry changes some of them from a month on."""
    base = {k: v for k, v in data.items() if k != "rule_changes"}
    first = _parse_one(base, source)
    later = _parse_rule_changes(data.get("rule_changes", []), base, str(source or "<settings>"), _parse_one)
    return replace(first, rule_sets=later)


_ENTRY_KEYS = ("from", "note")


def _parse_rule_changes(
    changes: Any, base: dict[str, Any], src: str, parse_one: Callable[[dict[str, Any]], Settings]
) -> tuple[Settings, ...]:
    """The later rule sets, in order of their months; an error names the entry and the key."""
    if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
        raise SettingsError(
            f'{src}: rule_changes 必须写成 [[rule_changes]] 表 (use [[rule_changes]] tables with from = "YYYY-MM")'
        )
    raw = copy.deepcopy(base)
    raw.setdefault("targets", dict(DEFAULT_TARGETS))  # a change of one target keeps the default others
    out: list[Settings] = []
    for number, change in enumerate(changes, start=1):
        where = f"{src}: rule_changes 第 {number} 项"
        month = _rule_month(change.get("from"), where)
        if out and month <= out[-1].effective_from:  # type: ignore[operator]
            raise SettingsError(
                f"{where}: from 必须晚于上一项的 {out[-1].effective_from:%Y-%m} (entries in order of from)"
            )
        unknown = [k for k in change if k not in (*_ENTRY_KEYS, *RULE_KEYS)]
        if unknown:
            raise SettingsError(
                f"{where}（from = {month:%Y-%m}）: 设置项 {unknown[0]} 不能按月份变更或未知 "
                f"(a rule change may set: {', '.join(RULE_KEYS)})"
            )
        note = change.get("note", "")
        if not isinstance(note, str):
            raise SettingsError(f"{where}: note 必须是字符串 (must be a string)")
        raw = _merged_tables(raw, {k: v for k, v in change.items() if k not in _ENTRY_KEYS})
        try:
            rules = parse_one(raw)
        except SettingsError as exc:
            raise SettingsError(f"{where}（from = {month:%Y-%m}）: {str(exc).removeprefix('<settings>: ')}") from None
        out.append(replace(rules, effective_from=month, rule_note=note.strip()))
    return tuple(out)


def _rule_month(value: Any, where: str) -> dt.date:
    try:
        return dt.datetime.strptime(str(value), "%Y-%m").date()
    except ValueError:
        raise SettingsError(
            f'{where}: from 应为 "YYYY-MM"（生效月份 / the month it takes effect）, got {value!r}'
        ) from None


def _merged_tables(old: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """``old`` with ``change`` written over it; tables key by key (a change names only what changes)."""
    out = copy.deepcopy(old)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged_tables(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _parse_one(data: dict[str, Any], source: Path | None = None) -> Settings:
    """One complete rule set (the top-level keys of the file, or those merged with a rule change)."""
    v = _Validator(data, str(source or "<settings>"))
    resp = v.table("response_limit_hours")
    due = v.table("due_derivation")
    wtype = v.table("due_derivation.workdays_by_type", due.get("workdays_by_type", {}))
    weights = v.table("composite_weights")
    v.check_keys(resp, "response_limit_hours", (*URGENCIES, "default"))
    v.check_keys(due, "due_derivation", ("urgent_hours", "workdays_by_type"))
    v.check_keys(wtype, "due_derivation.workdays_by_type", (*APPEAL_TYPES, "default"))
    v.check_keys(weights, "composite_weights", COMPOSITE_RATES)
    cw = CompositeWeights(
        **{k: v.number(weights, f"composite_weights.{k}", d, lo=0.0) for k, d in asdict(CompositeWeights()).items()}
    )
    if sum(asdict(cw).values()) <= 0:
        raise SettingsError(f"{v.src}: composite_weights 之和必须大于 0 (weights must sum to > 0)")
    units = v.text(data, "units_file", "config/units.csv")
    basis = v.text(data, "satisfaction_basis", "first")
    if basis not in SATISFACTION_BASES:
        raise v.fail("satisfaction_basis", f"必须是 first 或 final (must be first or final), got {basis!r}")
    map_table = v.table("map")
    v.check_keys(map_table, "map", ("counties", "townships", "county_property", "township_property"))
    base = Settings()
    return Settings(
        response_limit_hours=tuple(
            (u, v.number(resp, f"response_limit_hours.{u}", d or 0, lo=0, strict=True))
            for u, d in _merged(base.response_limit_hours, resp, URGENCIES)
        ),
        response_limit_default_hours=v.number(resp, "response_limit_hours.default", 24.0, lo=0, strict=True),
        urgent_due_hours=v.number(due, "due_derivation.urgent_hours", 24.0, lo=0, strict=True),
        due_workdays_by_type=tuple(
            (t, v.integer(wtype, f"due_derivation.workdays_by_type.{t}", d or 0, lo=1))
            for t, d in _merged(base.due_workdays_by_type, wtype, APPEAL_TYPES)
        ),
        due_workdays_default=v.integer(wtype, "due_derivation.workdays_by_type.default", 7, lo=1),
        partial_resolution_weight=v.number(data, "partial_resolution_weight", 0.0, lo=0.0, hi=1.0),
        basic_satisfaction_weight=v.number(data, "basic_satisfaction_weight", 1.0, lo=0.0, hi=1.0),
        composite_weights=cw,
        min_sample=v.integer(data, "min_sample", 10, lo=1),
        red_black_size=v.integer(data, "red_black_size", 5, lo=0),
        red_black_min_units=v.integer(data, "red_black_min_units", 5, lo=2),
        targets=_targets(v, v.table("targets")) if "targets" in data else Targets(),
        maturity_days=v.integer(data, "maturity_days", 15, lo=0),
        derived_due_warning_share=v.number(data, "derived_due_warning_share", 0.2, lo=0.0, hi=1.0),
        repeat_window_days=v.integer(data, "repeat_window_days", 30, lo=1),
        time_limits_file=_project_path(v.text(data, "time_limits_file", "")),
        satisfaction_basis=basis,
        exclusion_flag_ratio=v.number(data, "exclusion_flag_ratio", 2.0, lo=1.0),
        exclusion_flag_min_count=v.integer(data, "exclusion_flag_min_count", 10, lo=1),
        reply_rules_file=_project_path(v.text(data, "reply_rules_file", "")) or DEFAULT_REPLY_RULES,
        review_sample_size=v.integer(data, "review_sample_size", 5, lo=1),
        review_sample_seed=v.integer(data, "review_sample_seed", 12345, lo=0),
        units_file=_project_path(units),
        default_group=v.text(data, "default_group", "未分组") or "未分组",
        as_of=_parse_as_of(v.text(data, "as_of", ""), v.src),
        time_zone=_parse_zone(v.text(data, "time_zone", "Asia/Shanghai"), v.src),
        map=MapFiles(
            counties=_project_path(v.text(map_table, "counties", "")),
            townships=_project_path(v.text(map_table, "townships", "")),
            county_property=v.text(map_table, "county_property", "county") or "county",
            township_property=v.text(map_table, "township_property", "township") or "township",
        ),
        source=source,
    )


def _project_path(text: str) -> Path | None:
    """A file named in the settings: relative paths are relative to the project root; '' = none."""
    if not text:
        return None
    return Path(text) if Path(text).is_absolute() else PROJECT_ROOT / text


def _targets(v: _Validator, table: dict[str, Any]) -> Targets:
    """[targets]: a number per rate (response, on_time, resolution, satisfaction), and optionally a
    [targets."分组名"] table of the same shape per ranking group, overriding the city-wide ones. A file
    without [targets] keeps the defaults; an empty [targets] sets none."""

    def rates(tbl: dict[str, Any], name: str) -> tuple[tuple[str, float], ...]:
        v.check_keys(tbl, name, COMPOSITE_RATES)
        return tuple((k, v.number(tbl, f"{name}.{k}", 0.0, lo=0.0, hi=1.0)) for k in COMPOSITE_RATES if k in tbl)

    numbers = {k: x for k, x in table.items() if not isinstance(x, dict)}
    groups = tuple((g, rates(x, f"targets.{g}")) for g, x in table.items() if isinstance(x, dict))
    return Targets(rates(numbers, "targets"), groups)


def _merged(
    defaults: tuple[tuple[str, Any], ...], table: dict[str, Any], order: tuple[str, ...]
) -> list[tuple[str, Any]]:
    """Per-key overrides on top of the SPEC defaults: a file that leaves out 紧急 keeps 2 hours."""
    known = dict(defaults)
    return [(k, known.get(k)) for k in order if k in known or k in table]


_TOP_KEYS = (
    "partial_resolution_weight",
    "basic_satisfaction_weight",
    "min_sample",
    "red_black_size",
    "red_black_min_units",
    "maturity_days",
    "derived_due_warning_share",
    "repeat_window_days",
    "time_limits_file",
    "satisfaction_basis",
    "exclusion_flag_ratio",
    "exclusion_flag_min_count",
    "reply_rules_file",
    "review_sample_size",
    "review_sample_seed",
    "units_file",
    "default_group",
    "as_of",
    "time_zone",
    "response_limit_hours",
    "due_derivation",
    "composite_weights",
    "targets",
    "map",
)


class _Validator:
    def __init__(self, data: dict[str, Any], src: str) -> None:
        self.data, self.src = data, src
        self.check_keys(data, "", _TOP_KEYS)

    def fail(self, key: str, msg: str) -> SettingsError:
        return SettingsError(f"{self.src}: 设置项 {key} {msg}")

    def check_keys(self, table: dict[str, Any], name: str, allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                full = f"{name}.{key}" if name else key
                raise self.fail(full, f"未知 (unknown setting; allowed: {', '.join(allowed)})")

    def table(self, key: str, value: Any = None) -> dict[str, Any]:
        value = self.data.get(key, {}) if value is None else value
        if not isinstance(value, dict):
            raise self.fail(key, "必须是表 (must be a [table])")
        return value

    def number(
        self,
        table: dict[str, Any],
        key: str,
        default: float,
        lo: float | None = None,
        hi: float | None = None,
        strict: bool = False,
    ) -> float:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"必须是数字 (must be a number), got {value!r}")
        if lo is not None and (value <= lo if strict else value < lo):
            raise self.fail(
                key, f"必须{'>' if strict else '≥'} {lo} (must be {'>' if strict else '>='} {lo}), got {value!r}"
            )
        if hi is not None and value > hi:
            raise self.fail(key, f"必须 ≤ {hi} (must be <= {hi}), got {value!r}")
        return float(value)

    def integer(self, table: dict[str, Any], key: str, default: int, lo: int) -> int:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"必须是整数 (must be an integer), got {value!r}")
        if value < lo:
            raise self.fail(key, f"必须 ≥ {lo} (must be >= {lo}), got {value!r}")
        return value

    def text(self, table: dict[str, Any], key: str, default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, f"必须是字符串 (must be a string), got {value!r}")
        return value.strip()


def _parse_as_of(text: str, src: str) -> dt.datetime | None:
    """'' = derived from the data; a bare date pins the end (23:59:59) of that day."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(23, 59, 59))
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise SettingsError(f"{src}: 设置项 as_of 无法解析 (use 'YYYY-MM-DD HH:MM:SS' or ''), got {text!r}") from None


def _parse_zone(text: str, src: str) -> str:
    """An IANA zone name such as Asia/Shanghai (the default when empty)."""
    try:
        zoneinfo.ZoneInfo(text or "Asia/Shanghai")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"{src}: 设置项 time_zone 不是 IANA 时区名 (unknown time zone, e.g. Asia/Shanghai), got {text!r}"
        ) from None
    return text or "Asia/Shanghai"
