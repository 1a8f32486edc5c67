"""A fast, vectorised generator of large default-profile exports for timing (not the demo city).

Column-wise numpy + Polars: 10M rows take a few minutes, mostly CSV writing. The values are
plausible enough to exercise every parser and metric path, not to tell a story.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

HEADERS = {
    "order_id": "工单编号",
    "received_at": "受理时间",
    "channel": "受理渠道",
    "appeal_type": "诉求类型",
    "category_l1": "一级分类",
    "category_l2": "二级分类",
    "category_l3": "三级分类",
    "content": "诉求内容",
    "citizen_name": "来电人",
    "citizen_phone": "联系电话",
    "county": "所属区县",
    "township": "乡镇街道",
    "department": "承办单位",
    "urgency": "紧急程度",
    "dispatched_at": "派单时间",
    "responded_at": "首次联系时间",
    "due_at": "办理时限",
    "closed_at": "办结时间",
    "status": "办理状态",
    "return_count": "退单次数",
    "callback_at": "回访时间",
    "resolution": "是否解决",
    "satisfaction": "满意度",
    "is_valid": "是否有效",
    "is_exempt": "考核豁免",
}
COUNTIES = [f"测试{i}区" for i in range(1, 17)]
DEPARTMENTS = [f"测试局{i:02d}" for i in range(1, 61)]
L1 = ["城乡建设", "环境保护", "交通运输", "劳动和社会保障", "市场监管", "公用事业", "教育", "卫生健康"]


def _pick(rng: np.random.Generator, values: list[str], n: int, p: list[float] | None = None) -> np.ndarray:
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=n, p=p)]


def _fmt(base: datetime, seconds: np.ndarray, keep: np.ndarray) -> pl.Series:
    ts = pl.Series((np.datetime64(base, "s") + seconds.astype("timedelta64[s]")).astype("datetime64[ms]"))
    return ts.dt.strftime("%Y-%m-%d %H:%M:%S").zip_with(pl.Series(keep), pl.Series([None], dtype=pl.String))


def generate_frame(
    rows: int, seed: int = 7, start: datetime = datetime(2025, 1, 1), days: int = 365, prefix: str = "B"
) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    recv = rng.integers(0, days * 86400, rows)
    dispatched = rng.random(rows) < 0.45
    disp = recv + rng.integers(60, 4 * 3600, rows)
    resp = disp + rng.exponential(8 * 3600, rows).astype(np.int64)
    closed_ok = dispatched & (rng.random(rows) < 0.93)
    close = disp + rng.exponential(3 * 86400, rows).astype(np.int64)
    cb = close + rng.integers(3600, 2 * 86400, rows)
    has_cb = closed_ok & (rng.random(rows) < 0.8)
    county_idx = rng.integers(0, len(COUNTIES), rows)
    data = {
        "order_id": prefix + pl.Series(np.arange(rows)).cast(pl.String).str.zfill(9),
        "received_at": _fmt(start, recv, np.ones(rows, bool)),
        "channel": _pick(rng, ["电话", "网络", "微信", "APP"], rows, [0.7, 0.12, 0.12, 0.06]),
        "appeal_type": _pick(rng, ["咨询", "求助", "投诉", "举报", "建议"], rows, [0.4, 0.2, 0.3, 0.05, 0.05]),
        "category_l1": _pick(rng, L1, rows),
        "category_l2": _pick(rng, [f"二级{i}" for i in range(40)], rows),
        "category_l3": _pick(rng, [f"三级{i}" for i in range(120)], rows),
        "content": _pick(
            rng, ["小区噪声扰民，希望尽快处理", "路灯不亮已经一周", "物业收费不合理", "公交站台破损"], rows
        ),
        "citizen_name": _pick(rng, ["张先生", "李女士", "王先生", "赵女士"], rows),
        # a pool of a third as many callers as orders: repeat callers exist, as in every real hotline
        "citizen_phone": pl.Series(rng.integers(13000000000, 13000000000 + max(rows // 3, 1), rows)).cast(pl.String),
        "county": np.asarray(COUNTIES, dtype=object)[county_idx],
        "township": pl.Series(np.asarray(COUNTIES, dtype=object)[county_idx])
        + pl.Series(rng.integers(1, 9, rows)).cast(pl.String)
        + "街道",
        "department": _pick(rng, DEPARTMENTS, rows),
        "urgency": _pick(rng, ["紧急", "一般"], rows, [0.05, 0.95]),
        "dispatched_at": _fmt(start, disp, dispatched),
        "responded_at": _fmt(start, resp, dispatched & (rng.random(rows) < 0.97)),
        "due_at": _fmt(start, disp + 7 * 86400, dispatched & (rng.random(rows) < 0.5)),
        "closed_at": _fmt(start, close, closed_ok),
        "status": np.where(closed_ok, "已办结", "办理中"),
        "return_count": _pick(rng, ["0", "1", "2"], rows, [0.9, 0.08, 0.02]),
        "callback_at": _fmt(start, cb, has_cb),
        "resolution": _pick(rng, ["已解决", "部分解决", "未解决", ""], rows, [0.6, 0.1, 0.1, 0.2]),
        "satisfaction": _pick(rng, ["满意", "基本满意", "不满意", "未评价"], rows, [0.65, 0.15, 0.08, 0.12]),
        "is_valid": _pick(rng, ["是", "否"], rows, [0.98, 0.02]),
        "is_exempt": _pick(rng, ["否", "是"], rows, [0.99, 0.01]),
    }
    frame = pl.DataFrame({k: pl.Series(k, v).cast(pl.String) for k, v in data.items()})
    return frame.rename(HEADERS)


def write_export(path: Path, rows: int, encoding: str = "utf-8", seed: int = 7, chunk: int = 1_000_000) -> Path:
    """Write an N-row export in chunks (bounded memory); GBK files are encoded chunk by chunk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        for i, start in enumerate(range(0, rows, chunk)):
            frame = generate_frame(min(chunk, rows - start), seed=seed + i, prefix=f"B{seed:02d}{i:03d}-")
            text = frame.write_csv(include_header=(i == 0))
            fh.write(text.encode("gb18030") if encoding != "utf-8" else text.encode("utf-8"))
    return path
