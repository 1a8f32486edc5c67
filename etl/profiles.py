"""Import profiles: how one hotline platform's export maps onto the canonical fields.

A profile is data (TOML), not code. A custom profile extends the built-in default: its header
lists are tried before the default's, its synonyms are added to the default's. Every profile is
read strictly (etl.profile_check): an unknown section, key, field, format, encoding, time zone or
synonym target is an error that names the key and the fix, never a silent no-op.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from etl.profile_check import (
    CATEGORY_PATH,
    MAPPABLE,
    Checker,
    ProfileError,
    Rules,
    check_constants,
    check_fields,
    check_formats,
    check_normalize,
    check_read,
    check_sections,
    check_synonyms,
)

DEFAULT_PROFILE = Path(__file__).parent / "profiles" / "default.toml"
SHIPPED_PROFILES = DEFAULT_PROFILE.parent

__all__ = ["CATEGORY_PATH", "MAPPABLE", "Profile", "ProfileError", "Rules", "alias_warnings", "load_profile"]


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
    normalize: dict[str, Rules] = field(default_factory=dict)
    # The zone the source's times are local to (timestamps.time_zone); None = the site's zone. Times with
    # an offset are converted to it, times without one are kept as written (etl.parsing).
    time_zone: str | None = None
    format: str = "auto"  # auto (by the file name's suffix) | csv | excel | json
    records: str | None = None  # JSON: the key of the list of records (None: found by etl.records)
    own_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # as the custom profile lists them


def _parse(data: dict, source: str) -> Profile:
    c = Checker(source)
    check_sections(data, c)
    read = check_read(data, c)
    fields = check_fields(data, c)
    synonyms = check_synonyms(data, c)
    formats, zone = check_formats(data, c)
    constants = check_constants(data, synonyms, c)
    normalize = check_normalize(data, synonyms, c)
    c.raise_if_any()
    return Profile(
        name=str(data.get("name", Path(source).stem)),
        fields=fields,
        synonyms=synonyms,
        timestamp_formats=formats,
        sheet=read["sheet"],
        header_row=read["header_row"],
        encoding=read["encoding"],
        constants=constants,
        source=source,
        normalize=normalize,
        time_zone=zone,
        format=read["format"],
        records=read["records"],
        own_fields=fields,
    )


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        shipped = "、".join(sorted(p.stem for p in SHIPPED_PROFILES.glob("*.toml") if p != DEFAULT_PROFILE))
        raise ProfileError(f"找不到导入配置文件：{path}（内置配置可直接写名字：{shipped}）") from None
    except IsADirectoryError:
        raise ProfileError(f"导入配置应是一个 .toml 文件，{path} 是目录") from None
    except UnicodeDecodeError:
        raise ProfileError(f"导入配置文件 {path} 不是 UTF-8 文本：请用 UTF-8 保存") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"导入配置文件 {path} 格式错误：{exc}") from None


def resolve_profile_path(path: str | Path) -> Path:
    """A path as given, or the name of a shipped profile (``open311`` = etl/profiles/open311.toml)."""
    given = Path(path)
    if given.exists() or given.suffix or len(given.parts) > 1:
        return given
    shipped = SHIPPED_PROFILES / f"{given.name}.toml"
    return shipped if shipped.exists() else given


def load_profile(path: str | Path | None = None) -> Profile:
    """The default profile, or a custom one layered over it."""
    base = _parse(_read_toml(DEFAULT_PROFILE), str(DEFAULT_PROFILE))
    if path is None:
        return base
    path = resolve_profile_path(path)
    custom = _parse(_read_toml(path), str(path))
    fields = dict(base.fields)
    for key, names in custom.fields.items():
        fields[key] = names + tuple(n for n in base.fields.get(key, ()) if n not in names)
    synonyms = {k: dict(v) for k, v in base.synonyms.items()}
    for key, table in custom.synonyms.items():
        synonyms.setdefault(key, {}).update(table)
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
        normalize={**base.normalize, **custom.normalize},
        time_zone=custom.time_zone,
        format=custom.format,
        records=custom.records,
        own_fields=custom.own_fields,
    )


def alias_warnings(profile: Profile, headers: list[str] | tuple[str, ...]) -> list[str]:
    """The custom profile's fields none of whose listed headers is in the file: the column would stay
    empty without a word (``department = ["Department"]`` against a file that says ``Agency``)."""
    if Path(profile.source) == DEFAULT_PROFILE:
        return []
    present = {h.strip() for h in headers if h}
    out = []
    for name, names in profile.own_fields.items():
        if any(n in present for n in names):
            continue
        listed = "、".join(f"「{n}」" for n in names)
        fallback = [n for n in profile.fields.get(name, ()) if n in present]
        then = f"改用默认表头「{fallback[0]}」" if fallback else "该字段将为空"
        out.append(
            f"导入配置 fields.{name} 列出的表头 {listed} 在文件中一个也没有，{then}"
            f"（alias matches no header）：请对照文件的表头修改 fields.{name}"
        )
    return out
