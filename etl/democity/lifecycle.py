"""The life cycle of demo orders: dispatch, first contact, deadline, closure, callback and verdicts.

Each order's handling quality is a latent score (its unit's and county's quality, their trend over
the year, a township effect and noise); every outcome a ranking measures (response time, overdue,
bounces, resolution, satisfaction) is drawn from it, so weak units look weak on every page and
strong units strong, as in real assessments. Times are float seconds since 1970 (local wall-clock),
NaN = never happened, which keeps the vectorised arithmetic simple.
"""

from __future__ import annotations

import numpy as np

from etl.democity import city

DAY = 86_400.0
HOUR = 3_600.0
MINUTE = 60.0
RESOLUTIONS = ("已解决", "部分解决", "未解决")
SATISFACTIONS = ("满意", "基本满意", "不满意")
NOT_EVALUATED = "未评价"
_TOWNSHIP_COUNT = sum(len(c.townships) for c in city.COUNTIES)
# A fixed (seed-independent) township effect: a township's standing is a property of the city.
_TOWNSHIP_QUALITY = np.random.default_rng(20_251_001).normal(0.0, 0.3, _TOWNSHIP_COUNT)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _lognormal(rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int) -> np.ndarray:
    return np.exp(rng.normal(np.log(median), sigma, n))


def _quality(rng: np.random.Generator, calls: dict, months: int) -> np.ndarray:
    progress = calls["month"] / max(months - 1, 1)
    dept, county = calls["department"], calls["county"]
    dept_q = np.array([d.quality for d in city.DEPARTMENTS])[dept]
    dept_q = dept_q + progress * np.array([d.trend for d in city.DEPARTMENTS])[dept]
    county_q = np.array([c.quality for c in city.COUNTIES])[county]
    county_q = county_q + progress * np.array([c.trend for c in city.COUNTIES])[county]
    noise = rng.normal(0.0, 0.35, len(dept))
    return np.where(calls["dispatched"], dept_q, 0.0) + county_q + _TOWNSHIP_QUALITY[calls["township"]] + noise


