"""Expected parse of every indicator value used in tests/cases and samples/ — written by hand.

This is a lookup table, not a parser: each entry states what the product must make of a
value cell, following the conventions of the golden tests (literal reading, no knowledge
of the indicator):

* placeholders (无 待定 新增 新增项目 / — XX, empty) -> missing; a unit alone (次) -> missing + unit
* number + optional unit -> quantitative, comparator '='; the unit is kept as written (亿 is not 亿元)
* 以上/不低于/不少于/≥ -> '>=' ; 以下/以内/不超过/不高于/≤ -> '<=' ; 超过/突破 -> '>' ; 低于/不足 -> '<'
* a range a-b -> value_num a, value_num_max b, comparator '>='
* two or more separate quantities -> compound (num/unit/comparator null)
* text without a quantity -> qualitative (num/unit/comparator null)
* (issue 13) a rate per N keeps the denominator in the unit (例/10万人, /万); a label before a
  comparator is dropped (达标率≥98% -> 98 % >=); 及以上/及以下/内 include the number; a growth
  phrase is a signed change whose unit names the reference (较上年提高5% -> 5, 较上年%);
  dates and deadlines (2026年底前, 11月30日前, 2026年9月) are qualitative

Keys are the cleaned cell text (NFKC, all whitespace removed), so '效果\\n明显' looks up
'效果明显' and '１００％' looks up '100%'.  A value missing from the table makes the
build fail: add it here by hand, do not compute it.
"""

from __future__ import annotations

import re
import unicodedata

MISSING = (None, None, None, None, "missing")
QUAL = (None, None, None, None, "qualitative")
COMPOUND = (None, None, None, None, "compound")


def Q(num, unit=None, comparator="=", num_max=None):
    return (float(num), None if num_max is None else float(num_max), unit, comparator, "quantitative")


VALUES: dict = {
    # ---- placeholders
    "": MISSING,
    "无": MISSING,
    "待定": MISSING,
    "新增": MISSING,
    "新增项目": MISSING,
    "/": MISSING,
    "—": MISSING,
    "XX": MISSING,
    "次": (None, None, "次", None, "missing"),
    # ---- plain quantities
    "0%": Q(0, "%"),
    "6%": Q(6, "%"),
    "8%": Q(8, "%"),
    "90%": Q(90, "%"),
    "95%": Q(95, "%"),
    "100%": Q(100, "%"),
    "100": Q(100),
    "227": Q(227),
    "313": Q(313),
    "350": Q(350),
    "561": Q(561),
    "761": Q(761),
    "800": Q(800),
    "0家": Q(0, "家"),
    "1家": Q(1, "家"),
    "2家": Q(2, "家"),
    "4家": Q(4, "家"),
    "15家": Q(15, "家"),
    "148家": Q(148, "家"),
    "731家": Q(731, "家"),
    "75.24亿元": Q(75.24, "亿元"),
    "56亿": Q(56, "亿"),
    "75亿": Q(75, "亿"),
    "80亿": Q(80, "亿"),
    "96项": Q(96, "项"),
    "130项": Q(130, "项"),
    "136项": Q(136, "项"),
    "1套": Q(1, "套"),
    "6期": Q(6, "期"),
    "5次": Q(5, "次"),
    "3000万元": Q(3000, "万元"),
    "1篇": Q(1, "篇"),
    "1项": Q(1, "项"),
    "10项": Q(10, "项"),
    "35项": Q(35, "项"),
    "38项": Q(38, "项"),
    "21人次": Q(21, "人次"),
    "20人次": Q(20, "人次"),
    "26个": Q(26, "个"),
    "36个": Q(36, "个"),
    "40个": Q(40, "个"),
    "2000件": Q(2000, "件"),
    "2700件": Q(2700, "件"),
    "2500件": Q(2500, "件"),
    # ---- with comparator words
    "10家以上": Q(10, "家", ">="),
    # ---- compound
    "高级不超过80%、中级不超过90%": COMPOUND,
    # ---- qualitative
    "完全相符": QUAL,
    "基本相符": QUAL,
    "健全": QUAL,
    "科学": QUAL,
    "合理": QUAL,
    "规范": QUAL,
    "合规": QUAL,
    "完全合规": QUAL,
    "效果明显": QUAL,
    "明显": QUAL,
    "列入发展规划": QUAL,
    "满足发展需求": QUAL,
    "已建设科惠网": QUAL,
    "未建设": QUAL,
    "优": QUAL,
    "优秀": QUAL,
}

