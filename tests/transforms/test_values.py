"""Table-driven tests for transforms.values.parse_value.

Every example from DOMAIN.md / the brief, and every value cell of the two seed forms
(tests/cases/*.seed.txt), including their stray U+3000 and line breaks.
"""
import random

import pytest

from transforms.values import KNOWN_UNITS, PLACEHOLDERS, ParsedValue, parse_value


def q(num, unit=None, cmp="=", num_max=None):
    return ParsedValue(num, num_max, unit, cmp, "quantitative")


def rng(lo, hi, unit=None):
    return ParsedValue(lo, hi, unit, ">=", "quantitative")


MISSING = ParsedValue(kind="missing")
QUAL = ParsedValue(kind="qualitative")
COMPOUND = ParsedValue(kind="compound")

CASES = [
    # --- plain number + unit (unit kept as written, never scaled)
    ("95%", q(95, "%")),
    ("100", q(100)),
    ("0%", q(0, "%")),
    ("148家", q(148, "家")),
    ("21人次", q(21, "人次")),
    ("3000万元", q(3000, "万元")),
    ("75.24亿元", q(75.24, "亿元")),
    ("80亿", q(80, "亿")),
    ("１００％", q(100, "%")),
    ("6期", q(6, "期")),
    ("1套", q(1, "套")),
    ("2000件", q(2000, "件")),
    ("-5%", q(-5, "%")),
    ("0.5‰", q(0.5, "‰")),
    ("1,000人", q(1000, "人")),
    ("1，000，000元", q(1_000_000, "元")),
    ("50元/人", q(50, "元/人")),
    ("5个百分点", q(5, "个百分点")),
    ("25℃", q(25, "°C")),
    ("\u00a095 %\u3000", q(95, "%")),
    ("9\n5%", q(95, "%")),  # a number broken across lines in the cell
    ("95%。", q(95, "%")),
    ("[bookmark: _GoBack]95%", q(95, "%")),
    # --- comparators before or after
    ("10家以上", q(10, "家", ">=")),
    ("≥95%", q(95, "%", ">=")),
    ("不低于90%", q(90, "%", ">=")),
    ("不超过3个", q(3, "个", "<=")),
    ("≧90%", q(90, "%", ">=")),
    ("大于等于95%", q(95, "%", ">=")),
    ("超过20%", q(20, "%", ">")),
    ("低于5%", q(5, "%", "<")),
    ("不足3次", q(3, "次", "<")),
    ("400家以上", q(400, "家", ">=")),
    ("≤0", q(0, None, "<=")),
    ("≦5%", q(5, "%", "<=")),
    ("＞＝90％", q(90, "%", ">=")),
    ("＜1%", q(1, "%", "<")),
    ("=100%", q(100, "%")),
    (">80", q(80, None, ">")),
    ("不少于5次", q(5, "次", ">=")),
    ("至少2个", q(2, "个", ">=")),
    ("达到350家以上", q(350, "家", ">=")),
    ("95%以上", q(95, "%", ">=")),
    ("3项以内", q(3, "项", "<=")),
    ("5%以下", q(5, "%", "<=")),
    ("不高于5%", q(5, "%", "<=")),
    ("小于等于10%", q(10, "%", "<=")),
    ("不大于2次", q(2, "次", "<=")),
    ("最多3个", q(3, "个", "<=")),
    ("控制在5%以内", q(5, "%", "<=")),
    ("突破400家", q(400, "家", ">")),
    ("大于90%", q(90, "%", ">")),
    ("高于85%", q(85, "%", ">")),
    ("多于10人", q(10, "人", ">")),
    ("小于3%", q(3, "%", "<")),
    ("少于2次", q(2, "次", "<")),
    ("等于100%", q(100, "%")),
    ("约95%", q(95, "%")),
    ("95%左右", q(95, "%")),
    # prefix and suffix disagree: the prefix (stated first) wins
    ("突破400家以上", q(400, "家", ">")),
    # --- Chinese numerals
    ("三项", q(3, "项")),
    ("十二个", q(12, "个")),
    ("二十五人", q(25, "人")),
    ("两次", q(2, "次")),
    ("一百家", q(100, "家")),
    ("一千二百", q(1200)),
    ("十", q(10)),
    ("一万二千人", q(12000, "人")),
    ("二〇二三", q(2023)),
    ("不少于三次", q(3, "次", ">=")),
    ("百分之九十五", q(95, "%")),
    ("三至五个", rng(3, 5, "个")),
    # a trailing 万/亿 is the unit, for Chinese numerals as for digits
    ("三万元", q(3, "万元")),
    ("五亿", q(5, "亿")),
    # Chinese numeral + unknown "unit" is a word, not a quantity
    ("一般", QUAL),
    ("十分满意", QUAL),
    ("一次性", QUAL),
    ("千家万户", QUAL),
    # --- ranges: num = lower, num_max = upper, comparator '>='
    ("90%-95%", rng(90, 95, "%")),
    ("90-95%", rng(90, 95, "%")),
    ("90%~95%", rng(90, 95, "%")),
    ("90%～95%", rng(90, 95, "%")),
    ("90%至95%", rng(90, 95, "%")),
    ("90%—95%", rng(90, 95, "%")),
    ("3-5个", rng(3, 5, "个")),
    ("3个-5个", rng(3, 5, "个")),
    ("95%-90%", rng(90, 95, "%")),
    ("3个-5次", QUAL),  # two different units: not one range
    # --- compound: two or more separately stated quantities
    ("高级不超过80%、中级不超过90%", COMPOUND),
    ("高级不超过80%，中级不超过90%", COMPOUND),
    ("本科90%;专科85%", COMPOUND),
    ("高新技术企业新增40家，总数达到350家以上", COMPOUND),
    # --- qualitative
    ("效果明显", QUAL),
    ("效果\n明显", QUAL),
    ("健全", QUAL),
    ("完全相符", QUAL),
    ("基本相符", QUAL),
    ("\n\n基本相符\n\n", QUAL),
    ("明显", QUAL),
    ("优", QUAL),
    ("优秀", QUAL),
    ("列入发展规划", QUAL),
    ("已建设科惠网", QUAL),
    ("未建设", QUAL),
    ("满足发展需求", QUAL),
    ("合规", QUAL),
    ("完全合规", QUAL),
    ("科学", QUAL),
    ("合理", QUAL),
    ("规范", QUAL),
    ("较上年提高", QUAL),
    # a number inside a sentence: the tail after the number is longer than a unit (4 chars)
    ("完成3项改革任务", QUAL),
    ("3项改革任务", QUAL),
    ("100%完成", QUAL),  # % is a unit only on its own
    ("95%以上的企业", QUAL),
    ("2024年12月底前", QUAL),
    ("027-60896392\u3000", QUAL),  # leading zero: a code, not a quantity
    ("2020—205—000—004", QUAL),
    # ...but up to 4 CJK/Latin characters after a number are read as its unit
    ("3项改革", q(3, "项改革")),
    # a year is a date (issue 13 item 7, DOMAIN "dates are qualitative"): was q(2023, "年")
    ("2023年", QUAL),
    # --- missing: empty, placeholders, unit without number
    ("", MISSING),
    (None, MISSING),
    ("\u3000", MISSING),
    (" \n\t\u00a0", MISSING),
    ("无", MISSING),
    ("暂无", MISSING),
    ("待定", MISSING),
    ("新增", MISSING),
    ("新增项目", MISSING),
    ("/", MISSING),
    ("／", MISSING),
    ("-", MISSING),
    ("—", MISSING),
    ("——", MISSING),
    ("--", MISSING),
    ("———", MISSING),
    ("XX", MISSING),
    ("xx", MISSING),
    ("××", MISSING),
    ("**", MISSING),
    ("＊＊", MISSING),
    ("N/A", MISSING),
    ("n/a", MISSING),
    ("不适用", MISSING),
    (" 无 ", MISSING),
    ("[bookmark: _GoBack]", MISSING),
    ("次", ParsedValue(unit="次", kind="missing")),
    ("家", ParsedValue(unit="家", kind="missing")),
    ("%", ParsedValue(unit="%", kind="missing")),
    ("％", ParsedValue(unit="%", kind="missing")),
    ("个", ParsedValue(unit="个", kind="missing")),
    ("万元", ParsedValue(unit="万元", kind="missing")),
]

