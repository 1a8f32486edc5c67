"""What a unit can game, planted in the demo city so the product has something to find (issue 20).

The generator knows its ground truth:

- ``OVER_EXCLUDER`` marks about a quarter of its dispatched orders 无效 or gets them 豁免 (the city's
  other units: 2–3 %), mostly "诉求人无法联系" and "非本单位职责", nearly all approved by one reviewer;
- ``REDO_UNIT`` has many dissatisfied first verdicts, redone (重办) until the caller gives in: its final
  satisfaction looks fine, its first does not;
- every closed order carries a reply (办理结果 / 回复内容 / 答复意见) written from templates of a known class
  (``reply_class``: solved, explained, referred, unable), so the classifier can be measured on them;
- every invalid or exempt order carries its 处置方式, 终止原因 or 申诉理由, 审核人 and 审核时间.

Vendors A and B export the redo link (原工单编号 / 原工单号) and the exclusion details; vendor C exports
neither, so its months measure redos by the proxy (repeat calls). Vendor B's 延期后截止时间 comes with
延期审批. Everything here draws from its own random stream (seeded from the demo seed), so the rest of the
generator draws exactly what it drew before. Every name is fictional (``etl.democity.city``).
"""

from __future__ import annotations

from datetime import date, datetime, time

import numpy as np
import polars as pl

from etl.democity.lifecycle import _end_of_working_day
from etl.democity.places import _TOWNSHIPS, PER_TOWNSHIP, estate_names, road_names

OVER_EXCLUDER = "市人力资源和社会保障局"
REDO_UNIT = "市住房和城乡建设局"
OVER_EXCLUSION_SHARE = 0.25  # of the over-excluder's valid dispatched orders, made invalid or exempt
REDO_SHARE = {True: 0.95, False: 0.25}  # of dissatisfied first verdicts redone: the redo unit, the others
DAY = 86_400
REVIEWERS = ("审核员 孟子涵", "审核员 钱思远", "审核员 葛文静", "审核员 邱立新")
INVALID_REASONS = (
    "重复来电，已并入原工单",
    "诉求人无法联系",
    "诉求内容不清，无法办理",
    "恶意骚扰电话",
    "非本单位职责，已退回",
)
EXEMPT_REASONS = ("非本单位职责，已申请改派", "诉求超出政策规定", "不可抗力（极端天气）", "同一诉求已另案办理")
# (headers per vendor) the optional fields each vendor's export carries
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "A": (
        ("处置方式", "disposal"), ("终止原因", "termination_reason"), ("申诉理由", "appeal_reason"),
        ("审核人", "reviewer"), ("审核时间", "reviewed_at"), ("原工单编号", "original_order_id"),
        ("办理结果", "reply"),
    ),
    "B": (
        ("处理方式", "disposal"), ("无效原因", "termination_reason"), ("豁免理由", "appeal_reason"),
        ("审批人", "reviewer"), ("审批时间", "reviewed_at"), ("原工单号", "original_order_id"),
        ("延期审批", "extension_approved"), ("回复内容", "reply"),
    ),
    "C": (("答复意见", "reply"),),
}  # fmt: skip
# Reply templates per class ({e}: an estate, {r}: a road). Some carry the courtesy lines real replies end
# with ("如有疑问可拨打……"), which a careless rule would read as a referral.
REPLIES: dict[str, tuple[str, ...]] = {
    "solved": (
        "您好！经核实，您反映的{e}小区问题属实，我单位已于次日安排人员现场处理，现已修复完毕，恢复正常。",
        "经现场查看，{r}相关问题已整改到位，已回访来电人确认。如有疑问可拨打本单位服务电话。",
        "接到工单后，我单位立即协调相关企业，拖欠款项已全部支付到位，来电人表示认可。",
        "经查，情况属实。已责令商户整改，并已退还来电人多收费用。",
        "已安排维修人员上门，故障已排除，现已恢复供应。感谢您对我们工作的监督。",
    ),
    "explained": (
        "您好！经核实，该收费标准符合本市现行规定，已向来电人解释说明相关政策，来电人表示理解。",
        "经调查，{e}小区相关情况如下：该项目按规划审批手续办理，我单位已将有关规定告知来电人。",
        "经了解，{r}施工系市政重点工程，施工时间经批准延长，已向市民说明原因，请您理解。",
        "根据《云溪市物业管理条例》相关规定，该事项应由业主大会决定，已向来电人作了解释。",
    ),
    "referred": (
        "经核实，您反映的问题不属于我单位职责范围，建议您向{r}所在街道办事处反映。",
        "该纠纷属于民事纠纷，建议您通过法律途径解决，可向人民法院提起诉讼。",
        "您反映的劳动争议，请您向区劳动人事争议仲裁委员会申请劳动仲裁。",
        "经核查，该事项已转交区住房和城乡建设局办理，请您联系该局咨询进展。",
    ),
    "unable": (
        "经核实，{e}小区加装电梯需全体业主同意，目前尚不具备实施条件，暂无法解决。",
        "因该路段改造资金尚未落实，暂时无法安排施工，已列入明年计划，待条件具备后实施。",
        "经调查，该问题属历史遗留问题，目前暂无法满足来电人诉求。",
    ),
}
# the reply class given the citizen's resolution answer (index: -1 none, 0 已解决, 1 部分解决, 2 未解决)
CLASS_ORDER = ("solved", "explained", "referred", "unable")
CLASS_WEIGHTS = {
    None: (0.55, 0.3, 0.1, 0.05),
    "已解决": (0.85, 0.15, 0.0, 0.0),
    "部分解决": (0.3, 0.45, 0.2, 0.05),
    "未解决": (0.0, 0.25, 0.35, 0.4),
}


