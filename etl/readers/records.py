"""JSON and NDJSON exports (an Open311 GeoReport v2 ``requests.json``, an API dump) as a frame of text cells.

Each record becomes one row; its keys become the headers a profile maps, flattened so that nothing
needs code:

- a nested object: ``extended_attributes.ward``;
- a list of typed events (objects with a ``type``, as Open311's ``notes[]``): one column per type and
  key, from the LAST event of that type, ``notes[closed].datetime`` (the time the request was
  closed; ``updated_datetime`` is only the last change of any kind);
- any other list: its items joined by "; " (scalars) or kept as JSON text (objects);
- scalars as text (``true``/``false``, numbers as written); null and "" as empty.

The records are the top-level array, the lines of an NDJSON file, or the list under one key of a
top-level object (``{"requests": […]}``; a profile names the key with ``[read] records`` when there
are several lists).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

JSON_SUFFIXES = {".json", ".ndjson", ".jsonl", ".geojson"}


class RecordsError(ValueError):
    """The file is not JSON records; the message says what was found."""


def read_records(path: Path, encoding: str = "utf-8", key: str | None = None) -> pl.DataFrame:
    """Every record of a JSON / NDJSON file as a row of text cells, columns in order of first appearance."""
    records = _records(_load(path, encoding), path.name, key)
    columns: dict[str, list[str | None]] = {}
    for n, record in enumerate(records):
        if not isinstance(record, dict):
            raise RecordsError(f"{path.name} 的第 {n + 1} 条记录不是 JSON 对象（{type(record).__name__}）")
        flat = flatten(record)
        for name, value in flat.items():
            columns.setdefault(name, [None] * n).append(value)
        for cells in columns.values():
            if len(cells) == n:
                cells.append(None)
    if not columns:
        raise RecordsError(f"{path.name} 中没有记录")
    return pl.DataFrame({k: pl.Series(k, v, dtype=pl.String) for k, v in columns.items()})


def record_headers(path: Path, encoding: str = "utf-8", key: str | None = None) -> list[str]:
    """The headers ``read_records`` gives (a preview: the header row the mapping looks at)."""
    return read_records(path, encoding, key).columns


def _load(path: Path, encoding: str) -> Any:
    text = path.read_text(encoding="utf-8-sig" if encoding in ("utf-8", "utf_8") else encoding)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise RecordsError(
                f"{path.name} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）"
            ) from None
    rows = []
    for number, line in enumerate(text.splitlines(), 1):  # NDJSON: one JSON value per line
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise RecordsError(f"{path.name} 第 {number} 行不是有效的 JSON：{exc.msg}") from None
    return rows


def _records(data: Any, name: str, key: str | None) -> list:
    if key:
        node = data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise RecordsError(f"{name} 中没有导入配置 [read] records 指定的「{key}」")
            node = node[part]
        if not isinstance(node, list):
            raise RecordsError(f"{name} 中的「{key}」不是记录列表")
        return node
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        lists = [k for k, v in data.items() if isinstance(v, list) and v and all(isinstance(i, dict) for i in v)]
        if len(lists) == 1:
            return data[lists[0]]
        if not lists:
            return [data]  # one record
        raise RecordsError(
            f'{name} 中有多个记录列表（{"、".join(lists)}）：请在导入配置的 [read] 中写 records = "{lists[0]}" 之类'
        )
    raise RecordsError(f"{name} 不是 JSON 记录（顶层是 {type(data).__name__}）")


def flatten(record: dict, prefix: str = "") -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            out.update(_flatten_list(name, value))
        else:
            out[name] = _text(value)
    return out


def _flatten_list(name: str, items: list) -> dict[str, str | None]:
    if items and all(isinstance(i, dict) and isinstance(i.get("type"), str) for i in items):
        last = {item["type"]: item for item in items}  # events in order: the last of each type counts
        out: dict[str, str | None] = {}
        for kind, item in last.items():
            out.update(flatten({k: v for k, v in item.items() if k != "type"}, f"{name}[{kind}]."))
        return out
    if all(not isinstance(i, dict | list) for i in items):
        joined = "; ".join(t for i in items if (t := _text(i)))
        return {name: joined or None}
    return {name: json.dumps(items, ensure_ascii=False)}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if text.strip() else None
