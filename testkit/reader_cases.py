"""Hand-checked case files for the reading classes of issue 13 (tests/cases/reader_*.docx).

Each is one fixed form built with the generator's own pieces and saved by a non-Word writer
profile, so that together they hold every class the issue lists in at least one file:

* ``reader_wps_budget_export``: a national project form as a budget-system export saved by WPS
  (no w:tblGrid, no w:gridSpan, vMerge continue, split runs, mc:AlternateContent, w14 ids):
  计算符号 | 指标值 | 计量单位 columns, explanatory columns (指标解释, 指标值说明, 评（扣）分标准),
  项目资金（元） in a header cell, the annual grid continued in a second table marked
  w:tblHeader. Classes 1, 2, 3, 6.
* ``reader_enshi_department_values``: a Hubei department form of 恩施州 (an autonomous
  prefecture by its abbreviation) behind a cover page and a 编制说明, labelled 单位名称, 单位：元
  above the table, placeholders in the table's 填报人 / 联系电话 cells and the real ones in a
  paragraph below it, every value shape of class 7 in its target column, the annual grid
  continued without a header. Classes 4, 5, 6, 7, 8.
* ``reader_beijing_grid_export``: a national department form of a 直辖市 district
  (北京市朝阳区) with the title and 单位 as merged rows inside the table, the wording 预算单位 /
  目标值, the grid labelled by a section row, continued without header or restated labels,
  saved by WPS with its grid lines kept but no spans. Classes 2, 4, 8.

The expected rows are written by testkit.forms' expected_* functions and were then read
cell by cell against the rendered forms; tests/transforms/test_reader_cases.py also states the
class-specific values by hand, so a change in the expectation code cannot move them silently.
Rebuilt by ``python -m testkit.build_cases``.
"""
from __future__ import annotations

from .docx_builder import P, Para, Break, build, rewrite
from .make_samples import HS, HY, JH, ni
from .forms import (DepartmentForm, FundingLine, Ind, NationalDepartmentForm, NationalProjectForm,
                    NationalStyle, Region, Task, department_document, expected_department,
                    expected_national_department, expected_national_project, national_department_document,
                    national_project_document)



# --------------------------------------------------------------------------- A: WPS budget export

WPS_EXPORT_PROJECT = NationalProjectForm(
    project_name="农村公路养护补助资金",
    department="成都市武侯区教育局",
    department_code="207",
    executing_unit="成都市武侯区教育局机关",
    budget_year=2025,
    total="2500000",
    fiscal="2000000",
    other="500000",
    long_term_goal="完成辖区农村公路日常养护，路况优良率稳步提高。",
    annual_goal="1.完成农村公路日常养护120公里。\n2.路况优良率不低于85%。",
    long_term=[
        ("产出指标", [("数量指标", [ni("养护里程", "360", JH, "公里", "≥")])]),
        ("效益指标", [("社会效益指标", [ni("群众出行条件", "持续改善", HS)])]),
    ],
    annual=[
        ("产出指标", [
            ("数量指标", [ni("日常养护里程", "120", JH, "公里", "≥"), ni("养护站点", "6", JH, "个", "＝")]),
            ("质量指标", [ni("路况优良率", "85", HY, "%", "≥")]),
            ("成本指标", [ni("每公里养护成本", "2.5", JH, "万元", "≤")]),
        ]),
        ("效益指标", [("社会效益指标", [ni("交通事故发生率", "3", HS, "%", "<")])]),
        ("满意度指标", [("服务对象满意度指标", [ni("沿线群众满意度", "90", JH, "%", "大于等于")])]),
    ],
    style=NationalStyle(
        unit="元", unit_in_label=True,
        columns=("l1", "l2", "l3", "symbol", "value", "unit", "explain", "value_note", "score"),
        split=(1, 3), split_header="tblheader", restate=True, continuation_label=True,
    ),
    implementation_period="2025年1月-2027年12月",
)
WPS_EXPORT_REGION = Region("四川省", "成都市", "武侯区", "county", "510107")

# --------------------------------------------------------------------------- B: 恩施州, value shapes

ENSHI_REGION = Region("湖北省", "恩施土家族苗族自治州", None, "city", "422800")

# (name, Y-2 actual, Y-1 actual, target) — the target column holds one shape of class 7 each
_ENSHI_ANNUAL_VALUES = {
    "运行成本": [("公用经费控制", [("公用经费控制率", "100%", "100%", "≤3‰")])],
    "管理效率": [
        ("预算执行", [("审批办结时限", "5个工作日", "5个工作日", "2-5个工作日"),
                      ("预算执行率", "96%", "97%", "85%-90%")]),
        ("绩效管理", [("绩效自评覆盖率", "100%", "100%", "达标率≥98%"),
                      ("问题整改率", "95%", "95%", "95%及以上"),
                      ("整改办结时限", "5天", "4天", "3天及以下")]),
    ],
    "履职效能": [
        ("核心业务产出1", [("民族团结进步创建示范单位", "≤5/万", "≤5/万", "≤5/万"),
                           ("少数民族群众发病率", "3.5例/10万人", "3.4例/10万人", "3.2例/10万人"),
                           ("宗教活动场所巡查", "4次/月", "4次/月", "5次/月")]),
        ("核心业务产出2", [("运输补贴标准", "12元/吨·公里", "12元/吨·公里", "12元/吨·公里"),
                           ("双语服务达标率", "97.20%", "98.00%", "98.50%")]),
    ],
    "社会效应": [("社会效益", [("少数民族特色村寨数量", "40个", "45个", "较上年提高5%"),
                               ("项目完工时间", "2024年底前", "2025年底前", "2026年底前"),
                               ("年度报告报送", "11月30日前", "11月30日前", "11月30日前"),
                               ("民族文化节举办时间", "2024年9月", "2025年9月", "2026年9月")])],
    "满意度": [("服务对象满意度", [("服务对象满意度", "95%", "96%", "≥95%")])],
}

