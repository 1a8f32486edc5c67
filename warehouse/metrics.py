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
import re
from pathlib import Path
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

SQL_DIR = Path(__file__).parent / "sql"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
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


_GRAINS = {"day": "day", "month": "month"}


def read_sql(name: str, level: Level | None = None, grain: str | None = None, date_col: str | None = None) -> str:
    """The statement in ``sql/<name>.sql`` without comment lines. Templates get identifiers only
    from allow-lists (the registry's levels, the two grains), never from user input."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    if level is None:
        return text
    names = dict(level.sql_identifiers())
    if grain is not None:
        names.update(grain=_GRAINS[grain], date_col=_GRAINS[date_col or grain])
    return text.format(**names)


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> None:
    """Execute with exactly the bound parameters the statement names (DuckDB rejects extras)."""
    used = set(_PARAM.findall(sql))
    con.execute(sql, {k: v for k, v in (params or {}).items() if k in used})


def create_table(
    con: duckdb.DuckDBPyConnection, table: str, select: str, params: dict[str, Any] | None = None, temp: bool = False
) -> None:
    """``table`` (re)made from a SELECT: every model in sql/ is one SELECT and its caller decides whether it
    becomes a table, a temp table or rows inserted (``table`` is always a fixed name from this package)."""
    run_sql(con, f"CREATE OR REPLACE {'TEMP ' if temp else ''}TABLE {table} AS\n{select}", params)


STAGING_DDL = SQL_DIR / "stg_incoming.sql"


def prepare_staging(con: duckdb.DuckDBPyConnection, on_disk: bool = False) -> None:
    """The objects a load and a refresh work with: the table ``stg_incoming`` (the snapshots a load
    stages: a temp table, or with ``on_disk`` one in the load's private copy, dropped by the refresh;
    kept as it is when it exists) and the temp views ``stg_held`` (the snapshot columns of
    fct_work_orders; empty before the first build) and ``stg_current`` (the latest snapshot of every
    order: staged, else held)."""
    if not _staging(con):
        con.execute(STAGING_DDL.read_text(encoding="utf-8").format(kind="" if on_disk else "TEMP"))
    cols = ", ".join(_stg_columns(con))
    if not _has_table(con, "fct_work_orders"):  # before the first build everything is staged
        con.execute(f"CREATE OR REPLACE TEMP VIEW stg_held AS SELECT {cols} FROM stg_incoming WHERE FALSE")
        con.execute(f"CREATE OR REPLACE TEMP VIEW stg_current AS SELECT {cols} FROM stg_incoming")
        return
    held = _held_columns(con)
    con.execute(f"CREATE OR REPLACE TEMP VIEW stg_held AS SELECT {held} FROM fct_work_orders")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW stg_current AS SELECT {cols} FROM stg_incoming "
        f"UNION ALL SELECT {cols} FROM stg_held WHERE order_id NOT IN (SELECT order_id FROM stg_incoming)"
    )


def _held_columns(con: duckdb.DuckDBPyConnection) -> str:
    """The snapshot columns as the fact table holds them; a column the staging table gained since the fact
    table was written (a warehouse of an earlier version, rebuilt in full by this load) reads as NULL."""
    have = {
        r[0]
        for r in con.sql(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'fct_work_orders' AND schema_name = 'main' "
            "AND database_name = current_database()"
        ).fetchall()
    }
    types = dict(
        con.sql(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'stg_incoming' "
            "AND schema_name = 'main' AND database_name IN ('temp', current_database())"
        ).fetchall()
    )
    return ", ".join(c if c in have else f"NULL::{types[c]} AS {c}" for c in _stg_columns(con))


def _staging(con: duckdb.DuckDBPyConnection) -> str | None:
    """'temp' or 'main': where the staging table is, None when there is none."""
    if _has_table(con, "stg_incoming", database="temp"):
        return "temp"
    return "main" if _has_table(con, "stg_incoming") else None


def _stg_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.sql(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'stg_incoming' AND schema_name = 'main' "
        "AND database_name IN ('temp', current_database()) ORDER BY column_index"
    ).fetchall()
    return [r[0] for r in rows]


def _has_table(con: duckdb.DuckDBPyConnection, name: str, database: str | None = None) -> bool:
    """Is there a table ``name`` in the main schema of ``database`` (default: the warehouse file)?"""
    sql = (
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = coalesce(?, current_database()) "
        "AND schema_name = 'main' AND table_name = ?"
    )
    return bool(con.execute(sql, [database, name]).fetchall()[0][0])


def rebuild(con: duckdb.DuckDBPyConnection, settings: Settings | None = None, reopening: tuple[str, ...] = ()) -> None:
    """(Re)build dim_calendar, fct_work_orders, dim_units and every met_* table from every order's latest
    snapshot, and record in ``meta`` the as-of time and the settings used (the report must carry both).
    Refused when the settings change the rules of a published month, but those in ``reopening``."""
    _build(con, settings or load_settings(), None, reopening)


def refresh(con: duckdb.DuckDBPyConnection, first_load_id: int, settings: Settings | None = None) -> str:
    """Bring the derived tables up to date after a load that staged its snapshots in ``stg_incoming``
    (their ``load_id >= first_load_id``).

    Incremental when the warehouse was built before under the same settings and layout, else a full
    rebuild; returns which ('incremental' or 'full'). Either way the result equals :func:`rebuild`.
    """
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
    prepare_staging(con)
    (start, end), (as_of, as_of_source) = _span_and_as_of(con, settings)
    before = _previous_build(con)
    fallback_years = build_calendar(con, start, end)
    params = _rule_params(settings, as_of)
    old_as_of = before.get("as_of")
    incremental = (
        first_load_id is not None
        and before.get("metrics_schema") == SCHEMA_VERSION
        and before.get("build_fingerprint") == settings.build_fingerprint()
        and old_as_of is not None
        and as_of is not None
        # a year that was Monday-Friday before and is statutory now moves derived due dates
        and set(_years(before.get("calendar_fallback_years"))) <= set(fallback_years)
    )
    con.execute("CREATE OR REPLACE TEMP TABLE met_scope_days (day DATE)")
    create_table(
        con, "redo_roots", read_sql("redo_roots"), temp=True
    )  # the export's redo links, resolved to each chain's first order
    if incremental:
        lo, hi = sorted((dt.datetime.fromisoformat(old_as_of), as_of))
        seeds = {"first_load_id": first_load_id, "as_of_lo": lo, "as_of_hi": hi}
        create_table(con, "fct_scope", read_sql("fct_scope"), seeds, temp=True)
        run_sql(con, "INSERT INTO met_scope_days " + read_sql("met_scope_days"))  # the days the old rows counted on
        # the snapshots to write and their repeat groups, taken before the old fct rows go
        con.execute(
            "CREATE OR REPLACE TEMP TABLE fct_source AS "
            "SELECT * FROM stg_current WHERE order_id IN (SELECT order_id FROM fct_scope)"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE fct_repeat_source AS SELECT * FROM stg_current "
            "WHERE (citizen_phone_hash, NULLIF(trim(category_l2), '')) IN "
            "(SELECT (citizen_phone_hash, NULLIF(trim(category_l2), '')) FROM fct_source)"
        )
        # the redos of the chains whose first order is written (fct_scope holds whole chains and groups)
        con.execute(
            "CREATE OR REPLACE TEMP VIEW fct_chain_source AS SELECT * FROM fct_source UNION ALL "
            "SELECT * FROM fct_repeat_source WHERE order_id NOT IN (SELECT order_id FROM fct_source)"
        )
        con.execute("DELETE FROM fct_work_orders WHERE order_id IN (SELECT order_id FROM fct_scope)")
        run_sql(con, "INSERT INTO fct_work_orders BY NAME " + _fct_sql(settings), params)
        run_sql(con, "INSERT INTO met_scope_days " + read_sql("met_scope_days"))  # and the days the new rows count on
    else:
        con.execute("CREATE OR REPLACE TEMP VIEW fct_source AS SELECT * FROM stg_current")
        con.execute("CREATE OR REPLACE TEMP VIEW fct_repeat_source AS SELECT * FROM stg_current")
        con.execute("CREATE OR REPLACE TEMP VIEW fct_chain_source AS SELECT * FROM stg_current")
        # a new table beside the old one (the source reads the old), then swapped in under its name
        run_sql(con, "CREATE OR REPLACE TABLE fct_work_orders__new AS " + _fct_sql(settings), params)
        con.execute(
            "DROP VIEW IF EXISTS temp.fct_chain_source; DROP VIEW IF EXISTS temp.fct_source; "
            "DROP VIEW IF EXISTS temp.fct_repeat_source"
        )
        con.execute("DROP TABLE IF EXISTS fct_work_orders")
        con.execute("ALTER TABLE fct_work_orders__new RENAME TO fct_work_orders")
        con.execute("INSERT INTO met_scope_days SELECT cal_date FROM dim_calendar")
    columns = _stg_columns(con)
    # every staged snapshot is in the fact table now
    con.execute("DELETE FROM stg_incoming" if _staging(con) == "temp" else "DROP TABLE stg_incoming")
    _snapshot_view(con, columns)
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
    for name in ("fct_scope", "fct_source", "fct_repeat_source", "met_scope_days", "met_scope_months",
                 "met_day_dispatched", "met_day_received", "redo_roots"):  # fmt: skip
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")
    prepare_staging(con)  # stg_held and stg_current now read the new fact table
    return "incremental" if incremental else "full"


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


def _fct_sql(settings: Settings) -> str:
    """fct_work_orders.sql with one is_<x>_measurable column per registry *_measurable_count: the order's
    source file carries all (or, for some, any) of its input fields, or a proxy's. The tests run once per
    loaded file (src_flags: they depend only on the file; per order they were a large part of a load); an
    order of no recorded file gets TRUE. The field lists are bound parameters; so are the reply
    classifier's patterns (``{reply_class}``, warehouse.replies)."""
    flags, columns = [], []
    for m in MEASURABLE:
        test = "list_has_any" if m.any_input else "list_has_all"
        flag = f"{test}(fields, ${m.fct_flag}_inputs::VARCHAR[])"
        if m.proxy:
            flag += f" OR list_has_all(fields, ${METRIC_BY_KEY[m.proxy].fct_flag}_inputs::VARCHAR[])"
        flags.append(f"{flag} AS {m.fct_flag}")
        columns.append(f"coalesce(sf.{m.fct_flag}, TRUE) AS {m.fct_flag}")
    case, _ = sql_case(read_rules(settings.reply_rules_file), "rw.reply")
    sql = read_sql("fct_work_orders").replace("{measurable_flags}", ",\n        ".join(flags))
    return sql.replace("{measurable_columns}", ",\n        ".join(columns)).replace("{reply_class}", case)


def _snapshot_view(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    """``stg_work_orders``: the typed snapshot of every loaded order, the snapshot columns of the fact
    table (a warehouse written before schema 3 held them in a table of that name, dropped here)."""
    if _has_table(con, "stg_work_orders"):
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
