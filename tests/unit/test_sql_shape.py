"""One SQL shape for the models (warehouse/sql/*.sql): line 1 states the grain ("-- one row per …"), the
statement is one SELECT (or WITH … SELECT), and the caller decides whether it becomes a table, a temp
table or inserted rows (warehouse.metrics.create_table). The staging table's schema is the one DDL file."""

from __future__ import annotations

from pathlib import Path

import pytest

SQL = Path(__file__).resolve().parents[2] / "warehouse" / "sql"
DDL = {"stg_schema.sql", "raw_work_orders.sql"}  # tables' columns, like sql/ddl/: created empty, filled by the load
MODELS = sorted(p for p in SQL.glob("*.sql") if p.name not in DDL)


def test_there_are_models() -> None:
    assert len(MODELS) >= 10


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_a_model_is_one_select_with_its_grain_on_line_1(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("-- one row per "), f"{path.name}: say the grain on line 1"
    body = [line for line in lines if line.strip() and not line.lstrip().startswith("--")]
    assert body[0].split()[0].upper() in ("SELECT", "WITH"), f"{path.name} starts with {body[0]!r}"
    text = "\n".join(body).upper()
    for verb in ("CREATE ", "INSERT ", "DELETE ", "DROP ", "ALTER "):
        assert verb not in text, f"{path.name} does {verb.strip()}: the caller decides (warehouse.metrics.create_table)"
