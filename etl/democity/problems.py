"""Recurring problems (一类问题) and sudden spikes planted in the demo city, with their truth.

Why: the product groups orders into recurring problems and warns of spikes; both must be measured
against something known. The generator knows which orders it made about the same problem, so it writes
that truth beside the exports in a hidden side file (``.demo_truth.json``, see :func:`write_truth`) that
``etl load DIR/*`` never picks up and the product never reads as data.

- **Recurring problems**: ``PROBLEMS_PER_5000`` start each month (scaled with the volume). Each is one
  trouble at one estate or road of one township (a lift that keeps failing, a site working at night):
  3–14 calls over 10–75 days from a few neighbours, some of whom call again. Like real callers they do
  not all say it the same way: one in ten does not name the place, some add the building (3栋) or drop
  小区, and the operator files one call in five under a neighbouring category.
- **Spikes** (``SPIKES``): a burst of calls on one to three days about one incident in one county (a burst
  main, a gas smell, wages unpaid before the festival). Each spike is also one problem. One (S4) is
  deliberately small, to show where detection stops.

Everything is drawn from its own random stream (a child of the demo seed), so the background orders
of a seed are the same with or without these.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from etl.democity import city, places, topics
from etl.democity import lifecycle as life
from etl.democity.orders import DAY, HOUR, HOUR_WEIGHTS, PHONE_PREFIXES, epoch, order_ids, to_frame

TRUTH_FILE = ".demo_truth.json"
PROBLEMS_PER_5000 = 8
APPEALS = (0, 1, 2)  # 咨询, 求助, 投诉 (city.APPEAL_TYPES)
APPEAL_SHARE = (0.1, 0.3, 0.6)


@dataclass(frozen=True)
class Spike:
    """A planted burst: ``per_5000`` extra calls a day (at 5,000 orders a month) for ``days`` days."""

    key: str
    months_before_end: int
    day: int
    county: str
    category_l3: str
    days: int
    per_5000: int


SPIKES = (
    Spike("S1", 0, 12, "溪澜区", "停水", 1, 30),
    Spike("S2", 1, 20, "鹤汀区", "燃气安全", 2, 12),
    Spike("S3", 3, 9, "枫渚县", "农民工工资", 2, 10),
    Spike("S4", 4, 15, "云岫区", "施工噪声", 3, 3),
    Spike("S5", 6, 6, "棠梨县", "停电", 1, 25),
    Spike("S6", 9, 18, "青篁县", "预付卡退费", 1, 8),
)
_TOPIC_BY_L3 = {t.l3: i for i, t in enumerate(topics.TOPICS)}
_TOWNSHIP_COUNTY = np.array([ci for ci, c in enumerate(city.COUNTIES) for _ in c.townships])
_TOWNSHIP_NAMES = tuple(t for c in city.COUNTIES for t in c.townships)


def _slotted(topic: int) -> list[int]:
    """The topic's templates that name a place ({e} estate or {r} road)."""
    return [k for k, s in enumerate(topics.TOPICS[topic].templates) if "{e}" in s or "{r}" in s]


_PLACE_TOPICS = np.array([i for i in range(len(topics.TOPICS)) if _slotted(i)])


def _sibling(topic: int, rng: np.random.Generator) -> int:
    """A neighbouring category an operator might pick instead (same l2, else same l1)."""
    t = topics.TOPICS[topic]
    same_l2 = [i for i, o in enumerate(topics.TOPICS) if o.l2 == t.l2 and i != topic]
    same_l1 = [i for i, o in enumerate(topics.TOPICS) if o.l1 == t.l1 and i != topic]
    pool = same_l2 or same_l1
    return int(rng.choice(pool)) if pool else topic


@dataclass
class _Problem:
    """One planted problem: where, what, and the calls' times."""

    key: str
    township: int
    topic: int
    template: int
    place: int  # code of the estate or road in the township
    department: int
    times: np.ndarray
    spike: str | None = None


def _department(rng: np.random.Generator, topic: int) -> int:
    names, weights = zip(*topics.TOPICS[topic].departments, strict=True)
    return city.DEPARTMENT_INDEX[names[rng.choice(len(names), p=np.array(weights) / sum(weights))]]


def _problem(rng: np.random.Generator, key: str, township: int, topic: int, times: np.ndarray) -> _Problem:
    template = int(rng.choice(_slotted(topic)))
    return _Problem(key, township, topic, template, int(rng.integers(0, places.PER_TOWNSHIP)),
                    _department(rng, topic), np.sort(times))  # fmt: skip


