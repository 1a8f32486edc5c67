"""Which canonical fields a loaded file carries, and how many of its loaded rows carry each (``load_fields``).

Measurability is data: a rate whose inputs no file of a unit-period carries is "not available", and
each fact row says whether its file carries the inputs of each figure (warehouse.snapshots.fct_sql
reads ``load_fields``). A load writes a file's fact rows while it reads the file, before the counts
are known, so the file's fields are recorded first as its mapping promises them (a mapped column, a
profile constant: carried), counted as the slices come, and corrected when the file is read. Only a
file whose mapped column turns out empty in every loaded row has its fact rows written again (rare:
a whole column left blank by the export).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from etl.checking import Settled
from etl.mapping import ROW
from warehouse import parts
from warehouse.fields import FIELDS, PII, TEXT
from warehouse.snapshots import SOURCE, SnapshotWriter, snapshot_columns

if TYPE_CHECKING:
    from etl.load import Prepared

# per canonical field, the column of a checked row that holds its value (the typed one where there is one)
COLUMNS = {spec.name: spec.name if spec.kind in (TEXT, PII) else f"{spec.name}__v" for spec in FIELDS}


class FileFields:
    """Counts one file's values per field; ``settle`` writes them (see the module)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, prep: Prepared, params: dict) -> None:
        self.con, self.params = con, params
        self.sources = _sources(prep)
        self.carried = dict.fromkeys(COLUMNS, 0)
        self._write({name: int(source is not None) for name, source in self.sources.items()})

    def count(self, good: pl.DataFrame, sign: int = 1) -> None:
        """Add (``sign`` -1: take back) the values of ``good`` (checked rows) per field."""
        if not good.height:
            return
        row = good.select(pl.col(c).count().alias(name) for name, c in COLUMNS.items()).row(0, named=True)
        for name, n in row.items():
            self.carried[name] += sign * int(n)

    def settle(self, settled: Settled, quarantined: pl.DataFrame, facts: SnapshotWriter) -> None:
        """The file is read: take back the withdrawn rows that were good in their slice (a row not
        quarantined there was good), add the settled repeats' good rows, record the counts, and write
        the file's fact rows again if a field promised by the mapping turned out empty."""
        if settled.again is not None:
            bad = quarantined["source_row"].implode()
            self.count(settled.again.filter(~pl.col(ROW).is_in(bad)), -1)
        self.count(settled.checked.good)
        promised = {name for name, source in self.sources.items() if source is not None}
        self._write(self.carried)
        if promised != {name for name, n in self.carried.items() if n > 0}:
            _rewrite_facts(self.con, self.params["load_id"], facts)

    def _write(self, counts: dict[str, int]) -> None:
        load_id, name = self.params["load_id"], self.params["source_file"]
        self.con.execute("DELETE FROM load_fields WHERE load_id = ?", [load_id])
        rows = [(load_id, name, field, self.sources[field], counts[field]) for field in COLUMNS]
        self.con.executemany("INSERT INTO load_fields VALUES (?, ?, ?, ?, ?)", rows)


def _sources(prep: Prepared) -> dict[str, str | None]:
    """Where each canonical field comes from: its source headers (JSON), '(constant)', or None."""
    mapped = prep.cmap.as_dict()
    out: dict[str, str | None] = {}
    for name in COLUMNS:
        source = json.dumps(mapped[name], ensure_ascii=False) if name in mapped else None
        if source is None and name.startswith("category_l") and "category_path" in mapped:
            source = json.dumps(mapped["category_path"], ensure_ascii=False)
        if source is None and name in prep.profile.constants:
            source = "(constant)"
        out[name] = source
    return out


def _rewrite_facts(con: duckdb.DuckDBPyConnection, load_id: int, facts: SnapshotWriter) -> None:
    """The file's fact rows written again from their own snapshot columns, now that load_fields is final."""
    table = f"{parts.target(con)}.main.fct_work_orders"
    cols = ", ".join(snapshot_columns(con))
    con.execute(f"CREATE OR REPLACE TEMP TABLE fct_redo AS SELECT {cols} FROM {table} WHERE load_id = ?", [load_id])
    con.execute(f"DELETE FROM {table} WHERE load_id = ?", [load_id])
    con.execute(f"CREATE OR REPLACE TEMP VIEW {SOURCE} AS SELECT * FROM temp.fct_redo")
    facts.write("raw_work_orders")  # the file's earlier versions of its orders are retired by now
    con.execute(f"DROP VIEW temp.{SOURCE}; DROP TABLE temp.fct_redo")
