"""The shape of a metric and the helpers the registry's tables are written with (``warehouse.registry``,
``warehouse.registry_integrity``): one definition of what a count, a coverage count and a rate are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from warehouse.fields import FIELD_BY_NAME


@dataclass(frozen=True)
class Metric:
    key: str
    label_zh: str
    label_en: str
    unit: str  # count | weighted_count | ratio | points
    higher_is_better: bool | None
    definition_zh: str
    definition_en: str
    numerator: str | None = None
    denominator: str | None = None
    where: str | None = None  # fct_work_orders predicate: the orders this count counts
    date_basis: str = "dispatched"  # which date places an order in a day/month: dispatched | received
    settings: tuple[str, ...] = ()
    # measurability: the count of orders whose source file carries this figure's inputs; 0 = not available
    requires: str | None = None
    inputs: tuple[str, ...] = ()  # on a *_measurable_count: canonical fields its source file must carry
    any_input: bool = False  # ... any one of ``inputs`` is enough (else all of them)
    # ... of which these must be read from a column of their own: a profile that feeds one export column into
    # two fields (Baltimore's CreatedDate into receipt and dispatch time) carries them, but cannot tell orders
    # apart by them (every order would look dispatched, none answered directly)
    own_column: tuple[str, ...] = ()
    base: str | None = None  # on a *_measurable_count: the count it covers (coverage = this ÷ base)
    lagging: bool = False  # grows for weeks after the period ends (closure, callback): marked 未完整 until mature
    where_at: str | None = None  # ``where`` as it stood at $cutoff (like-for-like comparisons), when it differs
    # on a *_measurable_count: another measurable count whose inputs serve as a proxy (the redo chain: a
    # source without link fields but with phone and category measures redos by repeat calls)
    proxy: str | None = None
    also_requires: tuple[str, ...] = ()  # further measurable counts the figure needs besides ``requires``
    # fed by an optional export field (redo links, extensions, replies: issue 20): when not available it is
    # named in ``missing_optional``, not ``missing_rates`` (which lists the SPEC §3 rates an export lacks)
    optional: bool = False

    @property
    def is_rate(self) -> bool:
        return self.unit == "ratio"

    @property
    def needs(self) -> tuple[str, ...]:
        """Every measurable count whose orders must exist for the figure to be available."""
        return tuple(n for n in (self.requires, *self.also_requires) if n)

    @property
    def fct_flag(self) -> str:
        """On a *_measurable_count: its per-order column in fct_work_orders (is_response_measurable, ...)."""
        return "is_" + self.key.removesuffix("_count")


def _count(key: str, zh: str, en: str, where: str, def_zh: str, def_en: str, **kw: Any) -> Metric:
    return Metric(key, zh, en, "count", None, def_zh, def_en, where=where, **kw)


def _measurable(key: str, zh: str, en: str, inputs: tuple[str, ...], base: str, **kw: Any) -> Metric:
    """Orders of ``base`` whose source file carries ``inputs`` (mapped, and a value in at least one row)."""
    flag = "is_" + key.removesuffix("_count")
    pre = {"dispatched_count": "is_dispatched", "received_count": "TRUE"}.get(base, "is_assessed")
    names = ("、" if kw.get("any_input") else "和").join(f"「{FIELD_BY_NAME[f].label_zh}」" for f in inputs)
    fields_en = " or ".join(inputs) if kw.get("any_input") else " and ".join(inputs)
    proxy_zh = proxy_en = ""
    if kw.get("proxy"):
        proxy_zh, proxy_en = (
            "（没有时，带「联系电话」和「二级分类」也可，按重复来电推算）",
            " (else phone and category_l2: the proxy)",
        )
    own_zh = own_en = ""
    if own := kw.get("own_column"):
        own_zh = "，且" + "、".join(f"「{FIELD_BY_NAME[f].label_zh}」" for f in own) + "不与其他字段取自同一列"
        own_en = ", " + " and ".join(own) + " read from a column of its own (not one another field is read from)"
    kind = {"is_dispatched": "派单", "TRUE": "受理"}.get(pre, "考核")
    def_zh = f"来源文件带有{names}字段（且至少一行有值{own_zh}）{proxy_zh}的{kind}工单数。"
    def_en = (
        f"{base.removesuffix('_count').capitalize()} orders whose source file carries {fields_en}{own_en}{proxy_en}."
    )
    return Metric(key, zh, en, "count", None, def_zh, def_en, where=f"{pre} AND {flag}", inputs=inputs, base=base, **kw)


def _rate(
    key: str,
    zh: str,
    en: str,
    num: str,
    den: str,
    better: bool,
    def_zh: str,
    def_en: str,
    settings: tuple[str, ...] = (),
    **kw: Any,
) -> Metric:
    return Metric(key, zh, en, "ratio", better, def_zh, def_en, numerator=num, denominator=den, settings=settings, **kw)
