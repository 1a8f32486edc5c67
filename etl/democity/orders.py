"""Generate the demo city's work orders and their whole life cycle: the truth the exports snapshot.

Generation is vectorised with NumPy (one draw per column, never a Python loop per order) so a
newcomer's first ``make run`` stays fast and ``--orders-per-month`` can reach real city volumes.
Times are seconds since 1970 read as Asia/Shanghai wall-clock time (int64 for the call itself,
float with NaN = "never" for the later events).
The life cycle itself lives in ``etl.democity.lifecycle``; this module decides who calls, when, about
what and where.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from etl.democity import city, places, topics
from etl.democity import lifecycle as life
from etl.democity.lifecycle import NOT_EVALUATED, RESOLUTIONS, SATISFACTIONS

DAY = 86_400
HOUR = 3_600
FOLLOW_UP_SHARE = 0.045  # expected share of orders that are repeat calls (added on top of the base)
# Spring Festival (正月初一) dates; the week around it is quiet on the hotline.
SPRING_FESTIVAL = {
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}
WEEKDAY_WEIGHTS = np.array([1.15, 1.1, 1.05, 1.05, 1.0, 0.75, 0.7])
# Calls per hour of the day (00–23): quiet nights, a morning peak at 10:00, a second one at 15:00.
_BEFORE_NOON = (0.12, 0.08, 0.06, 0.05, 0.06, 0.1, 0.2, 0.45, 1.0, 1.6, 1.7, 1.4)
_AFTER_NOON = (0.8, 0.9, 1.4, 1.5, 1.4, 1.1, 0.8, 0.7, 0.6, 0.45, 0.3, 0.2)
HOUR_WEIGHTS = np.array([*_BEFORE_NOON, *_AFTER_NOON])
PHONE_PREFIXES = np.array([13, 15, 18, 17, 19, 16, 14])


def month_starts(end_month: str, months: int) -> list[date]:
    """First days of the ``months`` months ending with ``end_month`` plus the following month."""
    year, month = (int(part) for part in end_month.split("-"))
    index = year * 12 + month - 1 - (months - 1)
    return [date((index + k) // 12, (index + k) % 12 + 1, 1) for k in range(months + 1)]


def epoch(day: date) -> int:
    """Seconds since 1970 of a local midnight (the generator's time representation)."""
    return int((np.datetime64(day, "D") - np.datetime64("1970-01-01", "D")).astype(np.int64)) * DAY


def _season_weights(calendar_month: int) -> np.ndarray:
    return np.array([t.weight * topics.SEASONS[t.season][calendar_month - 1] for t in topics.TOPICS])


def _month_volume(first: date, following: date, orders_per_month: int) -> int:
    """Orders in a month: seasonal topics raise the total, the Spring Festival month dips."""
    yearly = np.mean([_season_weights(m).sum() for m in range(1, 13)])
    factor = _season_weights(first.month).sum() / yearly
    festival = SPRING_FESTIVAL.get(first.year)
    if festival is not None and festival.month == first.month:
        factor *= 0.85
    days = (following - first).days
    return round(orders_per_month * factor * days / 30.44 / (1 + FOLLOW_UP_SHARE))


def _received_times(rng: np.random.Generator, first: date, following: date, n: int) -> np.ndarray:
    days = np.arange(np.datetime64(first, "D"), np.datetime64(following, "D"))
    weights = WEEKDAY_WEIGHTS[(days.astype(np.int64) + 3) % 7]
    festival = SPRING_FESTIVAL.get(first.year)
    if festival is not None:
        offset = (days - np.datetime64(festival, "D")).astype(np.int64)
        weights = np.where((offset >= -1) & (offset <= 6), weights * 0.45, weights)
    day = rng.choice(len(days), size=n, p=weights / weights.sum())
    hour = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    return epoch(first) + day * DAY + hour * HOUR + rng.integers(0, HOUR, n)


def _choose(rng: np.random.Generator, weights: np.ndarray | tuple[float, ...], n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _topic_departments(rng: np.random.Generator, topic: np.ndarray) -> np.ndarray:
    """Draw each order's handling unit from its topic's weighted unit list."""
    width = max(len(t.departments) for t in topics.TOPICS)
    units = np.zeros((len(topics.TOPICS), width), dtype=np.int64)
    cumulative = np.ones((len(topics.TOPICS), width))
    for i, t in enumerate(topics.TOPICS):
        names, weights = zip(*t.departments, strict=True)
        units[i, : len(names)] = [city.DEPARTMENT_INDEX[name] for name in names]
        cumulative[i, : len(names)] = np.cumsum(weights) / sum(weights)
    pick = (rng.random(len(topic))[:, None] > cumulative[topic]).sum(axis=1)
    return units[topic, np.minimum(pick, width - 1)]


def _month_orders(rng: np.random.Generator, k: int, first: date, following: date, n: int) -> dict:
    """Who calls in one month, when, about what and where (no life cycle yet)."""
    topic = _choose(rng, _season_weights(first.month), n)
    appeal = _choose(rng, city.APPEAL_WEIGHTS, n)
    county = _choose(rng, [c.weight for c in city.COUNTIES], n)
    sizes = np.array([len(c.townships) for c in city.COUNTIES])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return {
        "received": _received_times(rng, first, following, n),
        "month": np.full(n, k),
        "topic": topic,
        "template": rng.integers(0, 2, n),
        "appeal": appeal,
        "channel": _choose(rng, city.CHANNEL_WEIGHTS, n),
        "urgent": rng.random(n) < 0.05,
        "county": county,
        "township": starts[county] + (rng.random(n) * sizes[county]).astype(np.int64),
        "department": _topic_departments(rng, topic),
        "dispatched": rng.random(n) < np.asarray(city.DISPATCH_SHARE)[appeal],
        "repeat": np.zeros(n, dtype=bool),
    }


def _follow_ups(rng: np.random.Generator, base: dict, data_end: int, bounds: np.ndarray) -> dict:
    """Repeat calls: the same phone about the same topic within 30 days, mostly after a poor outcome."""
    poor = base["poor"]
    chosen = np.flatnonzero(rng.random(len(poor)) < np.where(poor, 0.25, 0.035))
    received = base["received"][chosen] + rng.integers(1, 29, len(chosen)) * DAY
    received += rng.integers(-6 * HOUR, 6 * HOUR, len(chosen))
    keep = received < data_end
    chosen, received = chosen[keep], received[keep]
    out = {key: value[chosen] for key, value in base.items() if key in _CALL_KEYS}
    out["received"] = received
    out["month"] = np.searchsorted(bounds, received, side="right") - 1
    out["dispatched"] = out["dispatched"] | (rng.random(len(chosen)) < 0.5)
    out["repeat"] = np.ones(len(chosen), dtype=bool)
    return out


_CALL_KEYS = (
    "topic",
    "template",
    "appeal",
    "channel",
    "urgent",
    "county",
    "township",
    "department",
    "dispatched",
    "phone",
    "name",
)


def _callers(rng: np.random.Generator, n: int) -> dict:
    """Fictional callers: 张先生 / 李女士 and random 1[3-9]x numbers; a pool so some call again."""
    pool = max(1, int(n * 0.9))
    numbers = rng.choice(PHONE_PREFIXES, pool) * 1_000_000_000 + rng.integers(0, 1_000_000_000, pool)
    return {
        "phone": np.where(rng.random(n) < 0.02, 0, numbers[rng.integers(0, pool, n)]),
        "name": rng.integers(0, len(city.SURNAMES) * 2, n),
    }


def _concat(parts: list[dict]) -> dict:
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def generate_orders(rng: np.random.Generator, end_month: str, months: int, orders_per_month: int) -> pl.DataFrame:
    """Every order of the demo period with its final life cycle, sorted by received time."""
    firsts = month_starts(end_month, months)
    bounds = np.array([epoch(d) for d in firsts])
    parts = []
    for k in range(months):
        n = _month_volume(firsts[k], firsts[k + 1], orders_per_month)
        parts.append(_month_orders(rng, k, firsts[k], firsts[k + 1], max(n, 1)))
    base = _concat(parts)
    base |= _callers(rng, len(base["received"]))
    base |= life.life_cycle(rng, base, months)
    repeats = _follow_ups(rng, base, int(bounds[-1]), bounds)
    repeats |= life.life_cycle(rng, repeats, months)
    keys = [key for key in base if key in repeats]
    orders = _concat([{k: base[k] for k in keys}, {k: repeats[k] for k in keys}])
    order = np.argsort(orders["received"], kind="stable")
    return to_frame(rng, {key: value[order] for key, value in orders.items()})


def _timestamp(seconds: np.ndarray) -> pl.Series:
    """Float seconds (NaN = never) to a Polars datetime column (null = never)."""
    whole = pl.Series(np.asarray(seconds, dtype=float)).fill_nan(None).cast(pl.Int64)
    return pl.from_epoch(whole, time_unit="s")


def _pick(values: tuple[str, ...], index: np.ndarray, present: np.ndarray | None = None) -> pl.Series:
    """Vectorised lookup of labels by code, null where ``present`` is false."""
    series = pl.Series(list(values), dtype=pl.String).gather(np.maximum(index, 0))
    if present is None:
        return series
    return pl.select(pl.when(pl.Series(present)).then(series)).to_series()


def order_ids(received: np.ndarray) -> pl.Series:
    """YX + date + per-day sequence, as hotline platforms number their orders."""
    day = received // DAY
    sequence = np.arange(len(day)) - np.searchsorted(day, day, side="left") + 1
    dates = _timestamp(received).dt.strftime("%Y%m%d")
    return pl.select(pl.concat_str(pl.lit("YX"), dates, pl.Series(sequence).cast(pl.String).str.zfill(6)))[:, 0]


def _content(rng: np.random.Generator, o: dict, phones: pl.Series) -> pl.Series:
    """诉求内容 from the topic's templates with place names; a few mention a phone number."""
    n = len(o["received"])
    templates = [t.templates[k] for t in topics.TOPICS for k in range(2)]
    townships = [t for c in city.COUNTIES for t in c.townships]
    place = _pick(tuple(c.name for c in city.COUNTIES), o["county"]) + _pick(tuple(townships), o["township"])
    prefix = np.where(o["repeat"], len(topics.TYPE_PREFIX), o["appeal"])
    frame = pl.DataFrame(
        {
            "t": _pick(tuple(templates), o["topic"] * 2 + o["template"]),
            "p": place,
            "e": places.estate_names(o["township"], rng.integers(0, places.PER_TOWNSHIP, n)),
            "r": places.road_names(o["township"], rng.integers(0, places.PER_TOWNSHIP, n)),
            "pre": _pick((*topics.TYPE_PREFIX, topics.REPEAT_PREFIX), prefix),
            "suf": _pick(topics.TYPE_SUFFIX, o["appeal"]),
            "tel": pl.select(pl.when(pl.Series(rng.random(n) < 0.03)).then("，联系电话" + phones)).to_series(),
        }
    )
    text = pl.col("t").str.replace("{p}", pl.col("p"), literal=True)
    text = text.str.replace("{e}", pl.col("e"), literal=True).str.replace("{r}", pl.col("r"), literal=True)
    return frame.select(pl.concat_str("pre", text, pl.col("tel").fill_null(""), "suf"))[:, 0]


def to_frame(rng: np.random.Generator, o: dict) -> pl.DataFrame:
    """The truth table: one row per order, canonical field names, final state of every field."""
    n = len(o["received"])
    dispatched = o["dispatched"]
    show_county = dispatched | (rng.random(n) < 0.6)
    show_town = show_county & (rng.random(n) < np.where(dispatched, 0.92, 0.2))
    names = tuple(s + g for s in city.SURNAMES for g in ("先生", "女士"))
    phones = pl.Series(o["phone"]).cast(pl.String)
    towns = tuple(t for c in city.COUNTIES for t in c.townships)
    columns = {
        "order_id": order_ids(o["received"]),
        "received_at": _timestamp(o["received"]),
        "month": pl.Series(o["month"], dtype=pl.Int32),
        "channel": _pick(city.CHANNELS, o["channel"]),
        "appeal_type": _pick(city.APPEAL_TYPES, o["appeal"]),
        "category_l1": _pick(tuple(t.l1 for t in topics.TOPICS), o["topic"]),
        "category_l2": _pick(tuple(t.l2 for t in topics.TOPICS), o["topic"]),
        "category_l3": _pick(tuple(t.l3 for t in topics.TOPICS), o["topic"]),
        "content": _content(rng, o, phones),
        "citizen_name": _pick(("匿名", *names), np.where(rng.random(n) < 0.04, 0, o["name"] + 1)),
        "citizen_phone": pl.select(pl.when(pl.Series(o["phone"] > 0)).then(phones)).to_series(),
        "county": _pick(tuple(c.name for c in city.COUNTIES), o["county"], show_county),
        "township": _pick(towns, o["township"], show_town),
        "department": _pick(tuple(d.name for d in city.DEPARTMENTS), o["department"], dispatched),
        "urgency": _pick(("一般", "紧急"), o["urgent"].astype(np.int64)),
    }
    for key in ("dispatched_at", "signed_at", "responded_at", "due_at", "due_ext_at", "closed_at"):
        columns[key] = _timestamp(o[key])
    columns |= {
        "return_count": pl.Series(o["returns"], dtype=pl.Int32),
        "callback_at": _timestamp(o["callback_at"]),
        "resolution": _pick(RESOLUTIONS, o["resolution"], o["resolution"] >= 0),
        "satisfaction": _pick((NOT_EVALUATED, *SATISFACTIONS), o["satisfaction"] + 1, o["satisfaction"] >= -1),
        "is_valid": pl.Series(~o["invalid"]),
        "is_exempt": pl.Series(o["exempt"]),
    }
    return pl.DataFrame(columns)
