"""The one label catalogue: every user-facing word, in Simplified Chinese (default) and English.

The words are data (``labels/*.toml``, one file per namespace, ``key = ["中文", "English"]``), below
every consumer: pages, reports, the evidence pack and the command line all read them here. Metric
and level names come from ``warehouse.registry`` and field names from ``warehouse.fields``, never
retyped in the TOML. A key defined in two files is an error, not a silent override.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

_DIR = Path(__file__).parent


@functools.cache
def catalogue() -> dict[str, tuple[str, str]]:
    """Every label, read once per process."""
    out: dict[str, tuple[str, str]] = {}
    for path in sorted(_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            for key, value in tomllib.load(fh).items():
                if key in out:
                    raise ValueError(f"label {key!r} is defined twice (second time in {path.name})")
                if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
                    raise ValueError(f'label {key!r} in {path.name} must be ["中文", "English"]')
                out[key] = (value[0], value[1])
    return out


LABELS = catalogue()


def has(key: str) -> bool:
    return key in LABELS


def t(key: str, lang: str = "zh") -> str:
    zh, en = LABELS[key]
    return en if lang == "en" else zh


def relabel(columns: list[str], lang: str = "zh") -> dict[str, str]:
    """Column renames for a table shown to people (unknown columns keep their names)."""
    return {c: t(c, lang) for c in columns if c in LABELS}


def metric_label(key: str, lang: str = "zh") -> str:
    """A metric's name from warehouse.registry (never duplicated in this catalogue)."""
    from warehouse.registry import get_metric

    m = get_metric(key)
    return m.label_en if lang == "en" else m.label_zh


def level_label(name: str, lang: str = "zh") -> str:
    """A level's name from warehouse.registry ('city' included)."""
    from warehouse.registry import CITY, get_level

    lvl = CITY if name == "city" else get_level(name)
    return lvl.label_en if lang == "en" else lvl.label_zh


def lists_rule(settings: dict, lang: str = "zh", by: str = "score") -> str:
    """The red/black list rule with the numbers in force (``settings`` as ``Settings.to_dict()``; ``by``: the
    figure ranked on): printed beside every list, on the pages and in the report."""
    targets = {k: v for k, v in (settings.get("targets") or {}).items() if not isinstance(v, dict)}
    if by != "score":  # a ranking by one rate judges that rate's target only
        targets = {k: v for k, v in targets.items() if f"{k}_rate" == by}
    shown = "、".join(f"{metric_label(f'{k}_rate', lang)} ≥ {100 * v:g}%" for k, v in targets.items())
    extra = t("lists_rule_targets", lang).format(targets=shown) if targets else ""
    size, units = settings.get("red_black_size"), settings.get("red_black_min_units")
    return t("lists_rule", lang).format(size=size, min_units=units, targets=extra, by=metric_label(by, lang))


def missing_fields(rates: list[str] | tuple[str, ...], lang: str = "zh") -> str:
    """The source fields whose absence makes ``rates`` unavailable, named for people and no more than that:
    '首次联系时间、退单次数、联系电话或二级分类' (a rate needing two fields lacks one *or* the other; the
    callback rate, needing any of three, lacks all of them)."""
    from warehouse.registry import METRIC_BY_KEY

    sep, either, both = ("、", "或", "和") if lang == "zh" else (", ", " or ", " and ")
    named: list[str] = []
    for key in rates:
        for need in (METRIC_BY_KEY[n] for n in METRIC_BY_KEY[key].needs):
            if not need.inputs:
                continue
            labels = [
                t("field_own_column", lang).format(field=t(f"field_{f}", lang)) if f in need.own_column
                else t(f"field_{f}", lang)
                for f in need.inputs
            ]  # fmt: skip
            if need.proxy:  # the redo links, or else what the proxy needs: one phrase
                proxy = both.join(t(f"field_{f}", lang) for f in METRIC_BY_KEY[need.proxy].inputs)
                named.append(either.join([*labels, proxy]))
            elif need.any_input:
                named += labels
            else:
                named.append(either.join(labels))
    return sep.join(dict.fromkeys(named))
