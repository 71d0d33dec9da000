"""The form reader on what real offices send (issue 13): continued grids, budget-system exports,
header wording, fields outside the table, placeholders, money units."""
from __future__ import annotations

from extractors.docx_reader import read_docx_bytes
import pytest

from testkit.docx_builder import Break, C, Document, P, Para, Table, build, rewrite
from transforms.reader import read_forms

W = 1000
HEAD = [C("一级指标"), C("二级指标"), C("三级指标"), C("指标值")]


def _forms(blocks):
    return read_forms(read_docx_bytes(build(Document(blocks))))


def _dept(name="鄂州市财政局", label="部门（单位）名称"):
    return [C(label), C(name, colspan=3)]


def test_a_grid_continued_without_its_header_takes_the_first_tables_columns_and_labels():
    first = Table([W] * 4, [_dept(), HEAD, [C("产出指标", rowspan=2), C("数量指标", rowspan=2), C("a"), C("1")],
                            [C("b"), C("2")]])
    # after the page break: no header, the merged 一级/二级 cells continue empty
    second = Table([W] * 4, [[C("", rowspan=2), C("", rowspan=1), C("c"), C("3")],
                             [C("质量指标"), C("d"), C("95%")]])
    (form,) = _forms([P("部门整体绩效目标表"), first, P(""), second])
    got = [(i.level1, i.level2, i.name, i.value_raw) for i in form.indicators]
    assert got == [("产出指标", "数量指标", "a", "1"), ("产出指标", "数量指标", "b", "2"),
                   ("产出指标", "数量指标", "c", "3"), ("产出指标", "质量指标", "d", "95%")]
    assert not form.findings


@pytest.mark.parametrize("writer", ["word", "wps"])
def test_a_continuation_with_fewer_columns_keeps_the_first_tables_columns(writer):
    # The round-trip misread (18 values read where 16 were written): a WPS file has no
    # w:tblGrid, so a continuation table whose rows never end on the narrow column beside the
    # values (the Hubei template's sliver) has one column fewer. It still has the block-label
    # column first: its columns are matched by position, never by shifting them all one left.
    widths = [900, 1000, 1000, 1000, 60, 1000]
    first = Table(widths, [_dept() + [C("", colspan=2)],
                           [C("年度绩效指标", rowspan=3), *HEAD[:3], C(""), C("指标值")],
                           [C("产出指标", rowspan=2), C("数量指标", rowspan=2), C("a"), C("1", colspan=2)],
                           [C("b"), C("2", colspan=2)]])
    second = Table(widths, [[C("年度绩效指标", rowspan=2), C("效益指标"), C("社会效益指标"), C("c"), C("3", colspan=2)],
                            [C("满意度指标"), C("服务对象满意度指标"), C("d"), C("95%", colspan=2)]])
    data = rewrite(build(Document([P("部门整体绩效目标表"), first, P(""), second])), writer, seed=3)
    doc = read_docx_bytes(data)
    assert [t.n_cols for t in doc.tables] == ([6, 5] if writer == "wps" else [6, 6])
    (form,) = read_forms(doc)
    got = [(i.level1, i.level2, i.name, i.value_raw) for i in form.indicators]
    assert got == [("产出指标", "数量指标", "a", "1"), ("产出指标", "数量指标", "b", "2"),
                   ("效益指标", "社会效益指标", "c", "3"), ("满意度指标", "服务对象满意度指标", "d", "95%")]
    assert not form.findings


def test_a_continuation_without_the_block_label_column_is_matched_by_position():
    # the other way a continuation is narrower: it lacks the left column (its lines are the
    # first table's, shifted by that column's width)
    first = Table([900, W, W, W, W], [_dept() + [C("")], [C("年度绩效指标", rowspan=2), *HEAD],
                                     [C("产出指标"), C("数量指标"), C("a"), C("1")]])
    second = Table([W] * 4, [[C("效益指标"), C("社会效益指标"), C("c"), C("3")]])
    (form,) = _forms([first, P(""), second])
    assert [(i.level1, i.name, i.value_raw) for i in form.indicators] == [("产出指标", "a", "1"), ("效益指标", "c", "3")]
    assert not form.findings


