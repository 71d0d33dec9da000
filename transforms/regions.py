"""Infer the region (province / city / county) of a department from its name.

The GB/T 2260 table lives in ``transforms/data/adcodes.csv`` (see the README
there).  It is loaded once, lazily, into an alias index:

* every unit's full name (湖北省, 鄂州市, 恩施土家族苗族自治州, 大冶市, 朝阳区);
* short forms: 恩施州 / 恩施自治州 for 自治州, 长阳县 / 长阳自治县 for 自治县, X旗 for 自治旗;
* *weak* aliases: suffix-less names of provinces (湖北) and prefecture-level units
  (鄂州, 恩施), and two-character county names (城区, 东区, 房县, 和县), which are
  too generic to trust against other evidence.

A name is scanned left to right taking the longest alias at each position
(恩施市 beats 恩施).  Among the units mentioned, the winner is the one that agrees
with (lies inside) the most strong mentions, then the most weak ones, then the
most specific, then the earliest: 湖北省鄂州市鄂城区… -> 鄂城区; 湖北省中山舰… -> 湖北省
(the weak 中山 of Guangdong disagrees with the strong 湖北省).  A tie (朝阳区: Beijing
or Changchun) is narrowed by the regions of the hints, then by default_province;
still ambiguous -> None.  Weak-only evidence must agree with the hints /
default_province when those are given.

Names without a region (市科技局, 县财政局, 省财政厅, 财政局) fall back to the hints,
most specific first: a leading 省 takes the province of the hints or
default_province; 市/州 takes the city (a county-level 市 such as 大冶市 stays
itself); 县/区 needs a county (or a province-administered peer such as 仙桃市).
Text after 驻 (湖北省人民政府驻北京办事处) names where an office sits, not its owner,
and is ignored once a region was found before it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ADCODES_CSV = Path(__file__).resolve().parent / "data" / "adcodes.csv"

_DEPTH = {"province": 0, "city": 1, "county": 2}
_MUNICIPALITIES = {"11", "12", "31", "50"}
# A leading level marker in a name that does not name its region (市科技局, 中共县委…).
_MARKER_RE = re.compile(r"^(?:中共|中国共产党|共青团|政协)?([省市州县区])")
_ETHNIC = (
    "土家 苗 蒙古 回 藏 维吾尔 彝 壮 布依 朝鲜 满 侗 瑶 白 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
).split()
_ETHNIC_ALT = "|".join(sorted(_ETHNIC, key=len, reverse=True))
# 恩施土家族苗族自治州 -> ('恩施', '州'); 伊犁哈萨克自治州 -> ('伊犁', '州')
_AUTONOMOUS_RE = re.compile(rf"^(.{{2,}}?)(?:(?:{_ETHNIC_ALT})族?)+自治([州县旗])$")


@dataclass(frozen=True)
class Region:
    province: str
    city: str | None
    county: str | None
    admin_level: str  # 'province' | 'city' | 'county'
    region_code: str  # 6-digit code of the most specific unit


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    province_code: str
    city_code: str  # '' for provinces
    level: str
    chain: frozenset[str]  # own code and the codes of its parents


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    codes: frozenset[str]
    weak: bool


@dataclass
class _Index:
    units: dict[str, _Unit]
    regions: dict[str, Region]
    aliases: dict[str, tuple[frozenset[str], bool]]  # alias -> (unit codes, weak)
    lengths: dict[str, tuple[int, ...]]  # first char -> alias lengths, longest first


def _short_forms(unit: _Unit) -> list[tuple[str, bool]]:
    """(alias, weak) pairs besides the full name."""
    name, out = unit.name, []
    m = _AUTONOMOUS_RE.match(name)
    if unit.level == "province":
        short = re.sub(r"(?:(?:壮族|回族|维吾尔)?自治区|省|市|特别行政区)$", "", name)
        out.append((short, True))
    elif unit.code[4:] == "00":  # prefecture level (not a province-administered peer)
        if m:
            out += [(m[1] + "州", False), (m[1] + "自治州", False), (m[1], True)]
        else:
            out.append((re.sub(r"(?:市|地区|盟|州)$", "", name), True))
    elif m:  # autonomous county / banner
        suffix = "县" if m[2] == "县" else m[2]
        out += [(m[1] + suffix, False), (m[1] + "自治" + suffix, False)]
    return [(a, weak) for a, weak in out if len(a) >= 2 and a != name]


def _build_index(path: Path = ADCODES_CSV) -> _Index:
    units: dict[str, _Unit] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            chain = frozenset(c for c in (row["code"], row["province_code"], row["city_code"]) if c)
            units[row["code"]] = _Unit(row["code"], row["name"], row["province_code"],
                                       row["city_code"], row["level"], chain)

    regions = {}
    for u in units.values():
        province = units[u.province_code].name
        city = units[u.city_code].name if u.level == "county" else u.name if u.level == "city" else None
        regions[u.code] = Region(province, city, u.name if u.level == "county" else None, u.level, u.code)

    strong: dict[str, set[str]] = {}
    weak: dict[str, set[str]] = {}
    for u in units.values():
        generic = u.level == "county" and len(u.name) == 2  # 城区, 东区, 和县…
        (weak if generic else strong).setdefault(u.name, set()).add(u.code)
        for alias, is_weak in _short_forms(u):
            (weak if is_weak else strong).setdefault(alias, set()).add(u.code)

    aliases: dict[str, tuple[frozenset[str], bool]] = {}
    for table, is_weak in ((weak, True), (strong, False)):  # strong overrides weak
        for alias, codes in table.items():
            # 吉林 = province and city: keep the province (the broader reading).
            codes = {c for c in codes if not (units[c].chain - {c}) & codes}
            aliases[alias] = (frozenset(codes), is_weak)

    lengths: dict[str, set[int]] = {}
    for alias in aliases:
        lengths.setdefault(alias[0], set()).add(len(alias))
    return _Index(units, regions, aliases,
                  {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()})


@lru_cache(maxsize=1)
def _index() -> _Index:
    return _build_index()


@lru_cache(maxsize=8192)
def _scan(text: str) -> tuple[_Mention, ...]:
    """Leftmost-longest alias matches in text; mentions after an office's 驻 are dropped."""
    idx = _index()
    found: list[_Mention] = []
    i, n = 0, len(text)
    while i < n:
        for length in idx.lengths.get(text[i], ()):
            hit = idx.aliases.get(text[i:i + length]) if i + length <= n else None
            if hit:
                found.append(_Mention(i, i + length, *hit))
                i += length
                break
        else:
            if text[i] == "驻" and found:
                break
            i += 1
    return tuple(found)


