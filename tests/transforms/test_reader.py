"""The form reader on small real .docx layouts: blocks found by label meaning, not position."""
from __future__ import annotations

from extractors.docx_reader import read_docx
from testkit.docx_builder import C, Document, P, Table, save
from transforms.reader import read_forms

W = 1000


def _forms(tmp_path, blocks):
    path = tmp_path / "f.docx"
    save(Document(blocks), path)
    return read_forms(read_docx(path))


def _project_table(goal_rows, extra_header=()):
    """A project form: header fields, then an annual grid keyed by 目标名称."""
    head = [C("目标名称"), C("一级指标"), C("二级指标"), C("指标名称"), C("指标值", colspan=3), C("绩效标准"), *extra_header]
    sub = [C(""), C(""), C(""), C(""), C("前年"), C("上年"), C("预计当年实现"), C(""), *[C("") for _ in extra_header]]
    return Table([W] * (8 + len(extra_header)), [
        [C("项目名称"), C("培训经费", colspan=3), C("项目编码"), C("001", colspan=3 + len(extra_header))],
        [C("项目主管部门"), C("鄂州市教育局", colspan=3), C("项目执行单位"), C("鄂州市教育局机关", colspan=3 + len(extra_header))],
        [C("年度绩效目标表", colspan=8 + len(extra_header))],
        head, sub, *goal_rows,
    ])


def test_columns_by_header_meaning_with_carry_down_and_reset(tmp_path):
    rows = [
        [C("年度目标01", rowspan=3), C("产出", rowspan=2), C("数量指标"), C("培训人次"), C("100人次"), C("120人次"), C("150人次"), C("计划数据")],
        [C("质量指标"), C("合格率"), C("90%"), C("95%"), C("≥95%"), C("计划数据")],
        # a blank (not merged) 二级 under a new 一级 must not inherit 质量指标
        [C("效益"), C(""), C("满意度"), C("无"), C("无"), C("90%"), C("历史数据")],
    ]
    (form,) = _forms(tmp_path, [P("附表五："), P("培训专项预算绩效目标"), _project_table(rows)])
    assert form.form_type == "project"
    assert form.fields["department"] == "鄂州市教育局"  # a project form's department is its 主管部门
    assert form.fields["project_code"] == "001"
    got = [(i.goal, i.level1, i.level2, i.name, i.period, i.value_raw) for i in form.indicators]
    assert got[:3] == [("年度目标01", "产出", "数量指标", "培训人次", ("offset", -2), "100人次"),
                       ("年度目标01", "产出", "数量指标", "培训人次", ("offset", -1), "120人次"),
                       ("年度目标01", "产出", "数量指标", "培训人次", ("offset", 0), "150人次")]
    assert got[3][:4] == ("年度目标01", "产出", "质量指标", "合格率")
    assert got[6][:4] == ("年度目标01", "效益", "", "满意度")
    assert {i.horizon for i in form.indicators} == {"annual"}


def test_extra_columns_in_another_order_and_unit_column(tmp_path):
    table = Table([W] * 7, [
        [C("部门（单位）名称"), C("鄂州市财政局", colspan=6)],
        [C("年度绩效指标", colspan=7)],
        [C("计量单位"), C("三级指标"), C("二级指标"), C("一级指标"), C("备注"), C("指标值"), C("计算符号")],
        [C("人次"), C("培训人次"), C("数量"), C("产出"), C("无"), C("100"), C("≥")],
    ])
    (form,) = _forms(tmp_path, [P("2025年度部门整体绩效目标表"), table])
    assert form.form_type == "department" and form.stated_year == 2025
    (cell,) = form.indicators
    assert (cell.level1, cell.level2, cell.name, cell.value_raw) == ("产出", "数量", "培训人次", "100")
    assert (cell.unit_hint, cell.comparator_hint, cell.period) == ("人次", "≥", ("offset", 0))


def test_a_table_continued_after_a_page_break_stays_in_its_form(tmp_path):
    head = [C("一级指标"), C("二级指标"), C("三级指标"), C("指标值")]
    first = Table([W] * 4, [[C("部门（单位）名称"), C("大冶市财政局", colspan=3)], head,
                            [C("产出"), C("数量"), C("a"), C("1")]])
    second = Table([W] * 4, [head, [C("效益"), C("社会效益"), C("b"), C("明显")]])
    forms = _forms(tmp_path, [first, P(""), second])
    assert len(forms) == 1
    assert [i.name for i in forms[0].indicators] == ["a", "b"]