# Values that only the sample inbox uses (samples/inbox, testkit/make_samples.py).
VALUES.update({
    # quantities
    "1%": Q(1, "%"),
    "2%": Q(2, "%"),
    "3%": Q(3, "%"),
    "5%": Q(5, "%"),
    "85%": Q(85, "%"),
    "88%": Q(88, "%"),
    "92%": Q(92, "%"),
    "96%": Q(96, "%"),
    "97%": Q(97, "%"),
    "98%": Q(98, "%"),
    "99%": Q(99, "%"),
    "93.5%": Q(93.5, "%"),
    "94.2%": Q(94.2, "%"),
    "2所": Q(2, "所"),
    "3所": Q(3, "所"),
    "4所": Q(4, "所"),
    "12所": Q(12, "所"),
    "1200人次": Q(1200, "人次"),
    "1500人次": Q(1500, "人次"),
    "1800人次": Q(1800, "人次"),
    "31.5微克/立方米": Q(31.5, "微克/立方米"),
    "33微克/立方米": Q(33, "微克/立方米"),
    "1100公里": Q(1100, "公里"),
    "1200公里": Q(1200, "公里"),
    "1260公里": Q(1260, "公里"),
    "180家": Q(180, "家"),
    "210家": Q(210, "家"),
    "600万元": Q(600, "万元"),
    "800万元": Q(800, "万元"),
    "1000万元": Q(1000, "万元"),
    "12次": Q(12, "次"),
    "4次": Q(4, "次"),
    "2个": Q(2, "个"),
    "5个": Q(5, "个"),
    "48小时": Q(48, "小时"),
    "24小时": Q(24, "小时"),
    "17个": Q(17, "个"),
    "1.2亿元": Q(1.2, "亿元"),
    # bare numbers whose unit is in a 计量单位 column (national template samples)
    "90": Q(90),
    "95": Q(95),
    "1200": Q(1200),
    "3.6亿元": Q(3.6, "亿元"),
    "4.5亿": Q(4.5, "亿"),
    # comparator words and signs
    "不低于90%": Q(90, "%", ">="),
    "不低于95%": Q(95, "%", ">="),
    "≥95%": Q(95, "%", ">="),
    "≥98%": Q(98, "%", ">="),
    "≥85%": Q(85, "%", ">="),
    "95%以上": Q(95, "%", ">="),
    "99%以上": Q(99, "%", ">="),
    "不少于200家": Q(200, "家", ">="),
    "不少于3次": Q(3, "次", ">="),
    "不超过3个": Q(3, "个", "<="),
    "不超过5%": Q(5, "%", "<="),
    "不高于1.5%": Q(1.5, "%", "<="),
    "5%以内": Q(5, "%", "<="),
    "3天以内": Q(3, "天", "<="),
    "≤35微克/立方米": Q(35, "微克/立方米", "<="),
    "2%以下": Q(2, "%", "<="),
    "超过80%": Q(80, "%", ">"),
    "突破1000家": Q(1000, "家", ">"),
    "低于5天": Q(5, "天", "<"),
    "不足3%": Q(3, "%", "<"),
    # ranges
    "90%-95%": Q(90, "%", ">=", num_max=95),
    "2-3个": Q(2, "个", ">=", num_max=3),
    # compound
    "A类不少于20项、B类不少于10项": COMPOUND,
    "城区24小时、乡镇48小时": COMPOUND,
    # qualitative
    "逐步提升": QUAL,
    "有效提升": QUAL,
    "持续改善": QUAL,
    "稳步提高": QUAL,
    "达标": QUAL,
    "及时": QUAL,
    "良好": QUAL,
    "较好": QUAL,
    "显著": QUAL,
    "按时完成": QUAL,
    "持续运行": QUAL,
    "基本完善": QUAL,
    "完善": QUAL,
    "总体可控": QUAL,
    "有所改善": QUAL,
})

# Issue 13 value shapes, written by hand (docs/values.md).
VALUES.update({
    "2-5个工作日": Q(2, "个工作日", ">=", num_max=5),
    "85%-90%": Q(85, "%", ">=", num_max=90),
    "≤5/万": Q(5, "/万", "<="),
    "3.2例/10万人": Q(3.2, "例/10万人"),
    "达标率≥98%": Q(98, "%", ">="),
    "95%及以上": Q(95, "%", ">="),
    "3天及以下": Q(3, "天", "<="),
    "≤3‰": Q(3, "‰", "<="),
    "5次/月": Q(5, "次/月"),
    "12元/吨·公里": Q(12, "元/吨·公里"),
    "98.50%": Q(98.5, "%"),
    "较上年提高5%": Q(5, "较上年%"),
    "2026年底前": QUAL,
    "11月30日前": QUAL,
    "2026年9月": QUAL,
})

# "１００％" and "≧95%" style spellings are keyed by their NFKC form ("100%"); ≧ is not
# touched by NFKC, so it has its own entry.
VALUES.update({
    "≧95%": Q(95, "%", ">="),
})

# The hand-checked reader cases (testkit/reader_cases.py): the history columns and the bare
# 指标值 cells of budget-system exports (their unit and comparator come from other columns).
VALUES.update({
    "120": Q(120), "360": Q(360), "2.5": Q(2.5), "3": Q(3), "6": Q(6), "85": Q(85),
    "30项": Q(30, "项"), "45个": Q(45, "个"), "50个": Q(50, "个"), "4天": Q(4, "天"), "5天": Q(5, "天"),
    "5个工作日": Q(5, "个工作日"), "4次/月": Q(4, "次/月"), "97.20%": Q(97.2, "%"), "98.00%": Q(98, "%"),
    "3.4例/10万人": Q(3.4, "例/10万人"), "3.5例/10万人": Q(3.5, "例/10万人"), "≥800人次": Q(800, "人次", ">="),
    "2024年底前": QUAL, "2025年底前": QUAL, "2024年9月": QUAL, "2025年9月": QUAL, "12月31日前": QUAL,
    "持续提升": QUAL,
})


def value_key(raw) -> str:
    from .docx_builder import text_of

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text_of(raw)))


def parse_value(raw):
    """(value_num, value_num_max, value_unit, comparator, value_kind) for a value cell."""
    key = value_key(raw)
    if key not in VALUES:
        raise KeyError(f"no hand-written expected parse for value {key!r} (raw {raw!r}); add it to "
                       "testkit/expected_values.py")
    return VALUES[key]