def _related(a: _Unit, b: _Unit) -> bool:
    """One unit contains the other (or they are the same)."""
    return a.code in b.chain or b.code in a.chain


def _from_mentions(mentions: Sequence[_Mention], contexts: Sequence[_Unit]) -> list[_Unit]:
    """Best units for the mentions: one unit = resolved, several = ambiguous, none = no usable match."""
    units = _index().units
    strong = [m.codes for m in mentions if not m.weak]
    weak = [m.codes for m in mentions if m.weak]
    best: list[_Unit] = []
    best_key = None
    for m in mentions:
        for code in m.codes:
            u = units[code]
            key = (sum(1 for s in strong if s & u.chain), sum(1 for w in weak if w & u.chain),
                   _DEPTH[u.level], -m.start)
            if best_key is None or key > best_key:
                best_key, best = key, [u]
            elif key == best_key:
                best.append(u)
    if best and best_key[0] == 0 and contexts:  # weak evidence only: must fit the context
        best = [u for u in best if any(_related(u, c) for c in contexts)]
    for ctx in contexts:
        if len(best) <= 1:
            break
        best = [u for u in best if _related(u, ctx)] or best
    return best


@lru_cache(maxsize=4096)
def _default_province(name: str | None) -> _Unit | None:
    if not name:
        return None
    idx = _index()
    if name in idx.units and idx.units[name].level == "province":
        return idx.units[name]
    codes, _ = idx.aliases.get(name.strip(), (frozenset(), True))
    provinces = [idx.units[c] for c in codes if idx.units[c].level == "province"]
    return provinces[0] if len(provinces) == 1 else None


@lru_cache(maxsize=8192)
def _hint_unit(hint: str, default: _Unit | None) -> _Unit | None:
    best = _from_mentions(_scan(hint), (default,) if default else ())
    return best[0] if len(best) == 1 else None


def _from_marker(marker: str | None, hint_units: list[_Unit], default: _Unit | None) -> _Unit | None:
    """Region of a name without one (市科技局 / 县财政局 / 省财政厅 / 财政局), from the hints."""
    units = _index().units
    if marker == "省":
        if hint_units:
            return units[hint_units[0].province_code]
        return default
    if not hint_units:
        return None
    u = hint_units[0]
    if marker is None:
        return u
    if marker in "市州":
        if u.level == "province":
            return u if u.code[:2] in _MUNICIPALITIES else None
        if u.level == "county" and not (marker == "市" and u.name.endswith("市")):
            return units[u.city_code]
        return u
    # 县 / 区
    return u if u.level == "county" or u.code[2:4] == "90" else None


def infer_region(department: str, hints: Sequence[str] = (),
                 default_province: str | None = None) -> Region | None:
    """Region of a department, from its name, else from path hints (most specific first).

    default_province (name like 湖北省 / 湖北, or code 420000) resolves 省… names and
    breaks ties between same-named units of different provinces.
    """
    name = (department or "").strip()
    default = _default_province(default_province)
    hint_units = [u for u in (_hint_unit(h, default) for h in hints if h) if u is not None]
    contexts = hint_units + ([default] if default else [])

    best = _from_mentions(_scan(name), contexts)
    if len(best) > 1:
        return None
    if best:
        unit = best[0]
    else:
        marker = _MARKER_RE.match(name)
        unit = _from_marker(marker[1] if marker else None, hint_units, default)
    return _index().regions[unit.code] if unit else None


def region_by_code(code: str | None) -> Region | None:
    """The region of a GB/T 2260 code (420281 → 湖北省 / 黄石市 / 大冶市), or None."""
    return _index().regions.get(str(code or "").strip()) or None
