"""Publishing a month's assessment (定榜) and correcting it (申诉/更正), into ``warehouse.record``.

Publishing freezes, for one month: the league table of every level and group under every ranking basis
(score and each rate) — each row with its numerators, denominators, rates, intervals, score, rank, rank
change, lists and flags, exactly as ``fetch_ranking`` computed it —, the city's totals with their
comparison to the month before, the rule set in force for the month, the as-of time, and the month's
orders (ids, units, the fields and flags the figures depend on, a digest of each order) with their
fingerprint, plus who published it and when. A published month can only be changed by a correction: a new
version made from the live figures of the moment, with its reason; the old version stays.

The rules of a published month are fixed by its record: a settings file whose rules for that month differ
is refused by every load and rebuild (``warehouse.published_rules.check_rules``) until the month is re-opened,
which publishes the next version under the new rules.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from warehouse import audit, record
from warehouse.calendar import Period
from warehouse.connection import connect_read, writer
from warehouse.metrics import fetch_build_info, rebuild
from warehouse.published import BASIS_SUFFIX, encode
from warehouse.rankings import fetch_ranking, fetch_totals_with_previous
from warehouse.record import Entry, RecordError
from warehouse.registry import LEVELS, RANK_BY
from warehouse.scoring import rules_in_force
from warehouse.settings import Settings, load_settings

# the order fields the figures depend on, kept per order so a later change can be shown field by field
ORDER_FIELDS = (
    "county", "township", "department", "received_at", "dispatched_at", "urgency", "appeal_type", "category_l2",
    "responded_at", "due_at", "closed_at", "callback_at", "resolution", "satisfaction", "is_valid", "is_exempt",
    "return_count",
)  # fmt: skip
ORDER_FLAGS = (
    "is_assessed", "is_responded_on_time", "is_closed_on_time", "is_on_time_due", "is_overdue_open", "is_repeat",
    "is_returned",
)  # fmt: skip
# every typed snapshot column but the load's bookkeeping: what makes an order "changed"
_DIGEST_OF = (
    "order_id", "received_at", "channel", "appeal_type", "category_l1", "category_l2", "category_l3",
    "citizen_phone_hash", "county", "township", "department", "urgency", "dispatched_at", "responded_at", "due_at",
    "closed_at", "status", "return_count", "callback_at", "resolution", "satisfaction", "is_valid", "is_exempt",
)  # fmt: skip
MIN_REASON = 4


def order_snapshot(con: duckdb.DuckDBPyConnection, month: dt.date) -> pl.DataFrame:
    """The orders assessed in ``month`` (dispatched in it), one row each, sorted by id: their fields and flags
    and a digest of the whole typed snapshot (MD5 of the values in a fixed order; NULL written as \\N)."""
    digest = ", ".join(f"coalesce(CAST({c} AS VARCHAR), '\\N')" for c in _DIGEST_OF)  # names: a fixed tuple
    sql = (
        f"SELECT order_id, {', '.join(ORDER_FIELDS)}, {', '.join(ORDER_FLAGS)}, md5(concat_ws(chr(31), {digest})) "
        "AS digest FROM fct_work_orders WHERE assess_month = $month ORDER BY order_id"
    )
    return con.sql(sql, params={"month": month}).pl()


def orders_fingerprint(orders: pl.DataFrame) -> str:
    """SHA-256 over 'order_id:digest' lines in id order: the orders behind a version, in one value."""
    lines = "\n".join(f"{o}:{d}" for o, d in zip(orders["order_id"], orders["digest"], strict=True))
    return record.sha256(lines.encode("utf-8"))


def freeze(con: duckdb.DuckDBPyConnection, period: Period, settings: Settings) -> dict[str, Any]:
    """Everything a version keeps of ``period``'s assessment, computed live now, as plain values."""
    rules = rules_in_force(settings, period)
    info = fetch_build_info(con)
    doc: dict[str, Any] = {
        "month": f"{period.start:%Y-%m}",
        "as_of": info.get("as_of"),
        "as_of_source": info.get("as_of_source"),
        "settings_fingerprint": info.get("settings_fingerprint"),
        "rules": rules.rule_values(),
        "rules_from": f"{rules.effective_from:%Y-%m}" if rules.effective_from else None,
        "rule_note": rules.rule_note,
    }
    for basis, suffix in BASIS_SUFFIX.items():  # 环比 and 同比: the rank changes and the city's comparison
        doc["rankings" + suffix] = {
            level: {by: fetch_ranking(con, level, period, settings, by=by, basis=basis, live=True).to_dicts()
                    for by in RANK_BY.values()}
            for level in LEVELS
        }  # fmt: skip
        current, previous, comparison = fetch_totals_with_previous(con, period, settings, basis, live=True)
        doc["totals" + suffix] = {"current": current, "previous": previous, "comparison": comparison}
    return encode(doc)


