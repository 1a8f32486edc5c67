"""Build everything derived from the loaded orders: calendar, facts, units, metric tables.

Each order is written to disk once, as its row of ``fct_work_orders`` (typed snapshot plus every
assessment flag); ``stg_work_orders`` is a view of the snapshot columns of that table. A load stages
the new snapshots in the connection's temp table ``stg_incoming``; the loader then calls
:func:`refresh` inside its write transaction, which moves them into the fact table, so the metric
tables always describe exactly the orders that are loaded. Grain: ``met_<level>_day`` holds
counts only (the partition an incremental load rewrites, and the base of any date-range ranking);
``met_<level>_month`` sums it and adds the rates and the score.

A refresh is incremental when it can be: only the fct rows of the orders the load wrote, of the
open orders whose as-of flags flip, and of the orders right after those in their repeat groups are
rewritten (fct_scope.sql), and only the day and month rows of the days those orders count on
(before and after) are recomputed. The
same SQL files serve the full build and the increment (they read a scope), so there is one formula.
Anything that could change other rows — other settings, another layout of the derived tables, a
calendar year that became statutory — makes it a full rebuild.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import duckdb
import polars as pl

from warehouse.calendar import build_calendar
from warehouse.limits import limit_params, read_limits
from warehouse.metric_defs import Metric
from warehouse.published import LIVE, PUBLISHED, monthly_rows
from warehouse.published_rules import check_rules
from warehouse.registry import ALL_LEVELS, MEASURABLE, METRIC_BY_KEY, METRICS, Level, table_level
from warehouse.replies import read_rules, sql_case
from warehouse.settings import APPEAL_TYPES, Settings, load_settings
from warehouse.snapshots import (
    SnapshotWriter,
    ensure_facts,
    fct_sql,
    has_facts,
    has_table,
    prepare_staging,
    rebuild_facts,
    settle_facts,
    snapshot_columns,
)
from warehouse.sqlfiles import SQL_DIR, create_table, read_sql, reporting, run_sql  # noqa: F401 (SQL_DIR: used by others)

META_KEYS = (
    "as_of",
    "as_of_source",
    "calendar_fallback_years",
    "settings_json",
    "settings_fingerprint",
    "build_fingerprint",
    "metrics_built_at",
)
# The layout of the derived tables; a warehouse built under another one gets a full rebuild.
# 3: stg is a view of fct; 4: measurability, counts-only months; 5: met_department_county_*; 6: exclusions, redo
# chains, extensions, the limits catalogue, overdue ages and reply classes (issue 20)
SCHEMA_VERSION = "6"
DERIVED_TABLES = (
    "fct_work_orders",
    "dim_units",
    *(f"met_{lv.name}_{g}" for lv in ALL_LEVELS for g in ("day", "month")),
)


def snapshot_writer(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> SnapshotWriter:
    """What a load writes its slices' fact rows with (warehouse.snapshots), under ``settings``."""
    return SnapshotWriter(con, _rule_params(settings or load_settings(), None), fct_sql(settings or load_settings()))


def rebuild(con: duckdb.DuckDBPyConnection, settings: Settings | None = None, reopening: tuple[str, ...] = ()) -> None:
    """(Re)build dim_calendar, fct_work_orders, dim_units and every met_* table from every order's latest
    snapshot, and record in ``meta`` the as-of time and the settings used (the report must carry both).
    Refused when the settings change the rules of a published month, but those in ``reopening``."""
    _build(con, settings or load_settings(), None, reopening)


def refresh(
    con: duckdb.DuckDBPyConnection,
    first_load_id: int,
    settings: Settings | None = None,
    step: Callable[..., None] | None = None,
) -> str:
    """Bring the derived tables up to date after a load that staged its snapshots in ``stg_incoming``
    (their ``load_id >= first_load_id``).

    Incremental when the warehouse was built before under the same settings and layout, else a full
    rebuild; returns which ('incremental' or 'full'). Either way the result equals :func:`rebuild`.
    ``step(name, seconds, cpu_seconds)`` hears the time of every statement (the load's stage timings).
    """
    with reporting(step):
        return _build(con, settings or load_settings(), first_load_id)


def _build(
    con: duckdb.DuckDBPyConnection, settings: Settings, first_load_id: int | None, reopening: tuple[str, ...] = ()
) -> str:
    check_rules(con, settings, reopening)  # a published month's rules are fixed by its record
    # Every reader orders explicitly; without insertion order DuckDB writes the big tables in parallel.
    (ordered,) = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0]
    con.execute("SET preserve_insertion_order = false")
    try:
        return _build_tables(con, settings, first_load_id)
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if str(ordered).lower() == 'true' else 'false'}")


