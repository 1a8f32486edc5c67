"""Masking of personal data for every role but admin (SPEC §2: names, phones, content).

Masks keep just enough to recognise a record in a meeting (the surname, the first three and last
four digits of a phone) and nothing that identifies the caller. Free text is masked by pattern:
phone numbers, ID-card numbers and the caller's own name wherever they occur.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

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


def mask_record(raw_json: str, name_headers: Iterable[str], phone_headers: Iterable[str]) -> str:
    """A quarantined row (JSON, source header -> cell text) with its personal data masked: the name
    and phone columns by their masks, every other cell by :func:`mask_text` (content holds phones)."""
    try:
        record = json.loads(raw_json)
    except (TypeError, ValueError):
        return mask_text(str(raw_json)) or ""
    if not isinstance(record, dict):
        return mask_text(str(raw_json)) or ""
    name_set, phone_set = set(name_headers), set(phone_headers)
    names = [str(v) for k, v in record.items() if k in name_set and v]
    masked = {}
    for key, value in record.items():
        if value is None:
            masked[key] = None
        elif key in name_set:
            masked[key] = mask_name(str(value))
        elif key in phone_set:
            masked[key] = mask_phone(str(value))
        else:
            masked[key] = mask_text(str(value), names)
    return json.dumps(masked, ensure_ascii=False)
