"""A profile draft written as TOML a person can read: who made it, when, from what, and a comment per
field naming it in Chinese; read back by ``tomllib`` it gives the same draft (``draft_from_data``).

No TOML writer is pinned in this project and the profile's shape is small and fixed, so it is written
here; every string goes through :func:`toml_string` and every comment through :func:`comment`, so no
value (a header, a file name, a user name) can end a comment or a string and add keys of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from etl.profile_check import CATEGORY_PATH, SECTIONS
from etl.profile_draft import ProfileDraft, draft_to_data
from warehouse.fields import FIELD_BY_NAME

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


@dataclass(frozen=True)
class SavedBy:
    """What made a saved profile, for the comment at its top."""

    user: str
    role: str
    at: str  # ISO time
    upload: str = ""  # the file it was made on
    start: str = ""  # what the analyst started from: the detected mapping, a shipped or a saved profile


def toml_string(text: str) -> str:
    """A TOML string: literal ('…', no escapes: regular expressions stay readable) when it can be, else
    a basic string with every quote, backslash and control character escaped."""
    if "'" not in text and not _CONTROL.search(text):
        return f"'{text}'"
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _CONTROL.match(ch):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def comment(text: str) -> str:
    """Text safe inside a ``#`` comment: one line, no control characters."""
    return _CONTROL.sub(" ", text).strip()


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if len(value) > 1 and all(isinstance(v, list | tuple) for v in value):  # rewrite pairs: one per line
        return "[\n" + "".join(f"  {_value(v)},\n" for v in value) + "]"
    return "[" + ", ".join(_value(v) for v in value) + "]"


def _field_note(name: str) -> str:
    if name == CATEGORY_PATH:
        return "问题分类路径 A->B->C"
    spec = FIELD_BY_NAME.get(name)
    if spec is None:
        return ""
    return spec.label_zh + ("（必填）" if spec.required else "")


def header_lines(name: str, by: SavedBy) -> list[str]:
    lines = [
        f"# 导入配置 {comment(name)} / Import profile {comment(name)}",
        f"# 由「数据」页面的列对应编辑器保存：{comment(by.user)}（{comment(by.role)}），{comment(by.at)}。",
        f"# Saved from the data page's mapping editor by {comment(by.user)} ({comment(by.role)}) at {comment(by.at)}.",
    ]
    if by.upload:
        lines.append(f"# 据上传文件 / made on the upload: {comment(by.upload)}")
    if by.start:
        lines.append(f"# 起点 / started from: {comment(by.start)}")
    lines += [
        "# 叠加在内置 default.toml 之上（默认表头仍会参与匹配）/ layered over the built-in default.toml.",
        "# 命令行 / command line:",
        f"#   hotline-etl check-profile {comment(name)} FILE --db WAREHOUSE",
        f"#   hotline-etl load FILE --profile {comment(name)} --db WAREHOUSE",
    ]
    return lines


def draft_to_toml(draft: ProfileDraft, by: SavedBy | None = None) -> str:
    """The draft as TOML text (with the header comment when ``by`` says who saved it)."""
    data = draft_to_data(draft)
    out = [*header_lines(draft.name or "draft", by), ""] if by else []
    for key in ("name", "description"):
        if key in data:
            out.append(f"{key} = {_value(data[key])}")
    for section in SECTIONS:
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        if section in ("synonyms", "normalize"):
            for name, inner in table.items():
                out += ["", f"[{section}.{name}]  # {_field_note(name)}"]
                out += [f"{toml_string(k) if section == 'synonyms' else k} = {_value(v)}" for k, v in inner.items()]
            continue
        out += ["", f"[{section}]"]
        for key, value in table.items():
            note = f"  # {_field_note(key)}" if section in ("fields", "constants") and _field_note(key) else ""
            out.append(f"{key} = {_value(value)}{note}")
    return "\n".join(out).strip("\n") + "\n"