def _build_tables(con: duckdb.DuckDBPyConnection, settings: Settings, first_load_id: int | None) -> str:
    ensure_facts(con, _rule_params(settings, None), fct_sql(settings))
    prepare_staging(con, first_load_id)
    (start, end), (as_of, as_of_source) = _span_and_as_of(con, settings)
    before = _previous_build(con)
    fallback_years = build_calendar(con, start, end)
    params = _rule_params(settings, as_of)
    mode = _mode(con, before, settings, first_load_id, as_of, fallback_years)
    con.execute("CREATE OR REPLACE TEMP TABLE met_scope_days (day DATE)")
    # the export's redo links, resolved to each chain's first order
    create_table(con, "redo_roots", read_sql("redo_roots"), temp=True)
    if mode == "full":
        rebuild_facts(con, params, settings)
    else:
        old_as_of = before.get("as_of") if mode == "incremental" else None
        window = sorted((dt.datetime.fromisoformat(old_as_of), as_of)) if old_as_of and as_of else None
        settle_facts(con, params, settings, first_load_id or 0, window)
    incremental = mode == "incremental"
    _snapshot_view(con, snapshot_columns(con))
    _build_metric_tables(con, params, incremental)
    scope = _scope_note(con, incremental)
    groups = settings.unit_groups()
    create_table(
        con,
        "dim_units",
        read_sql("dim_units"),
        {
            "departments": list(groups),
            "groups": list(groups.values()),
            "default_group": settings.default_group,
        },
    )
    _write_meta(
        con,
        {
            "as_of": as_of.isoformat(sep=" ") if as_of else None,
            "as_of_source": as_of_source,
            "calendar_fallback_years": ",".join(str(y) for y in fallback_years),
            "settings_json": json.dumps(settings.to_dict(), ensure_ascii=False, sort_keys=True),
            "settings_fingerprint": settings.fingerprint(),
            "build_fingerprint": settings.build_fingerprint(),
            "metrics_built_at": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
            "metrics_schema": SCHEMA_VERSION,
            "metrics_refresh": "incremental" if incremental else "full",
            "metrics_refresh_scope": scope,
        },
    )
    con.execute("DROP VIEW IF EXISTS temp.fct_chain_source")
    for name in ("fct_scope", "fct_provisional", "fct_rewrite", "fct_new_ids", "fct_source", "fct_repeat_source",
                 "met_scope_days", "met_scope_months", "met_day_dispatched", "met_day_received",
                 "redo_roots"):  # fmt: skip
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")
    prepare_staging(con)  # stg_held and stg_current now read the whole fact table
    return "incremental" if incremental else "full"


def _mode(
    con: duckdb.DuckDBPyConnection,
    before: dict[str, str | None],
    settings: Settings,
    first_load_id: int | None,
    as_of: dt.datetime | None,
    fallback_years: list[int],
) -> str:
    """How the fact rows are brought up to date: 'incremental' (the load's own rows settled, the rows
    they touch rewritten, the metrics of their days recomputed), 'first' (the same for a warehouse
    holding only this load's rows; every metric computed), or 'full' (every fact row rewritten from its
    snapshot: a rebuild, other settings, another table layout, a calendar year that turned statutory)."""
    if first_load_id is None:
        return "full"
    if (
        before.get("metrics_schema") == SCHEMA_VERSION
        and before.get("build_fingerprint") == settings.build_fingerprint()
        and before.get("as_of") is not None
        and as_of is not None
        # a year that was Monday-Friday before and is statutory now moves derived due dates
        and set(_years(before.get("calendar_fallback_years"))) <= set(fallback_years)
    ):
        return "incremental"
    held = con.execute("SELECT count(*) FROM stg_held").fetchall()[0][0]
    return "first" if held == 0 else "full"


def count_column(m: Metric) -> str:
    """One registry count as a SELECT column over fct_work_orders: the orders its ``where`` selects (a
    weighted count sums the per-order weight of those orders)."""
    if m.unit == "weighted_count":
        weight = m.key.removesuffix("ed")  # resolved_weighted -> resolved_weight
        return f"coalesce(sum({weight}) FILTER (WHERE {m.where}), 0)::DOUBLE AS {m.key}"
    return f"count(*) FILTER (WHERE {m.where}) AS {m.key}"


def count_columns(basis: str) -> str:
    """The registry's counts of one date basis as SELECT columns (:func:`count_column`)."""
    return ",\n    ".join(
        count_column(m) for m in METRICS if m.where is not None and not m.is_rate and m.date_basis == basis
    )