# Issue 13 item 7: value shapes of real forms (one row per rule; docs/values.md).
ISSUE13_CASES = [
    ("2-5个工作日", rng(2, 5, "个工作日")),  # range with a 4-character unit
    ("85%-90%", rng(85, 90, "%")),
    ("≤5/万", q(5, "/万", "<=")),  # rate per N: the unit holds the denominator
    ("3.2例/10万人", q(3.2, "例/10万人")),
    ("达标率≥98%", q(98, "%", ">=")),  # label before the comparator
    ("满意度不低于90%", q(90, "%", ">=")),
    ("满意度:95%", q(95, "%")),  # label and colon
    ("达标率98%", q(98, "%")),  # a rate's name right before its number
    ("95%及以上", q(95, "%", ">=")),
    ("3天及以下", q(3, "天", "<=")),
    ("3个工作日内", q(3, "个工作日", "<=")),  # 内 = 以内
    ("≤3‰", q(3, "‰", "<=")),
    ("5次/月", q(5, "次/月")),  # compound units
    ("12元/吨·公里", q(12, "元/吨·公里")),
    ("12元/吨・公里", q(12, "元/吨·公里")),  # other middle dots read as ·
    ("98.50%", q(98.5, "%")),
    ("较上年提高5%", q(5, "较上年%")),  # growth: the unit names the reference year
    ("较上年降低2个百分点", q(-2, "较上年个百分点")),  # a fall is negative
    ("同比增长10%以上", q(10, "较上年%", ">=")),
    ("比2023年增加3家", q(3, "较2023年家")),
    ("2026年底前", QUAL),  # dates and deadlines are qualitative, never 2026
    ("11月30日前", QUAL),
    ("2026年9月", QUAL),
    ("2026-2028年", QUAL),
    ("2015.08", q(2015.08)),  # an amount, not a date
    ("2024年完成50%，2025年完成100%", COMPOUND),  # dates do not count as quantities
    ("增长5%", QUAL),  # no reference year: not read as a growth phrase (left out)
]

