"""Quantities stated in free text (goal texts) and whether a grid value agrees with them.

Pure functions, no form objects: review.py's text_grid_mismatch calls ``stated_quantities``
and ``agrees``. Magnitudes are scaled (5000亿元 = 0.5万亿元, 1.2万家 = 12000家), comparator
words are read (不低于/达到 >=, 突破/超过 >, …), ranges kept, and changes against another year
(较上年提高5个百分点, 增长5%) are marked relative: never compared with a level.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.values import _PRE_OP, _PRE_RE, _SUF_OP, _SUF_RE, KNOWN_UNITS, normalize_value

_MONEY = {"元": 1.0, "千元": 1e3, "万元": 1e4, "百万元": 1e6, "千万元": 1e7, "亿元": 1e8, "万亿元": 1e12}
_PCT = {"%": 1.0, "‰": 0.1, "百分点": 1.0, "个百分点": 1.0}
_MAGNITUDE = {"万亿": 1e12, "千万": 1e7, "百万": 1e6, "亿": 1e8, "万": 1e4}


@dataclass(frozen=True)
class StatedQuantity:
    num: float
    num_max: float | None
    unit: str | None
    comparator: str  # '=', '>=', '<=', '>', '<'
    text: str
    relative: bool = False


def unit_scale(unit: str | None) -> tuple[str | None, float]:
    """(family, factor to the family's base). A bare magnitude (亿, 万) has family None."""
    if not unit:
        return None, 1.0
    if unit in _MONEY:
        return "money", _MONEY[unit]
    if unit in _PCT:
        return "pct", _PCT[unit]
    for mag, factor in _MAGNITUDE.items():
        if unit == mag:
            return None, factor
        if unit.startswith(mag) and len(unit) > len(mag):
            return unit[len(mag):], factor
    return unit, 1.0


_UNITS = sorted(set(KNOWN_UNITS) | set(_MONEY) | {"万亿", "万家", "万人次", "万户", "万亩", "万吨"},
                key=len, reverse=True)
_UNIT_ALT = "|".join(re.escape(u) for u in _UNITS)
_NUM = r"(?:0|[1-9]\d*)(?:\.\d+)?"
_TEXT_RE = re.compile(
    r"(?P<rel>(?:较|比|同比|相比)(?:上年度?|去年|上一年度?|(?:19|20)\d{2}年度?)?(?:同期)?"
    r"|(?<![到至])(?=提高|提升|增长|增加|上升|降低|下降|减少|压减))?"
    r"(?P<verb>(?:提高|提升|增长|增加|上升|降低|下降|减少|压减)(?P<to>到|至)?了?)?"
    rf"(?P<pre>{_PRE_RE}|保持在|稳定在|达)?"
    rf"(?P<a>{_NUM})(?P<ua>{_UNIT_ALT})?(?:(?:-|~|至|到)(?P<b>{_NUM})(?P<ub>{_UNIT_ALT})?)?"
    rf"(?P<suf>{_SUF_RE})?")
_YEAR_RE = re.compile(r"(?:19|20)\d{2}年|\d{1,2}月|\d{1,2}[日号]")


def stated_quantities(text: str) -> list[StatedQuantity]:
    """Every quantity stated in ``text`` with a unit or a comparator word (bare numbers such as
    list markers 1. 2. and years/dates are skipped)."""
    s = normalize_value(text)
    out = []
    for m in _TEXT_RE.finditer(s):
        unit = m["ub"] or m["ua"]
        if not (unit or m["pre"] or m["suf"]):
            continue
        if _YEAR_RE.match(s, m.start("a")):
            continue
        lo = float(m["a"])
        hi = float(m["b"]) if m["b"] else None
        if hi is not None and hi < lo:
            lo, hi = hi, lo
        op = ">=" if hi is not None else (_PRE_OP.get(m["pre"] or "") or _SUF_OP.get(m["suf"] or "")
                                          or ("=" if m["pre"] in (None, "保持在", "稳定在") else ">="))
        relative = bool(m["verb"]) and not m["to"] or (bool(m["rel"]) and not m["to"])
        out.append(StatedQuantity(lo, hi, unit, op, m.group(0), relative))
    return out


def agrees(grid_num: float, grid_max: float | None, grid_unit: str | None, stated: StatedQuantity) -> bool | None:
    """Does a grid target agree with a stated quantity? None when they cannot be compared
    (different kinds of unit, or a relative change). Bounds are closed: 突破5000亿元 agrees
    with a grid target of 5000亿元 (the text restates the target level)."""
    if stated.relative:
        return None
    gf, gfac = unit_scale(grid_unit)
    sf, sfac = unit_scale(stated.unit)
    if gf and sf and gf != sf:
        return None
    lo, hi = grid_num * gfac, (grid_max if grid_max is not None else grid_num) * gfac
    a = stated.num * sfac
    b = stated.num_max * sfac if stated.num_max is not None else a
    eps = 1e-9 * max(1.0, abs(lo), abs(hi), abs(a), abs(b))
    if stated.num_max is not None:
        return lo <= b + eps and hi >= a - eps
    if stated.comparator in (">=", ">"):
        return hi >= a - eps
    if stated.comparator in ("<=", "<"):
        return lo <= a + eps
    return lo - eps <= a <= hi + eps
