"""Each figure is defined once, in the registry (warehouse.registry, .registry_integrity): the metric SQL
takes its counts from there (warehouse.metrics.count_column) and every rate and the score are computed
by one function (warehouse.scoring.rate_row). A source file that retypes a count's predicate, divides a
registry count itself or sums the answer weights by hand would be a second definition that can drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from warehouse.registry import METRIC_BY_KEY, METRICS

ROOT = Path(__file__).resolve().parents[2]
DEFINED_IN = {"warehouse/registry.py", "warehouse/registry_integrity.py", "warehouse/metric_defs.py"}
SOURCES = sorted(
    p for d in ("warehouse", "reports", "pages", "etl", "bench", "labels") for p in (ROOT / d).rglob("*")
    if p.suffix in (".py", ".sql") and str(p.relative_to(ROOT)) not in DEFINED_IN
)  # fmt: skip
# a predicate this long is a definition, not a column name
PREDICATES = {m.key: m.where for m in METRICS if m.where and len(m.where) > 20}


def test_the_sources_are_read() -> None:
    assert len(SOURCES) > 50 and any(p.suffix == ".sql" for p in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_second_definition(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    retyped = [key for key, where in PREDICATES.items() if where in text]
    assert not retyped, f"{path.name} retypes the predicate of {retyped}: take it from the registry"
    divided = [m.group(1) for m in re.finditer(r"(\w+)\s*/\s*NULLIF", text) if m.group(1) in METRIC_BY_KEY]
    assert not divided, f"{path.name} computes a rate of {divided} itself: use warehouse.scoring.rate_row"
    weights = re.findall(r"sum\(\s*(?:\w+_)?(?:satisfied|resolved)_weight", text)
    assert not weights, f"{path.name} sums the answer weights bound at rebuild: rate_row follows the rules in force"