def enrich(truth: pl.DataFrame, seed: int, firsts: list[date]) -> pl.DataFrame:
    """The truth with the planted exclusions, redo orders, replies and extension approvals added."""
    rng = np.random.default_rng([seed, 20])
    truth = _over_exclude(rng, truth)
    truth = pl.concat([truth, _redo_orders(rng, truth, firsts)], how="diagonal_relaxed").sort(
        "received_at", maintain_order=True
    )
    truth = _exclusion_details(rng, truth)
    truth = _replies(rng, truth)
    approved = pl.Series(rng.random(truth.height) > 0.15)  # a few extension requests are refused
    return truth.with_columns(pl.when(pl.col("due_ext_at").is_not_null()).then(approved).alias("extension_approved"))


def _seconds(rng: np.random.Generator, lo: float, hi: float, n: int) -> pl.Series:
    """n random durations of lo–hi seconds (whole seconds)."""
    return pl.Series(np.floor(rng.uniform(lo, hi, n)).astype(np.int64) * 1_000_000).cast(pl.Duration("us"))


def _over_exclude(rng: np.random.Generator, truth: pl.DataFrame) -> pl.DataFrame:
    target = (pl.col("department") == OVER_EXCLUDER) & pl.col("dispatched_at").is_not_null() & pl.col("is_valid")
    draw = pl.Series(rng.random(truth.height))
    invalid = target & (draw < OVER_EXCLUSION_SHARE * 0.55)
    exempt = target & (draw >= OVER_EXCLUSION_SHARE * 0.55) & (draw < OVER_EXCLUSION_SHARE)
    return truth.with_columns(
        pl.when(invalid).then(False).otherwise(pl.col("is_valid")).alias("is_valid"),
        pl.when(exempt).then(True).otherwise(pl.col("is_exempt")).alias("is_exempt"),
    )


def _exclusion_details(rng: np.random.Generator, truth: pl.DataFrame) -> pl.DataFrame:
    """处置方式, the reason, the reviewer and the review time of every invalid or exempt order."""
    n = truth.height
    invalid = ~truth["is_valid"]
    exempt = truth["is_valid"] & truth["is_exempt"]
    over = truth["department"] == OVER_EXCLUDER
    # the over-excluder's reasons lean on the unverifiable ones, and one reviewer signs nearly all
    inv_pick = np.where(
        over.fill_null(False).to_numpy(), rng.choice([1, 4], n), rng.integers(0, len(INVALID_REASONS), n)
    )
    ex_pick = np.where(over.fill_null(False).to_numpy(), 0, rng.integers(0, len(EXEMPT_REASONS), n))
    reviewer = np.where(over.fill_null(False).to_numpy() & (rng.random(n) < 0.9), 0, rng.integers(1, len(REVIEWERS), n))
    frame = truth.with_columns(
        __invalid=invalid,
        __exempt=exempt,
        __reviewed=(pl.col("dispatched_at") + _seconds(rng, DAY, 4 * DAY, n)).dt.truncate("1h"),
        __inv=pl.Series(INVALID_REASONS).gather(inv_pick),
        __ex=pl.Series(EXEMPT_REASONS).gather(ex_pick),
        __who=pl.Series(REVIEWERS).gather(reviewer),
    )
    dispatched = pl.col("dispatched_at").is_not_null()
    inv, ex = dispatched & pl.col("__invalid"), dispatched & pl.col("__exempt")
    return frame.with_columns(
        pl.when(inv).then(pl.lit("无效工单")).when(ex).then(pl.lit("申诉豁免")).alias("disposal"),
        pl.when(inv).then(pl.col("__inv")).alias("termination_reason"),
        pl.when(ex).then(pl.col("__ex")).alias("appeal_reason"),
        pl.when(inv | ex).then(pl.col("__who")).alias("reviewer"),
        pl.when(inv | ex).then(pl.col("__reviewed")).alias("reviewed_at"),
    ).drop("__invalid", "__exempt", "__reviewed", "__inv", "__ex", "__who")


