"""``python -m etl check-profile PROFILE [FILE]``: a profile checked, and what it would do to a file,
without loading anything (the warehouse is not opened).

Exit codes as for ``load``: 2 when the profile is wrong or the file cannot be read or mapped, 1 with
``--strict`` when there are warnings (an alias matching no header, an unsure encoding, a cell that
swallowed whole records), else 0.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from etl.profiles import DEFAULT_PROFILE, Profile, ProfileError, load_profile


def describe_profile(profile: Profile) -> list[str]:
    """The profile as a person checks it: what it maps, renames and assumes."""
    own = profile.own_fields if Path(profile.source) != DEFAULT_PROFILE else profile.fields
    lines = [f"导入配置 {profile.source}（{profile.name}）：格式正确"]
    for name, headers in own.items():
        lines.append(f"  {name} ← {' / '.join(headers)}")
    for name, table in profile.synonyms.items():
        if table:
            lines.append(f"  同义词 {name}：{len(table)} 个")
    for name, rules in profile.normalize.items():
        parts = [f"case={rules.case}"] if rules.case else []
        parts += [f"去前缀「{p}」" for p in rules.trim_prefix]
        parts += [f"改写 {pattern}" for pattern, _r in rules.rewrite]
        lines.append(f"  规则 {name}：{'；'.join(parts)}")
    for name, value in profile.constants.items():
        lines.append(f"  常量 {name} = {value}")
    zone = profile.time_zone or "站点时区（config/settings.toml 的 time_zone）"
    lines.append(f"  时间：附加格式 {list(profile.timestamp_formats) or '无'}；带偏移的时间换算为 {zone}")
    return lines


def check_file(path: Path, profile: Profile) -> tuple[list[str], dict, list[str]]:
    """(lines, JSON-able result, warnings) of reading, mapping and checking ``path`` as a load would."""
    from etl.load import prepare_file

    prep = prepare_file(path, profile)
    checked = prep.checked
    reasons = checked.quarantine.group_by("reason_code").len().sort("len", descending=True)
    quarantine = dict(zip(reasons["reason_code"], reasons["len"], strict=True))
    warnings = [*prep.warnings, *checked.notes]
    result = {
        "file": path.name,
        "kind": prep.source.kind,
        "encoding": prep.source.encoding,
        "sheet": prep.source.sheet,
        "header_row": prep.cmap.header_row + 1,
        "column_map": prep.cmap.as_dict(),
        "rows_read": checked.rows_read,
        "would_load": checked.good.height,
        "would_quarantine": checked.quarantine.height,
        "quarantine_reasons": quarantine,
        "duplicates": checked.duplicates,
        "cell_warnings": checked.warnings.height,
        "warnings": warnings,
    }
    lines = [
        f"文件 {path.name}：{prep.source.kind}，编码 {prep.source.encoding or '—'}，表头在第 {prep.cmap.header_row + 1} 行",
        *(f"  {field} ← {' / '.join(sources)}" for field, sources in prep.cmap.sources.items()),
        f"  读取 {checked.rows_read} 行：可导入 {checked.good.height}，将隔离 {checked.quarantine.height}，"
        f"重复 {checked.duplicates}，单元格提示 {checked.warnings.height}（未导入任何数据）",
        *(f"  隔离原因 {code}：{n} 行" for code, n in quarantine.items()),
        *(f"  提示：{w}" for w in warnings),
    ]
    return lines, result, warnings


def run(profile_path: str, file: str | None, as_json: bool, strict: bool, db: str | None = None) -> int:
    from etl.mapping import UnmappableError
    from etl.readers import ReadError

    try:
        profile = load_profile(profile_path, db=db)
    except ProfileError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    lines, result, warnings = describe_profile(profile), {"profile": profile.source, "ok": True}, []
    if file:
        try:
            more, result["file"], warnings = check_file(Path(file), profile)
        except (ReadError, UnmappableError) as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        lines += more
    print(json.dumps(result, ensure_ascii=False, indent=2) if as_json else "\n".join(lines))
    return 1 if strict and warnings else 0