def _office_hours(rng: np.random.Generator, t: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
    """Move events outside 08:00–21:00 to the next morning: units and callback staff work days."""
    hour = (t % DAY) // HOUR
    late = hour >= 21
    morning = t - t % DAY + np.where(late, DAY, 0.0) + 8 * HOUR + np.floor(rng.uniform(0, 3 * HOUR, len(t)))
    move = (late | (hour < 8)) if keep is None else (late | (hour < 8)) & ~keep
    return np.where(move, morning, t)


def _dispatch(rng: np.random.Generator, calls: dict) -> np.ndarray:
    """The centre dispatches within the hour by day; night calls wait for 08:30 unless urgent."""
    received = calls["received"].astype(float)
    n = len(received)
    hour = (received % DAY) // HOUR
    night = ((hour >= 21) | (hour < 8)) & ~calls["urgent"]
    morning = received - received % DAY + 8.5 * HOUR + np.where(hour >= 21, DAY, 0.0)
    delay = np.where(calls["urgent"], _lognormal(rng, 8, 0.6, n), _lognormal(rng, 30, 0.8, n))
    start = np.where(night, morning, received)
    return np.where(calls["dispatched"], np.floor(start + 2 * MINUTE + delay * MINUTE), np.nan)


def _response(rng: np.random.Generator, calls: dict, disp: np.ndarray, q: np.ndarray) -> tuple:
    """First contact (响应): urgent within ~2 h mostly, others within hours, weak units later."""
    n = len(disp)
    urgent = calls["urgent"]
    hours = np.where(
        urgent,
        _lognormal(rng, 0.6 * np.exp(-0.4 * q), 0.8, n),
        _lognormal(rng, 2.5 * np.exp(-0.8 * q), 0.9, n),
    )
    never = rng.random(n) < _sigmoid(-4.5 - q)
    resp = _office_hours(rng, np.floor(disp + np.maximum(hours * HOUR, 3 * MINUTE)), keep=urgent)
    resp = np.where(never, np.nan, resp)
    sign_delay = rng.uniform(5, 60, n) * MINUTE
    signed = np.where(np.isnan(resp), disp + 2 * sign_delay, disp + np.minimum(sign_delay, resp - disp))
    signed = np.where(np.isnan(resp) & (rng.random(n) < 0.3), np.nan, np.floor(signed))
    return resp, signed


def _end_of_working_day(disp: np.ndarray, working_days: np.ndarray) -> np.ndarray:
    """End (23:59:59) of the N-th working day after the dispatch date (weekends only: vendor rule)."""
    day = np.where(np.isnan(disp), 0, disp // DAY).astype("datetime64[D]")
    due_day = np.busday_offset(day, working_days, roll="backward")
    return (due_day.astype(np.int64) + 1) * DAY - 1


def _deadlines(rng: np.random.Generator, calls: dict, disp: np.ndarray, q: np.ndarray) -> tuple:
    n = len(disp)
    urgent = calls["urgent"]
    working = np.asarray(city.WORKING_DAYS)[calls["appeal"]]
    due = np.where(urgent, disp + DAY, _end_of_working_day(disp, working))
    due = np.where(np.isnan(disp), np.nan, due)
    extended = ~np.isnan(disp) & ~urgent & (rng.random(n) < np.where(q < -0.5, 0.07, 0.03))
    ext = np.where(extended, _end_of_working_day(due, np.full(n, 5)), np.nan)
    return due, ext


def _closure(rng: np.random.Generator, calls: dict, times: dict, q: np.ndarray) -> tuple:
    """Closing time: most on time (early in the window), weak units late or stuck, bounces add days."""
    n = len(q)
    disp, due = times["dispatched_at"], np.fmax(times["due_at"], times["due_ext_at"])
    start = np.fmax(times["responded_at"], disp) + 30 * MINUTE
    late = rng.random(n) < _sigmoid(-2.6 - 1.3 * q)
    returns = np.minimum(rng.poisson(0.07 * np.exp(-q)), 3)
    window = due - start
    on_time = np.where(window > 0, start + rng.beta(1.3, 3.0, n) * window, start + rng.uniform(0.5, 6, n) * HOUR)
    overdue = np.fmax(due, start) + rng.exponential(3.0, n) * DAY + HOUR
    closed = np.where(late, overdue, on_time) + returns * rng.uniform(0.3, 1.2, n) * DAY
    stuck = rng.random(n) < _sigmoid(-5.2 - 1.2 * q)
    direct = calls["received"] + np.floor(rng.uniform(3, 25, n) * MINUTE)
    closed = np.where(stuck, np.nan, _office_hours(rng, np.floor(closed), keep=calls["urgent"]))
    closed = np.where(calls["dispatched"], closed, direct)
    return closed, np.where(calls["dispatched"], returns, 0), closed > due


def _evaluation(rng: np.random.Generator, calls: dict, closed: np.ndarray, late: np.ndarray, q) -> dict:
    """Callback (回访) after closure and the citizen's verdicts; codes index RESOLUTIONS/SATISFACTIONS."""
    n = len(q)
    dispatched = calls["dispatched"]
    has_cb = ~np.isnan(closed) & (rng.random(n) < np.where(dispatched, 0.9, 0.35))
    delay = np.where(dispatched, np.maximum(_lognormal(rng, 20, 0.7, n), 0.2), rng.uniform(0.5, 48, n))
    callback = np.where(has_cb, _office_hours(rng, np.floor(closed + delay * HOUR)), np.nan)
    answered = has_cb & (rng.random(n) < np.where(dispatched, 0.95, 0.5))
    solved = rng.random(n) < np.where(dispatched, _sigmoid(1.3 + 1.2 * q - 0.8 * late), 0.85)
    resolution = np.where(solved, 0, np.where(rng.random(n) < 0.4, 1, 2))
    resolution = np.where(answered, resolution, -1)
    latent = np.array([1.0, 2.0, -0.3, -2.0])[resolution + 1] + 0.7 * q + rng.logistic(0, 1, n)
    satisfaction = np.where(latent > 0, 0, np.where(latent > -1.5, 1, 2))
    rated = has_cb & (rng.random(n) < 0.9)
    satisfaction = np.where(rated, satisfaction, np.where(has_cb, -1, -2))
    invalid = dispatched & (rng.random(n) < 0.015)
    exempt = dispatched & ~invalid & (rng.random(n) < 0.01 * np.exp(-0.8 * q))
    return {
        "callback_at": callback,
        "resolution": resolution,
        "satisfaction": satisfaction,
        "invalid": invalid,
        "exempt": exempt,
    }


def life_cycle(rng: np.random.Generator, calls: dict, months: int) -> dict:
    """Draw every event of every order from its latent quality; NaN where the event never happens."""
    q = _quality(rng, calls, months)
    times = {"dispatched_at": _dispatch(rng, calls)}
    times["responded_at"], times["signed_at"] = _response(rng, calls, times["dispatched_at"], q)
    times["due_at"], times["due_ext_at"] = _deadlines(rng, calls, times["dispatched_at"], q)
    times["closed_at"], times["returns"], late = _closure(rng, calls, times, q)
    times |= _evaluation(rng, calls, times["closed_at"], late, q)
    times["poor"] = calls["dispatched"] & (
        np.isnan(times["closed_at"]) | (times["resolution"] == 2) | (times["satisfaction"] == 2)
    )
    return times