def rated_count_columns(*keys: str) -> str:
    """SELECT columns (:func:`count_column`) of every registry count ``warehouse.scoring.rate_row`` needs
    for ``keys`` at any grain: the counts named, what their figures require, and the bases those
    requirements are measured against. For tables that rate per category as the league table rates per unit."""
    needs = [n for k in keys for n in METRIC_BY_KEY[k].needs if n]
    bases = [METRIC_BY_KEY[n].base for n in needs if METRIC_BY_KEY[n].base]
    inputs = dict.fromkeys([k for k in keys if not METRIC_BY_KEY[k].is_rate] + needs + bases)
    return ", ".join(count_column(METRIC_BY_KEY[k]) for k in inputs)


def _snapshot_view(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    """``stg_work_orders``: the typed snapshot of every loaded order, the snapshot columns of the fact
    table (a warehouse written before schema 3 held them in a table of that name, dropped here)."""
    if has_table(con, "stg_work_orders"):
        con.execute("DROP TABLE stg_work_orders")
    con.execute(f"CREATE OR REPLACE VIEW stg_work_orders AS SELECT {', '.join(columns)} FROM fct_work_orders")


def _build_metric_tables(con: duckdb.DuckDBPyConnection, params: dict[str, Any], incremental: bool) -> None:
    """Day rows of the days in met_scope_days (one scan of fct for all levels), then their months."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE met_scope_months AS "
        "SELECT DISTINCT CAST(date_trunc('month', day) AS DATE) AS month FROM met_scope_days"
    )
    for basis in ("dispatched", "received"):
        select = read_sql(f"met_day_{basis}").replace("{counts}", count_columns(basis))
        create_table(con, f"met_day_{basis}", select, temp=True)
    for level in ALL_LEVELS:
        for grain, key, scope in (("day", "day", "met_scope_days"), ("month", "month", "met_scope_months")):
            table, body = f"met_{level.name}_{grain}", read_sql(f"met_level_{grain}", level)
            if incremental:
                con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {scope})")
                run_sql(con, f"INSERT INTO {table} BY NAME {body}", params)
            else:
                create_table(con, table, body, params)


def _scope_note(con: duckdb.DuckDBPyConnection, incremental: bool) -> str:
    """What the build recomputed, for the load history and the benchmark."""
    days, months = con.execute(
        "SELECT count(*), count(DISTINCT date_trunc('month', day)) FROM met_scope_days"
    ).fetchall()[0]
    orders = con.execute(
        "SELECT count(*) FROM fct_scope" if incremental else "SELECT count(*) FROM fct_work_orders"
    ).fetchall()[0][0]
    if not incremental:
        return f"full: {orders} orders"
    return f"incremental: {orders} orders, {days} days in {months} months"


def _previous_build(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """What the last build recorded, or {} when some derived table is missing (then: a full build)."""
    present = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'"
        ).fetchall()
    }
    if has_facts(con):  # a table of the head, or the view over the parts
        present.add("fct_work_orders")
    if not set(DERIVED_TABLES) <= present:
        return {}
    rows = con.execute("SELECT key, value FROM meta").fetchall()
    return {key: value for key, value in rows}


def _years(text: str | None) -> list[int]:
    return [int(y) for y in (text or "").split(",") if y]


def fetch_build_info(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """What the last rebuild recorded: as-of time and its source, calendar fallback years, settings."""
    rows = con.sql(
        "SELECT key, value FROM meta WHERE list_contains($keys, key)", params={"keys": list(META_KEYS)}
    ).fetchall()
    return {key: value for key, value in rows}


def fetch_as_of(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    value = fetch_build_info(con).get("as_of")
    return dt.datetime.fromisoformat(value) if value else None


def fetch_monthly(
    con: duckdb.DuckDBPyConnection,
    level: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    unit: str | None = None,
    county: str | None = None,
    settings: Settings | None = None,
    live: bool = False,
) -> pl.DataFrame:
    """Rows of ``met_<level>_month`` (level may be 'city' or 'department_county') for trends: optionally one
    unit (a township, or a department within a county, with its county), months from ``start`` to ``end``
    inclusive; every rate and the score computed from the counts by ``warehouse.scoring`` under the rules in
    force for each month (the tables hold counts). A unit's row of a published month is its published row
    (``figures`` says which), unless ``live`` (a department within a county is never published: live)."""
    from warehouse.scoring import rules_in_force, with_rates

    settings = settings or load_settings()
    lvl = table_level(level)
    clauses, params = ["month BETWEEN $start AND $end"], {"start": start or dt.date.min, "end": end or dt.date.max}
    if unit is not None and lvl.unit_col is not None:
        clauses.append(f"{lvl.unit_col} = $unit")
        params["unit"] = unit
    if county is not None and "county" in lvl.keys[:-1]:  # a township or a department within its county
        clauses.append("county = $county")
        params["county"] = county
    order = ", ".join((*lvl.keys, "month"))
    sql = f"SELECT * FROM met_{lvl.name}_month WHERE {' AND '.join(clauses)} ORDER BY {order}"
    frame = with_rates(con.sql(sql, params=params).pl(), lambda month: rules_in_force(settings, month))
    return frame.with_columns(figures=pl.lit(LIVE)) if live else _with_published(con, frame, lvl)


def _with_published(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, lvl: Level) -> pl.DataFrame:
    """Each row of a published month replaced by the unit's published row (its figures and counts)."""
    frozen = monthly_rows(con, lvl.name, frame["month"].to_list()) if not frame.is_empty() else {}
    if not frozen:
        return frame.with_columns(figures=pl.lit(LIVE))
    rows = []
    for row in frame.iter_rows(named=True):
        pub = frozen.get((row["month"], tuple(row[k] for k in lvl.keys)))
        rows.append({**row, **{c: pub[c] for c in frame.columns if c in pub}, "figures": PUBLISHED} if pub
                    else {**row, "figures": LIVE})  # fmt: skip
    return pl.DataFrame(rows, schema={**frame.schema, "figures": pl.String}, orient="row")


def _span_and_as_of(
    con: duckdb.DuckDBPyConnection, settings: Settings
) -> tuple[tuple[dt.date, dt.date], tuple[dt.datetime | None, str]]:
    """(first and last day of receipt or dispatch, for the calendar) and the as-of time with its
    source, in one scan of the current snapshots. The as-of time is the latest *event* timestamp (never
    a deadline: a due date in the future has not happened) unless the settings pin it."""
    lo, hi, latest = con.sql(
        "SELECT min(least(received_at, dispatched_at))::DATE, max(greatest(received_at, dispatched_at))::DATE, "
        "max(greatest(received_at, dispatched_at, responded_at, closed_at, callback_at)) FROM stg_current"
    ).fetchall()[0]
    today = dt.date.today()
    as_of = (settings.as_of, "pinned") if settings.as_of is not None else (latest, "data")
    return ((lo or today), (hi or today)), as_of


def _rule_params(settings: Settings, as_of: dt.datetime | None) -> dict[str, Any]:
    """The build-time rules of every rule set, as parallel lists (one entry per rule set, with the months it
    covers), so each order is built under the rules of its own assessment month (warehouse.rule_sets)."""
    sets = (settings, *settings.rule_sets)
    starts = [r.effective_from or dt.date(1, 1, 1) for r in sets]
    return {
        **{f"{m.fct_flag}_inputs": list(m.inputs) for m in MEASURABLE},
        **{f"{m.fct_flag}_own": list(m.own_column) for m in MEASURABLE if m.own_column},
        "rs_id": list(range(len(sets))),
        "rs_from": starts,
        "rs_until": [*starts[1:], dt.date(9999, 12, 31)],
        "rs_urgent_limit_s": [r.response_limit_seconds("紧急") for r in sets],
        "rs_normal_limit_s": [r.response_limit_seconds("一般") for r in sets],
        "rs_urgent_due_s": [round(r.urgent_due_hours * 3600) for r in sets],
        "rs_default_workdays": [r.due_workdays_default for r in sets],
        "rs_partial_weight": [r.partial_resolution_weight for r in sets],
        "rs_basic_weight": [r.basic_satisfaction_weight for r in sets],
        "rs_repeat_window_days": [r.repeat_window_days for r in sets],
        "rule_set_ids": [i for i in range(len(sets)) for _ in APPEAL_TYPES],
        "rule_types": list(APPEAL_TYPES) * len(sets),
        "rule_workdays": [r.due_workdays(t) for r in sets for t in APPEAL_TYPES],
        "as_of": as_of,
        # issue 20: site-wide, the same for every rule set (not in RULE_KEYS)
        "satisfaction_basis": settings.satisfaction_basis,
        **limit_params(read_limits(settings.time_limits_file)),
        **sql_case(read_rules(settings.reply_rules_file), "rw.reply")[1],
    }


def _write_meta(con: duckdb.DuckDBPyConnection, values: dict[str, str | None]) -> None:
    con.execute("DELETE FROM meta WHERE list_contains($keys, key)", {"keys": list(values)})
    con.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", list(values.items()))
