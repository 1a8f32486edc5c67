"""Import profiles: how one hotline platform's export maps onto the canonical fields.

A profile is data (TOML), not code. A custom profile extends the built-in default: its header
lists are tried before the default's, its synonyms are added to the default's.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.fields import FIELD_BY_NAME

DEFAULT_PROFILE = Path(__file__).parent / "profiles" / "default.toml"
# A pseudo-field: one column holding "A->B->C" or "A/B/C", split into category_l1..l3.
CATEGORY_PATH = "category_path"
MAPPABLE = (*FIELD_BY_NAME, CATEGORY_PATH)


class ProfileError(ValueError):
    """The profile file itself is wrong (not the data)."""


@dataclass(frozen=True)
class Profile:
    name: str
    fields: dict[str, tuple[str, ...]]
    synonyms: dict[str, dict[str, str]] = field(default_factory=dict)
    timestamp_formats: tuple[str, ...] = ()
    sheet: str | int | None = None
    header_row: int | None = None
    encoding: str = "auto"
    constants: dict[str, str] = field(default_factory=dict)
    source: str = ""


def _parse(data: dict, source: str) -> Profile:
    fields = data.get("fields", {})
    unknown = sorted(set(fields) - set(MAPPABLE))
    if unknown:
        raise ProfileError(f"{source}: 未知的字段名 {unknown}；可用字段：{', '.join(MAPPABLE)}")
    mapped = {}
    for key, names in fields.items():
        names = [names] if isinstance(names, str) else names
        if not all(isinstance(n, str) for n in names):
            raise ProfileError(f"{source}: fields.{key} 必须是表头名称列表")
        mapped[key] = tuple(n.strip() for n in names)
    synonyms = {k: {str(a).strip(): str(b) for a, b in v.items()} for k, v in data.get("synonyms", {}).items()}
    bad = sorted(set(synonyms) - set(FIELD_BY_NAME))
    if bad:
        raise ProfileError(f"{source}: synonyms 中的未知字段 {bad}")
    read = data.get("read", {})
    return Profile(
        name=str(data.get("name", Path(source).stem)),
        fields=mapped,
        synonyms=synonyms,
        timestamp_formats=tuple(data.get("timestamps", {}).get("formats", [])),
        sheet=read.get("sheet"),
        header_row=read.get("header_row"),
        encoding=str(read.get("encoding", "auto")),
        constants={k: str(v) for k, v in data.get("constants", {}).items()},
        source=source,
    )


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"找不到导入配置文件：{path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"导入配置文件 {path} 格式错误：{exc}") from None


def _check_constants(constants: dict[str, str], synonyms: dict[str, dict[str, str]], source: str) -> None:
    """A constant is profile data, not a cell: a bad one is the profile's error, said once."""
    for key, value in constants.items():
        spec = FIELD_BY_NAME.get(key)
        if spec is None:
            raise ProfileError(f"{source}: constants 中的未知字段 {key}")
        word = synonyms.get(key, {}).get(value, value)
        if spec.vocabulary and word not in spec.vocabulary:
            raise ProfileError(
                f"{source}: constants.{key} = 「{value}」不在取值范围内（可用：{'、'.join(spec.vocabulary)}）"
            )
        if spec.kind in ("timestamp", "boolean", "integer"):
            raise ProfileError(f"{source}: constants 只能用于文本和取值字段，不能用于 {key}")


def load_profile(path: str | Path | None = None) -> Profile:
    """The default profile, or a custom one layered over it."""
    base = _parse(_read_toml(DEFAULT_PROFILE), str(DEFAULT_PROFILE))
    if path is None:
        return base
    custom = _parse(_read_toml(Path(path)), str(path))
    fields = dict(base.fields)
    for key, names in custom.fields.items():
        fields[key] = names + tuple(n for n in base.fields.get(key, ()) if n not in names)
    synonyms = {k: dict(v) for k, v in base.synonyms.items()}
    for key, table in custom.synonyms.items():
        synonyms.setdefault(key, {}).update(table)
    _check_constants(custom.constants, synonyms, custom.source)
    return Profile(
        name=custom.name,
        fields=fields,
        synonyms=synonyms,
        timestamp_formats=custom.timestamp_formats + base.timestamp_formats,
        sheet=custom.sheet,
        header_row=custom.header_row,
        encoding=custom.encoding,
        constants=custom.constants,
        source=custom.source,
    )