ENSHI_DEPARTMENT = DepartmentForm(
    department="恩施州民族宗教事务委员会",
    filer="——",
    phone="/",
    history_years=(2024, 2025),
    income=[
        FundingLine("财政拨款", "12500000", "100%", ("11800000", "12100000")),
        FundingLine("财政专户管理资金"),
        FundingLine("单位资金"),
        FundingLine("合计", "12500000", "100%", ("11800000", "12100000")),
    ],
    expenditure=[
        FundingLine("人员类项目支出", "8125000", "65%", ("7600000", "7900000")),
        FundingLine("运转类项目支出", "1875000", "15%", ("1800000", "1850000")),
        FundingLine("特定目标类项目支出", "2500000", "20%", ("2400000", "2350000")),
        FundingLine("合  计", "12500000", "100%", ("11800000", "12100000")),
    ],
    functions="贯彻执行党的民族宗教工作方针政策，依法管理民族宗教事务。",
    tasks="1.推进民族团结进步示范州建设。\n2.依法管理宗教事务。",
    long_term_until=2027,
    long_term_goal="民族团结进步创建全面深化，宗教领域持续和谐稳定。",
    long_term=[
        ("履职效能", [("核心业务产出1", [Ind("示范村寨创建数量", ("50个",), JH, "绩效基本型")])]),
        ("满意度", [("服务对象满意度", [Ind("群众满意度", ("≥95%",), HS, "绩效基本型")])]),
    ],
    annual_goal="1.创建民族团结进步示范单位10个。\n2.宗教活动场所规范管理全覆盖。",
    annual=[(l1, [(l2, [Ind(n, vals, JH, "绩效基本型") for n, *vals in inds]) for l2, inds in groups])
            for l1, groups in _ENSHI_ANNUAL_VALUES.items()],
    unit_line="单位：元",
    labels={"name": "单位名称"},
    before=(),  # the cover page and 编制说明 are prepended as blocks (a page break is a run)
    fields_line="填报人：李娜\u3000\u3000联系电话：0718-8224567\u3000\u3000填报日期：2025年1月15日",
    line_filer="李娜", line_phone="0718-8224567",
    split_annual=7, split_header="none", restate=False,
)

_COVER = [P("恩施州民族宗教事务委员会", align="center", bold=True, size=22),
          P("2026年度预算绩效目标申报材料", align="center"), Para((Break(page=True),)),
          P("编制说明"),
          P("根据《关于做好2026年度部门预算编制工作的通知》要求，本单位编制了部门整体绩效目标表，"
            "金额单位：元的数据按规定填列，请对照2025年度目标逐项核实。"),
          P("一、绩效目标设定依据：部门职能、中长期规划及年度工作计划。"),
          Para((Break(page=True),))]

# --------------------------------------------------------------------------- C: 北京市朝阳区, exported grid

BEIJING_DEPARTMENT = NationalDepartmentForm(
    department="北京市朝阳区财政局",
    budget_year=2026,
    tasks=[Task("预算编制与执行", "编制区级预算草案，加强预算执行管理。", "860.5", "860.5", ""),
           Task("政府采购管理", "规范政府采购行为。", "120", "100", "20")],
    total=Task("金额合计", total="980.5", fiscal="960.5", other="20"),
    annual_goal="1.按时编制区级预算草案。\n2.政府采购意向公开率100%。",
    annual=[
        ("产出指标", [
            ("数量指标", [ni("重点项目绩效评价", "30项", JH), ni("财政业务培训", "≥800人次", JH)]),
            ("质量指标", [ni("预算编制准确率", "≥95%", HY), ni("采购意向公开率", "100%", JH)]),
            ("时效指标", [ni("预算草案报送", "12月31日前", JH)]),
        ]),
        ("效益指标", [("社会效益指标", [ni("财政透明度", "持续提升", HS)])]),
        ("满意度指标", [("服务对象满意度指标", [ni("预算单位满意度", "不低于90%", HS)])]),
    ],
    style=NationalStyle(
        title_in_table=True, columns=("l1", "l2", "l3", "value", "basis"),
        words={"value": "目标值", "department": "预算单位"}, grid_label="section",
        split=(0, 3), split_header="none", restate=False, continuation_label=False,
    ),
)
BEIJING_REGION = Region("北京市", "北京市", "朝阳区", "county", "110105")


def _docx(document, writer: str, seed: int) -> bytes:
    return rewrite(build(document), writer, False, seed)


def _enshi_document():
    doc = department_document(ENSHI_DEPARTMENT)
    doc.blocks[:0] = _COVER
    return doc


# stem -> (bytes of the .docx, expected rows)
READER_CASES = {
    "reader_wps_budget_export": (
        lambda: _docx(national_project_document(WPS_EXPORT_PROJECT), "wps", 13),
        lambda: expected_national_project(WPS_EXPORT_PROJECT, WPS_EXPORT_REGION),
    ),
    "reader_enshi_department_values": (
        lambda: _docx(_enshi_document(), "wps", 7),
        lambda: expected_department(ENSHI_DEPARTMENT, ENSHI_REGION),
    ),
    "reader_beijing_grid_export": (
        lambda: _docx(national_department_document(BEIJING_DEPARTMENT), "wps_grid", 3),
        lambda: expected_national_department(BEIJING_DEPARTMENT, BEIJING_REGION),
    ),
}
