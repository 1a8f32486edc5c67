"""Masking of personal data for every role but admin (SPEC §2: names, phones, content).

Masks keep just enough to recognise a record in a meeting (the surname, the first three and last
four digits of a phone) and nothing that identifies the caller. Free text is masked by pattern:
phone numbers, ID-card numbers and the caller's own name wherever they occur.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import polars as pl

MASK = "*"
# mainland mobile (1[3-9]x, 11 digits), landline with area code, 18-digit ID (last may be X), bank-card-like runs
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
_LONG_DIGITS = re.compile(r"\d{7,}")


def mask_name(name: str | None) -> str | None:
    """'张三丰' -> '张**'; '刘先生' -> '刘**'. Keeps the first character only."""
    if name is None:
        return None
    name = name.strip()
    if not name:
        return name
    return name[0] + MASK * max(len(name) - 1, 1)


def mask_phone(phone: str | None) -> str | None:
    """'13912345678' -> '139****5678'; any other number keeps its first 3 and last 4 digits when it
    has at least 8, else is fully masked. Separators and country codes are dropped."""
    if phone is None:
        return None
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return MASK * len(phone.strip()) if phone.strip() else phone
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) < 8:
        return MASK * len(digits)
    return digits[:3] + MASK * (len(digits) - 7) + digits[-4:]


def mask_text(text: str | None, names: Iterable[str] = ()) -> str | None:
    """Free text with phone numbers, ID numbers, other long digit runs and the given names masked."""
    if text is None:
        return None
    out = _ID_IN_TEXT.sub(lambda m: m.group(0)[:3] + MASK * (len(m.group(0)) - 3), text)
    out = _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)) or "", out)
    out = _LONG_DIGITS.sub(lambda m: MASK * len(m.group(0)), out)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        out = out.replace(name, mask_name(name) or "")
    return out


# The key under which a raw record keeps a row's cells past its header (etl.readers.EXTRA_CELLS; a test
# binds the two, warehouse does not import etl).
EXTRA_CELLS_KEY = "（表头以外的单元格）"


def mask_record(
    raw_json: str,
    name_headers: Iterable[str],
    phone_headers: Iterable[str],
    mapped_headers: Iterable[str] | None = None,
) -> str:
    """A quarantined row (JSON, source header -> cell text) with its personal data masked: the name
    and phone columns by their masks, the mapped columns by :func:`mask_text` (content holds phones).
    Cells the loader did not map (given ``mapped_headers``: an unknown column such as 地址, or the
    cells past the header of a shifted row) may hold anything, a name or an address: each keeps its
    first character (:func:`mask_cell`)."""
    try:
        record = json.loads(raw_json)
    except (TypeError, ValueError):
        return mask_text(str(raw_json)) or ""
    if not isinstance(record, dict):
        return mask_text(str(raw_json)) or ""
    name_set, phone_set = set(name_headers), set(phone_headers)
    mapped = None if mapped_headers is None else set(mapped_headers)
    names = [str(v) for k, v in record.items() if k in name_set and v]
    masked = {}
    for key, value in record.items():
        if value is None:
            masked[key] = None
        elif key in name_set:
            masked[key] = mask_name(str(value))
        elif key in phone_set:
            masked[key] = mask_phone(str(value))
        elif key == EXTRA_CELLS_KEY or (mapped is not None and key not in mapped):
            masked[key] = mask_cells(str(value))
        else:
            masked[key] = mask_text(str(value), names)
    return json.dumps(masked, ensure_ascii=False)


def mask_text_columns(frame: pl.DataFrame, columns: Iterable[str]) -> pl.DataFrame:
    """Free-text columns of order rows (status, channel, categories) through :func:`mask_text`, once per
    distinct value: a list of 20,000 orders holds a few dozen distinct texts."""
    exprs = []
    for col in columns:
        if col not in frame.columns or frame.schema[col] != pl.String:
            continue
        values = frame[col].drop_nulls().unique().to_list()
        changed = {v: mask_text(v) for v in values if mask_text(v) != v}
        if changed:
            exprs.append(pl.col(col).replace(list(changed), list(changed.values())))
    return frame.with_columns(exprs) if exprs else frame


def mask_cell(cell: str | None) -> str | None:
    """A cell whose meaning is unknown (a shifted row puts a name, phone or address anywhere): a
    phone-like number keeps its first 3 and last 4 digits, anything else its first character."""
    if cell is None or not cell.strip():
        return cell
    text = cell.strip()
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 7 and len(digits) >= len(text) - 4 and not _DATE_LIKE.search(text):
        return mask_phone(text)
    return mask_name(text)


def mask_cells(joined: str | None) -> str | None:
    """The cells past a row's header (joined by commas, as the reader keeps them), each masked."""
    if joined is None:
        return None
    return ",".join(mask_cell(c) or "" for c in joined.split(","))


_DATE_LIKE = re.compile(r"\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")


def looks_like_data(cell: str) -> bool:
    """A date, a phone or ID number, a long digit run: no header looks like this, a data row does."""
    return bool(_DATE_LIKE.search(cell) or _PHONE_IN_TEXT.search(cell) or _ID_IN_TEXT.search(cell)
                or _LONG_DIGITS.search(cell))  # fmt: skip


def header_row_text(row: Iterable[str], known: Iterable[str] = (), most: int = 30, longest: int = 20) -> str:
    """A row found where the header should be, for a message: '、'-joined, at most ``most`` names of at
    most ``longest`` characters. When the row holds a date or a number it is a data row (a headerless
    export puts a caller's name and phone here): then only the ``known`` header names are quoted as
    they are, every other cell is masked (:func:`mask_cell`)."""
    names = [str(h).strip() for h in row if h is not None and str(h).strip()]
    data_row = any(looks_like_data(n) for n in names)
    known_set = set(known)
    if data_row:
        names = [n if n in known_set else mask_cell(n) or "" for n in names]
    shown = [n if len(n) <= longest else n[:longest] + "…" for n in names[:most]]
    more = f"……（共 {len(names)} 列）" if len(names) > most else ""
    return "、".join(shown) + more if shown else "（无）"


def row_is_data(row: Iterable[str]) -> bool:
    return any(looks_like_data(str(c).strip()) for c in row if c is not None)


# Messages written before personal data was kept out of them (load_log, raw_cell_warnings):
_OLD_EXTRA = re.compile(r"(表头以外的单元格「)(.*?)(」)")
_OLD_HEADERS = re.compile(r"(的表头为：)(.*?)(。必需的列)")


def mask_message(text: str | None) -> str | None:
    """A stored message for a viewer without unmasked access: quoted extra cells and a data row quoted
    as a header (messages of older loads) masked cell by cell, then numbers as :func:`mask_text` does."""
    if text is None:
        return None
    out = _OLD_EXTRA.sub(lambda m: m.group(1) + (mask_cells(m.group(2)) or "") + m.group(3), text)
    out = _OLD_HEADERS.sub(lambda m: m.group(1) + _masked_header_list(m.group(2)) + m.group(3), out)
    return mask_text(out)


def _masked_header_list(listed: str) -> str:
    cells = listed.split("、")
    return "、".join(mask_cell(c) or "" for c in cells) if row_is_data(cells) else listed