def test_several_forms_in_one_document_each_with_its_title(tmp_path):
    def form(dept):
        return Table([W] * 4, [[C("部门（单位）名称"), C(dept, colspan=3)],
                               [C("一级指标"), C("二级指标"), C("三级指标"), C("指标值")],
                               [C("产出"), C("数量"), C("x"), C("1")]])
    forms = _forms(tmp_path, [P("部门整体绩效目标表"), form("鄂州市财政局"), P("部门整体绩效目标表"), form("鄂州市教育局")])
    assert [f.fields["department"] for f in forms] == ["鄂州市财政局", "鄂州市教育局"]
    assert [f.form_index for f in forms] == [0, 1]


def test_money_in_yuan_and_a_self_evaluation_form(tmp_path):
    funding = Table([W] * 5, [
        [C("部门（单位）名称"), C("鄂州市财政局", colspan=4)],
        [C("总体资金情况", colspan=2), C("当年金额"), C("占比"), C("备注")],
        [C("收入构成", rowspan=2), C("财政拨款"), C("10000"), C("100%"), C("")],
        [C("合  计"), C("10000"), C("100%"), C("")],
    ])
    (form,) = _forms(tmp_path, [P("单位：元"), funding])
    assert form.money_factor == 0.0001
    assert [(x.direction, x.category, x.amount_raw) for x in form.funding] == [
        ("income", "财政拨款", "10000"), ("income", "合计", "10000")]

    selfeval = Table([W] * 5, [
        [C("项目名称"), C("培训经费", colspan=4)],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("年初目标值"), C("实际完成值")],
        [C("产出"), C("数量"), C("培训人次"), C("100"), C("98")],
    ])
    (form,) = _forms(tmp_path, [selfeval])
    assert form.not_target_form == "年初目标值"


def test_the_ministry_project_template_side_by_side(tmp_path):
    """中期 and 年度 money and indicators side by side, as the Ministry's own template has them."""
    table = Table([W] * 8, [
        [C("项目名称"), C("教师培训经费", colspan=7)],
        [C("主管部门及代码"), C("鄂州市教育局（101001）", colspan=3), C("实施单位"), C("鄂州市教师发展中心", colspan=3)],
        [C("项目资金（万元）", rowspan=3), C("中期资金总额："), C("900", colspan=2), C("年度资金总额："), C("300", colspan=3)],
        [C("其中：财政拨款"), C("800", colspan=2), C("其中：财政拨款"), C("250", colspan=3)],
        [C("其他资金"), C("100", colspan=2), C("其他资金"), C("50", colspan=3)],
        [C("总体目标", rowspan=2), C("中期目标（2024年—2026年）", colspan=3), C("年度目标", colspan=4)],
        [C("三年培训教师5000人次", colspan=3), C("培训教师1800人次", colspan=4)],
        [C("绩效指标", rowspan=3), C("一级指标"), C("二级指标"), C("三级指标"), C("指标值"), C("二级指标"),
         C("三级指标"), C("指标值")],
        [C("产出指标", rowspan=2), C("数量指标"), C("培训人次"), C("5000人次"), C("数量指标"), C("培训人次"), C("1800人次")],
        [C(""), C(""), C(""), C("质量指标"), C("合格率"), C("≥95%")],
    ])
    (form,) = _forms(tmp_path, [P("项目支出绩效目标申报表"), P("（2024年度）"), table])
    assert (form.form_type, form.layout, form.stated_year) == ("project", "national_project", 2024)
    assert form.fields["department"] == "鄂州市教育局"  # the code is not part of the name
    assert [(x.category, x.amount_raw) for x in form.funding] == [("合计", "300"), ("财政拨款", "250"),
                                                                   ("其他资金", "50")]
    assert [(g.horizon, g.text) for g in form.goals] == [("long_term", "三年培训教师5000人次"),
                                                         ("annual", "培训教师1800人次")]
    assert form.long_term_until == 2026
    got = [(i.horizon, i.level1, i.level2, i.name, i.value_raw) for i in form.indicators]
    assert got == [("long_term", "产出指标", "数量指标", "培训人次", "5000人次"),
                   ("annual", "产出指标", "数量指标", "培训人次", "1800人次"),
                   ("annual", "产出指标", "质量指标", "合格率", "≥95%")]
