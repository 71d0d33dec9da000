"""Literal parsing of an indicator value cell (指标值) into number, unit and comparator.

Purely textual: the indicator name is not consulted (caps such as 变动率 `0%` meaning
"at most" are a later, name-aware step). Never raises.

Grammar of a quantitative value after normalisation (no whitespace, ASCII signs):

    [prefix comparator] NUMBER [UNIT] [suffix comparator]              e.g. 不低于90%, 10家以上
    [prefix comparator] NUMBER [UNIT] SEP NUMBER [UNIT] [suffix]       e.g. 90%-95%, 3-5个

NUMBER is Arabic (optional sign and decimals) or a Chinese numeral. Anything else is
'compound' (two or more parts holding digits, e.g. 高级不超过80%、中级不超过90%) or
'qualitative' (效果明显, 完成3项改革任务).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from transforms.text import BOOKMARK_RE, ZERO_WIDTH


@dataclass(frozen=True)
class ParsedValue:
    num: float | None = None
    num_max: float | None = None  # upper bound of a range, else None
    unit: str | None = None
    comparator: str | None = None  # '=', '>=', '<=', '>', '<'
    kind: str = "missing"  # 'quantitative' | 'qualitative' | 'missing' | 'compound'


MISSING = ParsedValue()
QUALITATIVE = ParsedValue(kind="qualitative")
COMPOUND = ParsedValue(kind="compound")

# Cells that stand for "no value" (compared after normalisation and casefold).
PLACEHOLDERS = frozenset(
    "无 暂无 待定 新增 新增项目 / - — —— -- XX xx ×× ** ＊＊ N/A 不适用".split()
)

# Units recognised on their own (`次` alone = missing value with unit) and the only units
# accepted after a Chinese numeral: otherwise 一般 or 十分满意 would read as numbers.
KNOWN_UNITS = frozenset(
    """% ‰ 个 项 家 次 人 人次 名 件 套 期 篇 场 所 台 批 部 本 份 条 处 座 支 户 册 辆 类 种
    元 万元 亿元 万 亿 万人 万人次 年 月 天 日 周 小时 分钟 分 平方米 亩 公顷 公里 吨
    百分点 个百分点 元/人 工作日 个工作日 个月 例 米 千米 千克 公斤 立方米""".split()
)

# Comparator words, longest first so that 大于等于 wins over 大于.
_PREFIX = {
    ">=": "大于或等于 大于等于 不低于 不少于 不小于 至少 达到 >=",
    "<=": "小于或等于 小于等于 不超过 不高于 不大于 不多于 最多 控制在 <=",
    ">": "超过 突破 大于 高于 多于 >",
    "<": "低于 不足 小于 少于 <",
    "=": "等于 约 =",
}
_SUFFIX = {
    ">=": "及以上 或以上 以上",
    "<=": "及以下 或以下 以下 以内 之内 内",
    "=": "左右",  # "about": no bound either way
}


def _alternation(table: dict[str, str]) -> tuple[str, dict[str, str]]:
    words = {w: op for op, ws in table.items() for w in ws.split()}
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), words


_PRE_RE, _PRE_OP = _alternation(_PREFIX)
_SUF_RE, _SUF_OP = _alternation(_SUFFIX)

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN = "零〇一二两三四五六七八九十百千"
# 万/亿 belong to a Chinese numeral only when more numeral follows (一万二千); a trailing
# 万/亿 is read as the unit, as with digits (三万元 -> 3 万元, like 3000万元; 80亿 -> 80 亿).
# Magnitudes are never scaled here: the unit is kept as written.
# Arabic integers with a leading zero (027-60896392, 004) are codes, not quantities.
_NUM = rf"[-+]?(?:0|[1-9]\d*)(?:\.\d+)?|[{_CN}]+(?:[万亿][{_CN}]+)*"
# A unit is % / ‰, or 1-4 CJK/Latin characters with an optional "/per" part (元/人).
# Longer tails (3项改革任务) are sentences, not units.
# Rates per N keep the denominator in the unit (3.2例/10万人, ≤5/万); a middle dot joins
# compound units (元/吨·公里).
_WORD = r"[\u4e00-\u9fffA-Za-z°](?:·?[\u4e00-\u9fffA-Za-z°]){0,3}?"
_PER = rf"/(?:\d+(?:\.\d+)?)?{_WORD}"
_UNIT = rf"[%‰]|{_WORD}(?:{_PER})?|{_PER}"
_SEP = r"-|~|〜|—|–|至|到"
_VALUE_RE = re.compile(
    rf"(?P<pre>{_PRE_RE})?"
    rf"(?P<a>{_NUM})(?P<ua>{_UNIT})??"
    rf"(?:(?:{_SEP})(?P<b>{_NUM})(?P<ub>{_UNIT})??)?"
    rf"(?P<suf>{_SUF_RE})?"
)
_ARABIC_RE = re.compile(r"[-+]?\d")
_SPLIT_RE = re.compile(r"[、,;/和及]|以及")
_SPACE_RE = re.compile(rf"[\s{ZERO_WIDTH}]+")
_SIGNS = str.maketrans({"≧": ">=", "≥": ">=", "≦": "<=", "≤": "<=", "−": "-", "・": "·", "•": "·", "∙": "·", "⋅": "·"})
# A label before an explicit comparator or a colon (达标率≥98%, 满意度:95%), or a rate's name
# right before its number (达标率98%). Tried only when the plain grammar fails.
_LABEL_RE = re.compile(rf"(?P<label>[\u4e00-\u9fffA-Za-z()]{{1,12}}?)(?:(?=(?:{_PRE_RE}))|:|(?<=[率度])(?=\d))(?P<rest>.+)")
# Growth phrases: a change against another year (较上年提高5%): the unit names the reference.
_GROWTH_RE = re.compile(
    r"(?:[\u4e00-\u9fff]{0,12}?)(?:较|比|同比|相比)(?P<ref>上年度?|去年|上一年度?|(?:19|20)\d{2}年度?)?(?:同期)?"
    r"(?P<verb>提高|提升|增长|增加|上升|降低|下降|减少|压减|缩短)了?(?P<rest>.+)")
_DOWN = {"降低", "下降", "减少", "压减", "缩短"}
_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "=": "="}
# 2015.08 is an amount, not a date: only 年, - and / mark a year.
# Dates and deadlines (2026年底前, 11月30日前, 2026年9月) are qualitative, never the number 2026.
_DATE_RE = re.compile(
    r"(?:19|20)\d{2}(?:年|[-/](?:0?[1-9]|1[0-2])(?!\d))|\d{1,2}月\d{1,2}[日号]"
    r"|\d{1,2}月(?:底|末|初|前|中旬|上旬|下旬|份)|\d{1,2}[日号](?:前|之前|以前)|\d年(?:底|末|初)")


def normalize_value(raw: str | None) -> str:
    """NFKC, no whitespace/bookmarks, ASCII comparators, no thousands separators."""
    s = unicodedata.normalize("NFKC", BOOKMARK_RE.sub("", str(raw or "")))
    s = _SPACE_RE.sub("", s).translate(_SIGNS)
    s = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", s)  # 1,000 -> 1000 (NFKC made ， into ,)
    s = re.sub(r"百分之([\d.]+|[" + _CN + "]+)", r"\1%", s)  # 百分之九十 -> 九十%
    return s.rstrip("。.,;:")


_PLACEHOLDERS_CF = frozenset(normalize_value(p).casefold() for p in PLACEHOLDERS)


def _number(text: str) -> float:
    if _ARABIC_RE.match(text):
        return float(text)
    if all(ch in _CN_DIGITS for ch in text):  # digit by digit: 二〇二三
        return float("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = section = digit = 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (digit or 1) * _CN_SMALL[ch]  # 十二 = 1*10 + 2
            digit = 0
        else:  # 万 / 亿
            total += (section + digit) * _CN_BIG[ch]
            section = digit = 0
    return float(total + section + digit)


def _quantity(s: str) -> ParsedValue | None:
    m = _VALUE_RE.fullmatch(s)
    if not m:
        return None
    a, b = m["a"], m["b"]
    ua, ub = m["ua"], m["ub"]
    if ua and ub and ua != ub:  # 3个-5次 is not one range
        return None
    unit = ub or ua
    chinese = not _ARABIC_RE.match(a) or (b is not None and not _ARABIC_RE.match(b))
    if chinese and unit and unit not in KNOWN_UNITS:  # 一般, 十分满意, 三评 are words
        return None
    lo, hi = _number(a), (_number(b) if b else None)
    if not all(math.isfinite(n) for n in (lo, hi) if n is not None):
        return None  # a 400-digit "number" is a serial, not a target
    if b is None:
        # Both a prefix and a suffix (突破400家以上): the prefix, stated first, wins.
        op = _PRE_OP.get(m["pre"] or "") or _SUF_OP.get(m["suf"] or "") or "="
        return ParsedValue(lo, None, unit, op, "quantitative")
    if hi < lo:  # written high-low (95%-90%): still lower/upper
        lo, hi = hi, lo
    return ParsedValue(lo, hi, unit, ">=", "quantitative")


def _labelled(s: str) -> ParsedValue | None:
    m = _LABEL_RE.fullmatch(s)
    if not m or m["label"].endswith("不"):
        return None
    return _quantity(m["rest"])


def _growth(s: str) -> ParsedValue | None:
    """较上年提高5% -> +5 with unit 较上年%; 降低/减少 give a negative change."""
    m = _GROWTH_RE.fullmatch(s)
    if not m:
        return None
    q = _quantity(m["rest"])
    if q is None:
        return None
    ref = m["ref"] or "上年"
    ref = "上年" if ref.startswith(("上", "去")) else ref.removesuffix("度")
    lo, hi, op = q.num, q.num_max, q.comparator
    if m["verb"] in _DOWN:
        lo, hi, op = (-(hi if hi is not None else lo), -lo if hi is not None else None, _FLIP[op])
        if q.num_max is not None:
            op = ">="
    return ParsedValue(lo, hi, f"较{ref}{q.unit or ''}", op, "quantitative")


def parse_value(raw: str | None) -> ParsedValue:
    """Parse one value cell; see the module docstring. Never raises."""
    try:
        s = normalize_value(raw)
        if not s or s.casefold() in _PLACEHOLDERS_CF:
            return MISSING
        if s in KNOWN_UNITS:  # a unit with no number: the value was left out
            return ParsedValue(unit=s, kind="missing")
        if not re.search(r"\w", s.replace("%", "").replace("‰", "")):
            return MISSING  # punctuation only: ———, ／／, ...
        q = _growth(s)  # before dates: 比2023年增加3家 names its reference year
        undated = _DATE_RE.sub("", s)
        if q is None and undated != s and not re.search(r"\d", undated):
            return QUALITATIVE  # a date or deadline only
        if q is None and undated == s:
            q = _quantity(s) or _labelled(s)
        if q is not None:
            return q
        if sum(1 for part in _SPLIT_RE.split(undated) if re.search(r"\d", part)) >= 2:
            return COMPOUND
        return QUALITATIVE
    except Exception:  # noqa: BLE001 - a value cell must never break ingestion
        return QUALITATIVE

