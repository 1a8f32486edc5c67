"""Import profiles: how one hotline platform's export maps onto the canonical fields.

A profile is data (TOML), not code. A custom profile extends the built-in default: its header
lists are tried before the default's, its synonyms are added to the default's. Every profile is
read strictly (etl.profile_check): an unknown section, key, field, format, encoding, time zone or
synonym target is an error that names the key and the fix, never a silent no-op.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
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
from warehouse.connection import resolve_db_path

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
    records: str | None = None  # JSON: the key of the list of records (None: found by etl.readers.records)
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


def _read_toml(path: Path, db: str | Path | None = None) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        shipped, saved = profile_names(db)
        mine = f"；在「数据」页面保存的配置（{saved_profiles_dir(db)}）：{'、'.join(saved)}" if saved else ""
        raise ProfileError(f"找不到导入配置文件：{path}（内置配置可直接写名字：{'、'.join(shipped)}{mine}）") from None
    except IsADirectoryError:
        raise ProfileError(f"导入配置应是一个 .toml 文件，{path} 是目录") from None
    except UnicodeDecodeError:
        raise ProfileError(f"导入配置文件 {path} 不是 UTF-8 文本：请用 UTF-8 保存") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"导入配置文件 {path} 格式错误：{exc}") from None


def saved_profiles_dir(db: str | Path | None = None) -> Path:
    """Profiles saved from the data page: ``profiles/`` beside the warehouse (like ``users.json``;
    ``HOTLINE_PROFILES`` overrides), so the command line finds what the browser saved."""
    env = os.environ.get("HOTLINE_PROFILES")
    return Path(env) if env else resolve_db_path(db).parent / "profiles"


def profile_names(db: str | Path | None = None) -> tuple[list[str], list[str]]:
    """(shipped, saved) profile names, each sorted; the built-in default is not named."""
    shipped = sorted(p.stem for p in SHIPPED_PROFILES.glob("*.toml") if p != DEFAULT_PROFILE)
    folder = saved_profiles_dir(db)
    saved = sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []
    return shipped, saved


def resolve_profile_path(path: str | Path, db: str | Path | None = None) -> Path:
    """A path as given, or a profile's name: one saved beside the warehouse (``saved_profiles_dir``)
    wins over a shipped one of the same name (etl/profiles/NAME.toml), so a site's own profile keeps
    doing what it did when a later version ships one under its name (the data page never saves under
    a shipped name; ``shadowed_shipped`` says when it happens)."""
    given = Path(path)
    if given.exists() or given.suffix or len(given.parts) > 1:
        return given
    saved = saved_profiles_dir(db) / f"{given.name}.toml"
    if saved.is_file():
        return saved
    shipped = SHIPPED_PROFILES / f"{given.name}.toml"
    return shipped if shipped.exists() else given


def shadowed_shipped(path: str | Path, db: str | Path | None = None) -> Path | None:
    """The shipped profile a name does not reach because a saved profile has the same name."""
    resolved = resolve_profile_path(path, db)
    shipped = SHIPPED_PROFILES / f"{Path(path).name}.toml"
    if resolved.parent != SHIPPED_PROFILES and resolved != Path(path) and shipped.is_file():
        return shipped
    return None


def _layered(base: Profile, custom: Profile) -> Profile:
    fields = dict(base.fields)
    for key, names in custom.fields.items():
        fields[key] = names + tuple(n for n in base.fields.get(key, ()) if n not in names)
    synonyms = {k: dict(v) for k, v in base.synonyms.items()}
    for key, table in custom.synonyms.items():
        synonyms.setdefault(key, {}).update(table)
    return replace(
        custom,
        fields=fields,
        synonyms=synonyms,
        timestamp_formats=custom.timestamp_formats + base.timestamp_formats,
        normalize={**base.normalize, **custom.normalize},
    )


def default_profile() -> Profile:
    return _parse(_read_toml(DEFAULT_PROFILE), str(DEFAULT_PROFILE))


def load_profile(path: str | Path | None = None, db: str | Path | None = None) -> Profile:
    """The default profile, or a custom one layered over it (a name is looked up as
    ``resolve_profile_path`` says, beside the warehouse ``db`` first)."""
    base = default_profile()
    if path is None:
        return base
    path = resolve_profile_path(path, db)
    return _layered(base, _parse(_read_toml(path, db), str(path)))


def profile_from_data(data: dict, source: str) -> Profile:
    """A profile's TOML data (as ``tomllib`` reads it), checked as strictly as a file and layered over
    the default: the data page's draft is checked by the same rules before it is previewed or saved."""
    return _layered(default_profile(), _parse(data, source))


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
