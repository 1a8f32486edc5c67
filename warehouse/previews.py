"""What an upload's preview may show to whom (the data page's mapping editor), decided here like every
other order-level view (warehouse.access): the preview's sample rows, value listings and file notes
come straight from an export that is not loaded yet, so they get the quarantine's rules: analysts and
admins only, personal data masked for every role but admin.
"""

from __future__ import annotations

import json

import polars as pl

from warehouse.access import Viewer
from warehouse.masking import mask_message, mask_text
from warehouse.quality import mask_quarantine_record


def preview_samples(frame: pl.DataFrame, column_map: dict[str, list[str]], viewer: Viewer) -> pl.DataFrame:
    """The sample quarantined rows (``raw_record`` JSON, ``reason``) as the quarantine shows them."""
    viewer.require_quarantine()
    if viewer.sees_unmasked or frame.is_empty():
        return frame
    cmap = json.dumps(column_map, ensure_ascii=False)
    masked = [mask_quarantine_record(raw, reason, cmap) for raw, reason in zip(frame["raw_record"], frame["reason"],
                                                                               strict=True)]  # fmt: skip
    return frame.with_columns(
        pl.Series("raw_record", [m[0] for m in masked], dtype=pl.String),
        pl.Series("reason", [m[1] for m in masked], dtype=pl.String),
    )


def preview_values(values: pl.Series, viewer: Viewer, field: str | None = None) -> pl.Series:
    """A mapped column's distinct values: numbers that look like phones or ID cards masked for all but
    admin (a column mapped by mistake can hold them), except order ids, which the quarantine shows in
    clear too. Personal-data columns are never listed at all (etl.profile_preview)."""
    viewer.require_quarantine()
    if viewer.sees_unmasked or field == "order_id":
        return values
    return pl.Series(values.name, [mask_text(v) for v in values.to_list()], dtype=pl.String)


def preview_messages(messages: list[str] | tuple[str, ...], viewer: Viewer) -> list[str]:
    """File notes and the rejection message (they can quote cells) as load messages are shown."""
    viewer.require_quarantine()
    return list(messages) if viewer.sees_unmasked else [mask_message(m) or "" for m in messages]