def test_a_repeated_header_and_restated_labels_keep_the_group():
    first = Table([W] * 4, [_dept(), HEAD, [C("产出指标"), C("数量指标"), C("a"), C("1")]])
    second = Table([W] * 4, [HEAD, [C("产出指标"), C(""), C("b"), C("2")]], header_rows=1)
    (form,) = _forms([first, P(""), second])
    assert [(i.level2, i.name) for i in form.indicators] == [("数量指标", "a"), ("数量指标", "b")]


def test_budget_system_export_split_columns_and_explanations():
    table = Table([W] * 9, [
        _dept("湖北省财政厅", "预算单位") + [C("", colspan=5)],
        [C("一级指标", rowspan=2), C("二级指标", rowspan=2), C("三级指标", rowspan=2), C("指标值", colspan=3),
         C("指标解释", rowspan=2), C("指标值说明", rowspan=2), C("指标来源", rowspan=2)],
        [C("计算符号"), C("年度指标值"), C("计量单位")],
        [C("产出指标"), C("数量指标"), C("培训人次"), C("≥"), C("1200"), C("人次"), C("反映培训规模"), C("不少于1200人次"),
         C("年度计划")],
        [C("效益指标"), C("社会效益指标"), C("政策知晓率"), C("定性"), C("明显提升"), C(""), C(""), C("95"), C("")],
    ])
    (form,) = _forms([P("部门整体绩效目标表"), table])
    assert form.fields["department"] == "湖北省财政厅"
    got = [(i.name, i.value_raw, i.unit_hint, i.comparator_hint, i.period) for i in form.indicators]
    assert got == [("培训人次", "1200", "人次", "≥", ("offset", 0)), ("政策知晓率", "明显提升", None, "定性", ("offset", 0))]
    assert not form.findings  # explanations are named columns, never values, never unplaced


def test_a_column_the_reader_cannot_name_is_reported_not_loaded():
    table = Table([W] * 5, [_dept() + [C("")], HEAD + [C("牵头处室")],
                            [C("产出"), C("数量"), C("a"), C("1"), C("规划科")]])
    (form,) = _forms([table])
    assert [i.value_raw for i in form.indicators] == ["1"]
    (finding,) = form.findings
    assert (finding.check, finding.location) == ("column_unrecognized", "表1 第2行 第5列")
    assert "牵头处室" in finding.message


def test_fields_in_paragraphs_placeholders_and_a_cover_page():
    table = Table([W] * 4, [_dept(), [C("填报人"), C("——"), C("联系电话"), C("/")], HEAD,
                            [C("产出"), C("数量"), C("a"), C("1")]])
    cover = [P("预算绩效目标申报材料"), Para((Break(page=True),)), P("编制说明"),
             P("根据《关于做好2019年度部门预算编制工作的通知》要求，本部门编制了部门整体绩效目标表，金额单位：元的数据已折算。")]
    (form,) = _forms(cover + [P("部门整体绩效目标表（2025年度）"), table,
                              P("填报人：张伟\u3000\u3000联系电话：0711-3228516    填报日期：2025年1月5日")])
    assert form.stated_year == 2025 and form.money_factor == 1.0  # 编制说明 is not a title
    assert (form.fields["filer"], form.fields["phone"]) == ("张伟", "0711-3228516")
    assert form.fields["filing_date"] == "2025年1月5日"

    (empty,) = _forms([Table([W] * 4, [_dept(), [C("填报人"), C("无"), C("联系电话"), C("空")], HEAD,
                                       [C("产出"), C("数量"), C("a"), C("1")]])])
    assert "filer" not in empty.fields and "phone" not in empty.fields  # a placeholder is empty


def test_money_units_wherever_stated():
    def funding(head):
        return Table([W] * 4, [_dept(), [C("总体资金情况", colspan=2), C(head), C("占比")],
                               [C("收入构成", rowspan=2), C("财政拨款"), C("12345.67"), C("100%")],
                               [C("合计"), C("12345.67"), C("100%")]])
    assert _forms([funding("当年金额（元）")])[0].money_factor == 0.0001
    assert _forms([P("单位：亿元"), funding("当年金额")])[0].money_factor == 10000.0
    (form,) = _forms([Table([W] * 4, [[C("部门整体绩效目标表", colspan=4)], [C("单位：元", colspan=4)],
                                      *funding("当年金额").rows])])
    assert form.money_factor == 0.0001 and [x.amount_raw for x in form.funding] == ["12345.67", "12345.67"]
