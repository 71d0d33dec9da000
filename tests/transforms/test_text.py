import pytest

from transforms.text import clean_label, clean_text, plain_number


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("绩效\n基本型", "绩效基本型"),
        ("合  计", "合计"),
        ("合 \u00a0计", "合计"),  # as in seed 000
        ("2022 年", "2022年"),
        ("\u3000鄂州市科学技术局", "鄂州市科学技术局"),
        ("\u3000梁  婧", "梁婧"),
        ("效果\n明显", "效果明显"),
        ("服务体制改革\n成效", "服务体制改革成效"),
        ("行政管理体制\n改革成效", "行政管理体制改革成效"),
        ("一级\n指标", "一级指标"),
        ("长期绩\n效指标", "长期绩效指标"),
        ("计划数据\n ", "计划数据"),
        ("\t数量\r\n指标\t", "数量指标"),
        ("[bookmark: _GoBack]“三公”经费变动率", "“三公”经费变动率"),
        ("核心\u200b业务产出１", "核心业务产出1"),  # NFKC: full-width digit
        ("部门（单位）\n名称", "部门(单位)名称"),  # NFKC also folds full-width brackets
        ("", ""),
        (None, ""),
        ("\u3000 \n", ""),
    ],
)
def test_clean_label(raw, expected):
    assert clean_label(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("\u3000梁  婧", "梁  婧"),  # inner spaces kept
        (" 1.推动全市科技发展；\n2.组织拟订政策措施；\n", "1.推动全市科技发展；\n2.组织拟订政策措施；"),
        ("\u3000加强科技创新引领作用，突破400家以上。", "加强科技创新引领作用，突破400家以上。"),
        ("027-60896392\u3000", "027-60896392"),
        ("第一行\n\n\u3000\n\u00a0第二行\u00a0\r\n", "第一行\n第二行"),
        ("[bookmark: _GoBack]积极开展科技交流与合作。", "积极开展科技交流与合作。"),
        ("１００％　达标", "１００％　达标"),  # no NFKC, inner U+3000 kept
        ("", ""),
        (None, ""),
        ("\n\n\u3000\n", ""),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize("x,text", [(265139012.0, "265139012"), (1036.06, "1036.06"), (0.5, "0.5"), (100.0, "100"),
                                    (1e9, "1000000000"), (0.00004, "0"), (-0.0, "0"), (12.34567, "12.3457")])
def test_plain_number_writes_every_digit(x, text):
    assert plain_number(x) == text