def _redo_orders(rng: np.random.Generator, truth: pl.DataFrame, firsts: list[date]) -> pl.DataFrame:
    """One redo per chosen dissatisfied first verdict: same caller, category and unit, received after the
    callback, handled again and rated again (the redo unit's callers mostly give in)."""
    end = datetime.combine(firsts[-1], time())
    poor = truth.filter(
        pl.col("dispatched_at").is_not_null()
        & (pl.col("satisfaction") == "不满意")
        & pl.col("callback_at").is_not_null()
        # the planted recurring problems and spikes stay as etl.democity.eval measures them: a redo of one of
        # their orders would join the problem unlabelled and add calls the spike's truth does not count
        & pl.col("problem_id").is_null()
    )
    mine = (poor["department"] == REDO_UNIT).to_numpy()
    keep = rng.random(poor.height) < np.where(mine, REDO_SHARE[True], REDO_SHARE[False])
    poor, mine = poor.filter(pl.Series(keep)), mine[keep]
    n = poor.height

    def seconds(lo: float, hi: float) -> pl.Series:
        return _seconds(rng, lo, hi, n)

    received = poor["callback_at"] + seconds(0.5 * DAY, 3 * DAY)
    dispatched = received + seconds(600, 3600)
    due_day = _end_of_working_day(dispatched.dt.epoch("s").to_numpy().astype(float), np.full(n, 5))
    closed = dispatched + seconds(0.2 * DAY, 4 * DAY)
    callback = closed + seconds(3600, DAY)
    happy = np.where(mine, rng.choice(3, n, p=[0.82, 0.13, 0.05]), rng.choice(3, n, p=[0.45, 0.25, 0.30]))
    redo = poor.select(
        "channel",
        "appeal_type",
        "category_l1",
        "category_l2",
        "category_l3",
        "citizen_name",
        "citizen_phone",
        "county",
        "township",
        "department",
        "urgency",
    ).with_columns(
        received_at=received,
        dispatched_at=dispatched,
        signed_at=dispatched + seconds(300, 1800),
        responded_at=dispatched + seconds(1800, 6 * 3600),
        due_at=pl.from_epoch(pl.Series(due_day.astype(np.int64)), time_unit="s"),
        due_ext_at=pl.lit(None, dtype=pl.Datetime("us")),
        closed_at=closed,
        callback_at=callback,
        return_count=pl.lit(0, dtype=pl.Int32),
        resolution=pl.Series(np.where(happy < 2, "已解决", "未解决")),
        satisfaction=pl.Series(np.array(["满意", "基本满意", "不满意"])[happy]),
        is_valid=pl.lit(True),
        is_exempt=pl.lit(False),
        original_order_id=poor["order_id"],
        content=pl.lit("市民再次来电：") + poor["content"] + pl.lit("，前次办理后问题仍未解决，要求重新办理"),
    )
    redo = redo.filter(pl.col("callback_at") < end)
    months = np.searchsorted(np.array([np.datetime64(d) for d in firsts]), redo["received_at"].to_numpy(), "right") - 1
    day = redo["received_at"].dt.strftime("%Y%m%d")
    seq = pl.Series(np.arange(redo.height) + 900_001).cast(pl.String)
    ids = pl.select(pl.concat_str(pl.lit("YX"), day, seq)).to_series()
    return redo.with_columns(order_id=ids, month=pl.Series(months, dtype=pl.Int32))


def _replies(rng: np.random.Generator, truth: pl.DataFrame) -> pl.DataFrame:
    """A reply for every closed order, from templates of a class drawn given the citizen's answer."""
    n = truth.height
    resolution = truth["resolution"].to_list()
    draw = rng.random(n)
    classes = []
    for r, u in zip(resolution, draw, strict=True):
        cumulative = np.cumsum(CLASS_WEIGHTS[r])
        classes.append(CLASS_ORDER[int(np.searchsorted(cumulative, u * cumulative[-1], side="right"))])
    picks = rng.integers(0, 1000, n)
    codes = rng.integers(0, PER_TOWNSHIP, n)
    index = {name: i for i, name in enumerate(_TOWNSHIPS)}  # the order's own township's estates and roads
    towns = np.array([index.get(t, 0) for t in truth["township"].to_list()], dtype=np.int64)
    estates, roads = estate_names(towns, codes).to_list(), road_names(towns, codes).to_list()
    texts = [
        REPLIES[c][p % len(REPLIES[c])].replace("{e}", e).replace("{r}", r)
        for c, p, e, r in zip(classes, picks, estates, roads, strict=True)
    ]
    closed = pl.col("closed_at").is_not_null()
    return truth.with_columns(
        pl.when(closed).then(pl.Series(texts)).alias("reply"),
        pl.when(closed).then(pl.Series(classes)).alias("reply_class"),
    )


def visible(as_of: datetime) -> list[pl.Expr]:
    """In a snapshot at ``as_of``: a review not yet made, and the reply of an order not yet closed, are empty
    (``closed_at`` is already cut to what happened by ``as_of``)."""
    reviewed = pl.col("reviewed_at") <= as_of
    return [
        *(
            pl.when(reviewed).then(pl.col(c)).alias(c)
            for c in ("disposal", "termination_reason", "appeal_reason", "reviewer")
        ),
        pl.when(reviewed).then(pl.col("reviewed_at")).alias("reviewed_at"),
        pl.when(pl.col("closed_at").is_not_null()).then(pl.col("reply")).alias("reply"),
    ]