# Every value cell of seeds 000 and 003 not already covered above (indicator grids and
# the funding block), written exactly as extracted.
SEED_CASES = [
    ("0家", q(0, "家")), ("10项", q(10, "项")), ("130项", q(130, "项")),
    ("136项", q(136, "项")), ("15家", q(15, "家")), ("1家", q(1, "家")),
    ("1篇", q(1, "篇")), ("1项", q(1, "项")), ("20人次", q(20, "人次")),
    ("227", q(227)), ("2500件", q(2500, "件")), ("26个", q(26, "个")),
    ("2700件", q(2700, "件")), ("2家", q(2, "家")), ("313", q(313)), ("350", q(350)),
    ("35项", q(35, "项")), ("36个", q(36, "个")), ("38项", q(38, "项")),
    ("40个", q(40, "个")), ("4家", q(4, "家")), ("561", q(561)), ("56亿", q(56, "亿")),
    ("5次", q(5, "次")), ("6%", q(6, "%")), ("731家", q(731, "家")),
    ("75亿", q(75, "亿")), ("761", q(761)), ("8%", q(8, "%")), ("800", q(800)),
    ("90%", q(90, "%")), ("96项", q(96, "项")), ("100%", q(100, "%")),
    ("1036.06", q(1036.06)), ("\u30001036.06", q(1036.06)),
    ("1485.85\u3000", q(1485.85)), ("15585.64\u3000", q(15585.64)),
    ("16234\u3000", q(16234)), ("22.29%", q(22.29, "%")), ("231", q(231)),
    ("632.55\u3000", q(632.55)), ("68.38%", q(68.38, "%")), ("708.44", q(708.44)),
    ("770.24\u3000", q(770.24)), ("83.06", q(83.06)), ("83.09", q(83.09)),
    ("9.33%", q(9.33, "%")), ("96.62", q(96.62)), ("\u3000100%", q(100, "%")),
    ("\u3000565.27", q(565.27)),
]


@pytest.mark.parametrize("raw,expected", CASES + SEED_CASES + ISSUE13_CASES, ids=repr)
def test_parse_value(raw, expected):
    assert parse_value(raw) == expected


def test_placeholder_constant_is_all_missing():
    for p in PLACEHOLDERS:
        assert parse_value(p).kind == "missing", p


def test_known_units_alone_are_missing_with_unit():
    for u in KNOWN_UNITS:
        assert parse_value(u) == ParsedValue(unit=u, kind="missing"), u


def test_frozen():
    with pytest.raises(Exception):
        parse_value("95%").num = 1  # type: ignore[misc]


ODD = [
    "x" * 1_000_000,
    "9" * 400,  # overflows float: not a usable quantity
    "一" * 100_000,
    "十" * 10_000 + "项",
    "1" * 5000 + "-" + "2" * 5000,
    "[bookmark:",
    "]]]][[[",
    "≥",
    ">=<=",
    "不低于",
    "以上",
    "\x00\x01\ufeff\u200b",
    "💯%",
    "½",
    "٩٥%",
    "1e5",
    "nan",
    "inf",
    "-",
    "+",
    ".",
    "95%%",
    "百分之",
    "万亿",
    "3--5",
    "\r\n\r\n",
    12345,  # not even a string
    object(),
]


@pytest.mark.parametrize("raw", ODD, ids=lambda r: repr(r)[:30])
def test_never_raises_on_odd_input(raw):
    v = parse_value(raw)
    assert v.kind in {"quantitative", "qualitative", "missing", "compound"}
    if v.kind == "quantitative":
        assert v.num is not None and v.num == v.num and abs(v.num) != float("inf")


def test_never_raises_on_random_strings():
    r = random.Random(20240101)
    alphabet = "0123456789.%‰-~至以上下不低超过于≥≤＞＜＝ 　\n万亿元个项一二十百千、，/×*[]"
    for _ in range(3000):
        s = "".join(r.choice(alphabet) for _ in range(r.randint(0, 20)))
        v = parse_value(s)
        assert v.kind in {"quantitative", "qualitative", "missing", "compound"}
        if v.kind != "quantitative":
            assert v.num is None and v.num_max is None and v.comparator is None
        if v.num_max is not None:
            assert v.num <= v.num_max
