"""The demo city's planted recurring problems and spikes, and the truth file the measurements read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from etl.democity import generate as demo
from etl.democity import places as demo_places
from etl.democity.orders import generate_orders, month_starts
from etl.democity.problems import SPIKES, TRUTH_FILE, read_truth, with_planted
from tests.unit.test_demo import read_export

SMALL = {"months": 4, "orders_per_month": 400, "seed": 7}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("demo")
    return out, demo.write_demo(out, **SMALL)


def test_the_truth_is_a_hidden_side_file_naming_orders_of_the_exports(written) -> None:
    out, paths = written
    assert (out / TRUTH_FILE).name.startswith(".") and not any(p.name == TRUTH_FILE for p in paths)
    truth = read_truth(out)
    exported, blanked = set(), 0
    for path in paths:
        frame = read_export(path)
        exported |= set(frame[frame.columns[0]].drop_nulls())
        blanked += frame[frame.columns[0]].null_count()  # the messy rows whose 工单编号 was emptied
    missing = set(truth["orders"]) - exported
    assert len(missing) <= blanked, missing  # a planted order is missing only where its id was emptied
    spikes = [p for p in truth["problems"] if p["spike_id"]]
    assert {p["spike_id"] for p in spikes} == {s.key for s in SPIKES if s.months_before_end < SMALL["months"]}
    assert all(p["orders"] >= 5 for p in spikes)


def test_planting_leaves_the_background_orders_as_they_were() -> None:
    background = generate_orders(np.random.default_rng(7), "2026-10", 4, 400)
    merged = with_planted(background, 7, month_starts("2026-10", 4), 400)
    kept = merged.filter(pl.col("problem_id").is_null()).drop("problem_id", "spike_id", "order_id")
    assert kept.equals(background.drop("order_id"))
    assert merged["order_id"].n_unique() == merged.height
    planted = merged.filter(pl.col("problem_id").is_not_null())
    assert planted.height > 30 and planted["problem_id"].n_unique() >= 8


def test_a_planted_problem_is_one_place_said_in_different_ways() -> None:
    merged = with_planted(generate_orders(np.random.default_rng(7), "2026-10", 4, 400), 7,
                          month_starts("2026-10", 4), 400)  # fmt: skip
    places = demo_places.all_place_names()
    for _pid, calls in merged.filter(pl.col("problem_id").is_not_null()).group_by("problem_id"):
        assert calls["township"].drop_nulls().n_unique() <= 1 and calls["county"].drop_nulls().n_unique() <= 1
        named = {p for text in calls["content"] for p in places if p in text}
        assert len(named) <= 2  # the problem's place (and, rarely, a name that contains another)
    texts = merged.filter(pl.col("problem_id").is_not_null())["content"]
    assert texts.str.contains(r"小区\d+栋").any() and texts.str.contains("再次反映").any()
