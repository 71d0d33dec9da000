"""Table-driven tests for transforms.quantities: quantities stated in goal text and agreement
with a grid value (comparator words, magnitudes, ranges, relative changes)."""
import pytest

from transforms.quantities import agrees, stated_quantities, unit_scale
from transforms.values import parse_value

# goal text, grid value, expected agreement (None = not comparable)
CASES = [
    ("突破5000亿元", "5000亿元", True),  # exclusive word, closed bound: restates the target
    ("突破0.5万亿元", "5000亿元", True),  # magnitudes
    ("达到1.2万家", "12000家", True),
    ("不低于90%", "95%", True),
    ("不低于90%", "85%", False),
    ("不超过5%", "3%", True),
    ("不超过5%", "8%", False),
    ("超过80%", "80%", True),
    ("达到95%", "90%", False),
    ("保持在90%-95%", "92%", True),  # range in text
    ("保持在90%-95%", "80%", False),
    ("95%以上", "≥95%", True),
    ("5%以内", "5%", True),
    ("较上年提高5个百分点", "95%", None),  # relative change: never compared with a level
    ("增长5%", "95%", None),
    ("提高到95%", "95%", True),  # 提高到 = a level
    ("80亿", "80亿元", True),
    ("1.2亿元", "12000万元", True),
    ("3000万元", "300家", None),  # different kinds
]


@pytest.mark.parametrize("text,grid,expected", CASES, ids=repr)
def test_agrees(text, grid, expected):
    (s,) = stated_quantities(text)
    g = parse_value(grid)
    assert agrees(g.num, g.num_max, g.unit, s) is expected


@pytest.mark.parametrize("text", ["1.完成年度任务", "2025年底前完成", "11月30日前", "三公经费"])
def test_no_quantity(text):
    assert stated_quantities(text) == []


@pytest.mark.parametrize("unit,expected", [("亿元", ("money", 1e8)), ("万亿元", ("money", 1e12)),
                                           ("万家", ("家", 1e4)), ("亿", (None, 1e8)), ("‰", ("pct", 0.1)),
                                           ("家", ("家", 1.0)), (None, (None, 1.0))])
def test_unit_scale(unit, expected):
    assert unit_scale(unit) == expected
