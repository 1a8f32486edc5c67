"""Profiles saved from the data page, in ``profiles/`` beside the warehouse (``HOTLINE_PROFILES``
overrides; etl.profiles.saved_profiles_dir), where ``--profile NAME`` finds them too.

The folder is private like the warehouse's other files (0700, each profile 0600): a profile's
synonyms can hold the names of a site's units. A profile is written only after the strict checker
passed the very text that is written, atomically (a reader never sees half a file), and audited.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import replace
from pathlib import Path

from etl.profile_draft import ProfileDraft, draft_from_data
from etl.profile_toml import SavedBy, draft_to_toml
from etl.profiles import ProfileError, profile_from_data, profile_names, saved_profiles_dir
from warehouse import audit
from warehouse.access import Viewer
from warehouse.connection import private_dir

# Letters (Chinese too), digits, - and _: a name the command line takes as it is (no dot: a name with a
# suffix would be read as a path), at most 64 characters.
NAME = re.compile(r"^[^\W_][\w-]{0,63}$")


class SaveRefused(ValueError):
    """The profile was not saved (the message says why and what to do)."""


def check_name(name: str, db: str | Path | None = None, overwrite: bool = False) -> str:
    """The name trimmed, or SaveRefused: not a plain name, a shipped profile's name (the saved one
    would hide it from the command line), or a saved profile's name without ``overwrite``."""
    name = name.strip()
    if not NAME.match(name):
        raise SaveRefused(
            f"配置名「{name}」不可用：只能用字母、汉字、数字、- 和 _，以字母、汉字或数字开头，不超过 64 个字符"
            "（a plain name: letters, digits, - and _）"
        )
    shipped, saved = profile_names(db)
    if name in shipped or name == "default":
        raise SaveRefused(f"「{name}」是内置配置的名字，请换一个名字，例如「{name}-本地」（a shipped profile's name）")
    if name in saved and not overwrite:
        raise SaveRefused(
            f"已有名为「{name}」的配置：勾选「覆盖」后再保存，或换一个名字（a saved profile of that name exists）"
        )
    return name


def saved_path(name: str, db: str | Path | None = None) -> Path:
    return saved_profiles_dir(db) / f"{name}.toml"


def read_saved(path: Path) -> ProfileDraft:
    """A profile file as a draft (checked strictly first: ProfileError names every mistake)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"导入配置文件 {path.name} 无法读取：{exc}") from None
    profile_from_data(data, str(path))
    return draft_from_data(data)


def save_profile(
    draft: ProfileDraft,
    name: str,
    viewer: Viewer,
    db: str | Path | None = None,
    overwrite: bool = False,
    upload: str = "",
    start: str = "",
) -> Path:
    """Write ``draft`` as ``profiles/NAME.toml`` beside the warehouse; analysts and admins only
    (warehouse.access), refused with SaveRefused or ProfileError before anything is written."""
    viewer.require_profiles()
    name = check_name(name, db, overwrite)
    by = SavedBy(viewer.user, viewer.role, dt.datetime.now().isoformat(timespec="seconds"), upload, start)
    text = draft_to_toml(replace(draft, name=name), by)
    path = saved_path(name, db)
    profile_from_data(tomllib.loads(text), str(path))  # the text that is written is the text checked
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    replaced = path.exists()
    os.replace(tmp, path)
    audit.record(
        "profile", viewer.user, viewer.role, db=db, name=name, path=str(path), replaced=replaced, upload=upload,
        start=start, fields=sorted(draft.fields), rules=sorted(draft.normalize), synonyms=sorted(draft.synonyms),
    )  # fmt: skip
    return path