def _version(
    con: duckdb.DuckDBPyConnection, period: Period, settings: Settings, fields: dict[str, Any], folder: Path
) -> Entry:
    """Freeze ``period`` now and append it to the record as the version ``fields`` describe."""
    doc = freeze(con, period, settings)
    orders = order_snapshot(con, period.start)
    buf = io.BytesIO()
    orders.write_parquet(buf)
    rules = rules_in_force(settings, period)
    incomplete = bool(doc["totals"]["comparison"].get("incomplete"))
    month, version = fields["month"], fields["version"]
    entry_fields = {
        **fields,
        "at": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
        "as_of": doc["as_of"],
        "rules": rules.rule_values(),
        "rules_fingerprint": record.sha256(record.canonical(rules.rule_values()))[:16],
        "orders": orders.height,
        "orders_fingerprint": orders_fingerprint(orders),
        "incomplete": incomplete,
    }
    files = {f"{month}.v{version}.json": record.canonical(doc), f"{month}.v{version}.orders.parquet": buf.getvalue()}
    return record.append(folder, entry_fields, files)


def _ready(con: duckdb.DuckDBPyConnection, period: Period, settings: Settings) -> None:
    """Refuse to freeze figures that are not the ones the settings and the data give."""
    info = fetch_build_info(con)
    if info.get("build_fingerprint") not in (None, settings.build_fingerprint()):
        raise RecordError(
            "设置文件在上次重建之后改过（时限、办理时限推算或重复诉求窗口等）：请先运行 python -m warehouse rebuild"
        )
    as_of = info.get("as_of")
    if as_of is None or dt.datetime.fromisoformat(as_of).date() < period.end:
        raise RecordError(f"数据只到 {as_of or '—'}，{period.label} 尚未结束，不能定榜")
    dispatched = con.sql(
        "SELECT coalesce(sum(dispatched_count), 0) FROM met_city_month WHERE month = $m", params={"m": period.start}
    ).fetchall()[0][0]
    if not dispatched:
        raise RecordError(f"{period.label} 没有派单工单，没有可定榜的考核结果")


def publish_month(
    db: str | os.PathLike[str] | None, month: str, user: str | None, role: str | None, settings: Settings | None = None
) -> Entry:
    """Publish ``month`` ('YYYY-MM') as version 1; refused when it is published already (correct it instead)."""
    period = Period.month(month)
    settings = settings or load_settings()
    folder = record.record_dir(db)
    held = record.versions(record.read_chain(folder), period.label)
    if held:
        raise RecordError(
            f"{period.label} 已于 {held[0].published_on:%Y-%m-%d} 定榜（现为第 {held[-1].version} 版）；"
            f"更正请用 python -m warehouse reopen --month {period.label} --reason …"
        )
    con = connect_read(db)
    try:
        _ready(con, period, settings)
        fields = {"month": period.label, "version": 1, "action": "publish", "user": user, "role": role, "reason": None}
        entry = _version(con, period, settings, fields, folder)
    finally:
        con.close()
    audit.record("publish", user, role, db, month=entry.month, version=1, orders=entry.orders)
    return entry


def reopen_months(
    db: str | os.PathLike[str] | None,
    months: list[str],
    reason: str,
    user: str | None,
    role: str | None,
    settings: Settings | None = None,
) -> list[Entry]:
    """Correct published months: each gets its next version from the live figures now, under the settings in
    force (rebuilding first when their build-time rules changed), with ``reason``. Never an overwrite."""
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise RecordError(f"更正须写明原因（至少 {MIN_REASON} 个字）/ a correction needs a reason")
    settings = settings or load_settings()
    folder = record.record_dir(db)
    held = record.latest(record.read_chain(folder))
    labels = sorted({Period.month(m).label for m in months})
    missing = [m for m in labels if m not in held]
    if missing:
        raise RecordError(f"{'、'.join(missing)} 尚未定榜，不需要重新打开：直接用 publish 定榜")
    con = connect_read(db)
    try:
        stale = fetch_build_info(con).get("build_fingerprint") != settings.build_fingerprint()
    finally:
        con.close()
    if stale:  # the new rules change how orders are built: rebuild, allowing these months only
        with writer(db) as wcon:
            rebuild(wcon, settings, reopening=tuple(labels))
    con = connect_read(db)
    out = []
    try:
        for month in labels:
            period = Period.month(month)
            _ready(con, period, settings)
            fields = {"month": month, "version": held[month].version + 1, "action": "correction", "user": user,
                      "role": role, "reason": reason}  # fmt: skip
            out.append(_version(con, period, settings, fields, folder))
    finally:
        con.close()
    for entry in out:
        audit.record("reopen", user, role, db, month=entry.month, version=entry.version, reason=reason)
    return out


__all__ = ["freeze", "order_snapshot", "publish_month", "reopen_months"]