def _times_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    hours = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    return hours * HOUR + rng.integers(0, HOUR, n)


def _recurring(rng: np.random.Generator, firsts: list[date], scale: float, end: int) -> list[_Problem]:
    county_weights = np.array([city.COUNTIES[c].weight for c in _TOWNSHIP_COUNTY])
    topic_weights = np.array([topics.TOPICS[i].weight for i in _PLACE_TOPICS], dtype=float)
    found = []
    for k in range(len(firsts) - 1):
        for _ in range(max(2, round(PROBLEMS_PER_5000 * scale))):
            township = int(rng.choice(len(_TOWNSHIP_NAMES), p=county_weights / county_weights.sum()))
            topic = int(rng.choice(_PLACE_TOPICS, p=topic_weights / topic_weights.sum()))
            start = epoch(firsts[k]) + rng.uniform(0, (firsts[k + 1] - firsts[k]).days) * DAY
            calls = min(3 + rng.poisson(4), 14)
            offsets = rng.uniform(0, rng.uniform(10, 75), calls).astype(np.int64) * DAY
            times = (start // DAY) * DAY + offsets + _times_of_day(rng, calls)
            times = times[times < end]
            if len(times) >= 2:
                found.append(_problem(rng, f"P{len(found) + 1:04d}", township, topic, times))
    return found


def _spikes(rng: np.random.Generator, firsts: list[date], scale: float, first_key: int) -> list[_Problem]:
    found = []
    months = len(firsts) - 1
    for spike in SPIKES:
        k = months - 1 - spike.months_before_end
        if k < 0:
            continue
        county = next(i for i, c in enumerate(city.COUNTIES) if c.name == spike.county)
        township = int(rng.choice(np.flatnonzero(county == _TOWNSHIP_COUNTY)))
        per_day = max(5, round(spike.per_5000 * scale))
        day0 = epoch(firsts[k]) + (spike.day - 1) * DAY
        times = np.concatenate([day0 + d * DAY + _times_of_day(rng, per_day) for d in range(spike.days)])
        key = f"P{first_key + len(found):04d}"
        found.append(_problem(rng, key, township, _TOPIC_BY_L3[spike.category_l3], times))
        found[-1].spike = spike.key
    return found


def _calls(rng: np.random.Generator, problems: list[_Problem], bounds: np.ndarray) -> dict:
    """The call dict ``etl.democity.orders`` builds for background orders, plus the truth and the place."""
    parts = []
    for p in problems:
        n = len(p.times)
        neighbours = rng.choice(PHONE_PREFIXES, n) * 1_000_000_000 + rng.integers(0, 1_000_000_000, n)
        who = rng.integers(0, n if p.spike else max(1, round(n * 0.7)), n)  # a burst: many neighbours
        phone = neighbours[who]
        again = np.array([phone[i] in phone[:i] for i in range(n)])
        moved = rng.random(n) < 0.2
        parts.append({
            "received": p.times.astype(np.int64),
            "month": np.searchsorted(bounds, p.times, side="right") - 1,
            "topic": np.array([_sibling(p.topic, rng) if m else p.topic for m in moved]),
            "template": np.full(n, p.template),
            "appeal": rng.choice(APPEALS, n, p=APPEAL_SHARE),
            "channel": rng.choice(len(city.CHANNELS), n, p=city.CHANNEL_WEIGHTS),
            "urgent": rng.random(n) < 0.05,
            "county": np.full(n, _TOWNSHIP_COUNTY[p.township]),
            "township": np.full(n, p.township),
            "department": np.full(n, p.department),
            "dispatched": rng.random(n) < 0.9,
            "repeat": again,
            "phone": phone,
            "name": rng.integers(0, len(city.SURNAMES) * 2, n),
            "own_topic": np.full(n, p.topic),
            "place": np.full(n, p.place),
            "building": np.full(n, rng.integers(1, 29)),
            "variant": rng.choice(4, n, p=(0.6, 0.2, 0.1, 0.1)),  # as is, with building, without 小区, unnamed
            "problem": np.full(n, p.key),
            "spike": np.full(n, p.spike or ""),
        })  # fmt: skip
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def _content(c: dict) -> list[str]:
    """What each caller says: the problem's own template at its place, in one of four wordings."""
    texts = []
    for i in range(len(c["received"])):
        topic, township = int(c["own_topic"][i]), int(c["township"][i])
        text = topics.TOPICS[topic].templates[int(c["template"][i])]
        estate = places.estates()[township][int(c["place"][i])]
        road = places.roads()[township][int(c["place"][i])]
        variant = int(c["variant"][i])
        if variant == 1:
            text = text.replace("{e}小区", "{e}小区" + str(int(c["building"][i])) + "栋")
        elif variant == 2:
            text = text.replace("{e}小区", "{e}")
        elif variant == 3:
            estate, road = "", ""
        place = city.COUNTIES[int(c["county"][i])].name + _TOWNSHIP_NAMES[township]
        text = text.replace("{p}", place).replace("{e}", estate).replace("{r}", road)
        prefix = topics.REPEAT_PREFIX if c["repeat"][i] else topics.TYPE_PREFIX[int(c["appeal"][i])]
        texts.append(prefix + text + topics.TYPE_SUFFIX[int(c["appeal"][i])])
    return texts


def planted_orders(rng: np.random.Generator, firsts: list[date], months: int, orders_per_month: int) -> pl.DataFrame:
    """The planted orders in the truth table's shape, with ``problem_id`` and ``spike_id`` columns."""
    bounds = np.array([epoch(d) for d in firsts])
    scale = orders_per_month / 5000
    problems = _recurring(rng, firsts, scale, int(bounds[-1]))
    problems += _spikes(rng, firsts, scale, len(problems) + 1)
    calls = _calls(rng, problems, bounds)
    order = np.argsort(calls["received"], kind="stable")
    calls = {key: value[order] for key, value in calls.items()}
    calls["dispatched"] = calls["dispatched"].astype(bool)
    calls |= life.life_cycle(rng, calls, months)
    frame = to_frame(rng, calls)
    return frame.with_columns(
        pl.Series("content", _content(calls), dtype=pl.String),
        pl.Series("problem_id", calls["problem"], dtype=pl.String),
        pl.Series("spike_id", calls["spike"], dtype=pl.String).replace("", None),
    )


def with_planted(truth: pl.DataFrame, seed: int, firsts: list[date], orders_per_month: int) -> pl.DataFrame:
    """The background orders plus the planted ones, in received order, order ids renumbered per day;
    ``problem_id`` and ``spike_id`` are null for background orders (each its own problem)."""
    rng = np.random.default_rng([seed, 16])  # its own stream: the background stays as it was
    planted = planted_orders(rng, firsts, len(firsts) - 1, orders_per_month)
    merged = pl.concat([truth, planted], how="diagonal").sort("received_at", maintain_order=True)
    return merged.with_columns(order_ids(merged["received_at"].dt.epoch("s").to_numpy()).alias("order_id"))


def write_truth(
    out_dir: Path, truth: pl.DataFrame, orders_per_month: int, end_month: str, months: int, seed: int
) -> Path:
    """``.demo_truth.json``: which orders the generator made about the same problem and which spikes it
    planted (the measure for ``etl.democity.eval``). Hidden, so ``etl load DIR/*`` never loads it."""
    planted = truth.filter(pl.col("problem_id").is_not_null())
    problems = planted.group_by("problem_id").agg(
        pl.col("county").first(), pl.col("township").first(), pl.col("category_l3").mode().first(),
        pl.col("spike_id").first(), pl.len().alias("orders"),
        pl.col("received_at").min().dt.date().cast(pl.String).alias("first_date"),
        pl.col("received_at").max().dt.date().cast(pl.String).alias("last_date"),
    ).sort("problem_id")  # fmt: skip
    spikes = [asdict(s) for s in SPIKES]
    body = {
        "seed": seed,
        "orders_per_month": orders_per_month,
        "end_month": end_month,
        "months": months,
        "orders": {oid: [p, s] for oid, p, s in planted.select("order_id", "problem_id", "spike_id").iter_rows()},
        "problems": problems.to_dicts(),
        "spikes": spikes,
        # a redo (重办) is the caller's second order about the same matter: the same thing, as a planted problem is
        "redo": dict(_redo_links(truth)),
    }
    path = Path(out_dir) / TRUTH_FILE
    path.write_text(json.dumps(body, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    return path


def _redo_links(truth: pl.DataFrame) -> list[tuple[str, str]]:
    """(redo order, the order it redoes) for every redo the generator made (``etl.democity.integrity``)."""
    if "original_order_id" not in truth.columns:
        return []
    links = truth.filter(pl.col("original_order_id").is_not_null()).select("order_id", "original_order_id")
    return list(links.iter_rows())


def read_truth(out_dir: Path) -> dict:
    """The side file :func:`write_truth` wrote into ``out_dir``."""
    return json.loads((Path(out_dir) / TRUTH_FILE).read_text(encoding="utf-8"))
