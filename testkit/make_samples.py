"""Build the demo inbox under samples/inbox/ (run: .venv/bin/python -m testkit.make_samples).

Every form is content-model data (testkit/forms.py) rendered by the same functions
as the seed rebuilds.  Five forms are sent in another format (issue 10), each made from the
.docx of its form: a .doc and a .wps (LibreOffice, Word 97), an .xlsx (merged cells as offices lay
it out), an .et (that workbook as Excel 97, as WPS Spreadsheets writes it) and a text-layer PDF
(LibreOffice); samples/converted.json records which .docx each was made from, so they are
converted again only when their form changes.  Besides the two seeds the inbox holds nine other forms in the two
Hubei layouts, one byte-identical duplicate, one Word lock file and one note (说明.txt).
Layout variations exercised by the samples:

* 鄂州市教育局 2024: 财政专户管理资金 filled, comparator words (不低于/以上/不超过/≥), a '—' placeholder
* 鄂州市教育局 2023: a 2023 form (history 2021年/2022年), no narrow header cell
* 鄂州市科学技术局 科技创新券: a project form of a city department, 满意度 as 一级, '/' placeholders
* 大冶市财政局 (county under 黄石市): labels repeated on every row instead of merged, labels with
  w:br line breaks, U+00A0 around amounts, 待定/XX placeholders
* 黄石市生态环境局: continuation cells left blank (no vMerge) in the indicator grids, ≤ and 低于/超过
* 黄石市交通运输局 农村公路养护: project form whose title states （2024年度）, ranges, a compound value
* 仙桃市卫生健康委员会: amounts in 元 (单位：元), filer in a run-level content control, a value
  typed as a tracked insertion (w:ins), full-width digits (１００％)
* 湖北省财政厅: department name in a block-level content control, a nested table in 部门职能概述
* 湖北省财政厅 一体化系统运维: project form with a range and a compound value
* 鄂州市财政局 (national department template 部门（单位）整体支出绩效目标申报表): 年度主要任务 with
  金额合计, 预算金额（万元） in the header, 计量单位 and 计算符号 columns, the 年度绩效指标 grid
  continued in a second table after a page break, a nested table in a task cell
* 黄石市教育局 教师培训 (national project template 项目支出绩效目标申报表): title and 单位：元 in
  the first merged rows, 主管部门及代码 with a code, 中长期/年度 grids with columns in another
  order, 评（扣）分标准 and 备注 columns, labels repeated on every row
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .docx_builder import Content, Para, Run, Table, C, in_sdt, inserted, lines_br, save
from .forms import (DepartmentForm, FundingLine, Ind, NationalDepartmentForm, NationalProjectForm, NationalStyle,
                    ProjectForm, Region, Task, department_document, expected_department,
                    expected_national_department, expected_national_project, expected_project,
                    national_department_document, national_project_document, project_document)
from . import seed_forms

REPO = Path(__file__).resolve().parents[1]
INBOX = REPO / "samples" / "inbox"
EXPECTED = REPO / "tests" / "cases" / "sample_inbox.expected.json"
# sha256 of the .docx each non-.docx sample was made from, and of what was made: LibreOffice and
# openpyxl stamp times into their files, so a sample is converted again only when its form changed
CONVERTED = REPO / "samples" / "converted.json"

NBSP, U3000 = "\u00a0", "\u3000"
YS, HS, HY, JH = "预算支出标准", "历史标准", "行业标准", "计划标准"
BASIC, INNOV = "绩效基本型", "绩效创新型"
PLAN, HIST = "计划数据", "历史数据"


def v3(x):
    return (x, x, x)


def lt(name, value, basis=YS, category=BASIC):
    return Ind(name, (value,), basis, category)


def an(name, values, basis=YS, category=BASIC):
    return Ind(name, tuple(values), basis, category)


def pl(name, value, standard=PLAN):
    return Ind(name, (value,), standard)


def pa(name, values, standard=PLAN):
    return Ind(name, tuple(values), standard)


def F(category, current="", share="", h1="", h2=""):
    return FundingLine(category, current, share, (h1, h2))


TOTAL = "合  计"

# --------------------------------------------------------------------------- 鄂州市教育局 2024

EDU_2024 = DepartmentForm(
    department="鄂州市教育局",
    filer="张" + U3000 + "伟",
    phone="0711-3228516",
    history_years=(2022, 2023),
    income=[
        F("财政拨款", "45210.37", "86.12%", "41876.5", "43995.82"),
        F("财政专户管理资金", "5843.2", "11.13%", "5520.1", "5711.4"),
        F("单位资金", "1443.6", "2.75%", "1210", "1380.25"),
        F(TOTAL, "52497.17", "100%", "48606.6", "51087.47"),
    ],
    expenditure=[
        F("人员类项目支出", "31240.55", "59.51%", "29020.3", "30112.75"),
        F("运转类项目支出", "6120.4", "11.66%", "5710.1", "5980.42"),
        F("特定目标类项目支出", "15136.22", "28.83%", "13876.2", "14994.3"),
        F(TOTAL, "52497.17", "100%", "48606.6", "51087.47"),
    ],
    functions="1.贯彻执行国家和省有关教育工作的方针政策；\n2.统筹规划全市各级各类教育发展；\n3.负责全市教育经费的统筹管理。",
    tasks="1.推进学前教育普惠发展。\n2.推动义务教育优质均衡。\n3.加强教师队伍建设。",
    long_term_until=2025,
    long_term_goal="学前教育普及普惠水平持续提高，义务教育优质均衡发展，高中阶段教育普及攻坚全面完成。",
    long_term=[
        ("运行\n成本", [
            ("公用经费控制", [lt("公用经费控制率", "95%")]),
            ("“三公”经费控制", [lt("“三公”经费变动率", "0%")]),
        ]),
        ("管理\n效率", [
            ("预算执行", [lt("预算执行率", "≥95%"), lt("结转结余率", "不超过5%")]),
            ("绩效管理", [lt("绩效评价覆盖率", "100%", HS)]),
        ]),
        ("履职\n效能", [
            ("学前教育", [lt("学前三年毛入园率", "不低于90%", HY, INNOV)]),
            ("义务教育", [lt("义务教育巩固率", "99%以上", HY, INNOV)]),
            ("办学条件", [lt("新建改扩建学校", "12所", HY, INNOV)]),
        ]),
        ("社会\n效应", [("社会效益", [lt("群众教育获得感", "逐步提升", HS, INNOV)])]),
        ("满意度", [("服务对象满意度", [lt("家长满意度", "≥95%", HS, INNOV)])]),
    ],
    annual_goal="1.新建、改扩建幼儿园和中小学校4所。\n2.完成义务教育学校标准化建设年度任务。\n3.开展教师培训1800人次。",
    annual=[
        ("运行\n成本", [
            ("公用经费控制", [an("公用经费控制率", ("90%", "92%", "95%"))]),
            ("“三公”经费控制", [an("“三公”经费变动率", v3("0%"))]),
        ]),
        ("管理\n效率", [
            ("预算执行", [an("预算执行率", ("93.5%", "94.2%", "≥95%")),
                          an("结转结余率", ("3%", "2%", "不超过5%"))]),
        ]),
        ("履职\n效能", [
            ("学前教育", [an("学前三年毛入园率", ("88%", "90%", "不低于90%"), HS, INNOV)]),
            ("办学条件", [an("新建改扩建学校", ("2所", "3所", "4所"), HS, INNOV)]),
            ("教师培训", [an("教师培训人次", ("1200人次", "1500人次", "1800人次"), HS, INNOV)]),
            ("学生资助", [an("学生资助覆盖率", ("—", "100%", "100%"), HY, INNOV)]),
        ]),
        ("社会\n效应", [("社会效益", [an("群众教育获得感", v3("有效提升"), HS, INNOV)])]),
        ("满意度", [("服务对象满意度", [an("家长满意度", ("92%", "95%", "≥95%"), HS, INNOV)])]),
    ],
)

# --------------------------------------------------------------------------- 鄂州市教育局 2023

EDU_2023 = DepartmentForm(
    department="鄂州市教育局",
    filer="张伟",
    phone="0711-3228516",
    history_years=(2021, 2022),
    income=[
        F("财政拨款", "43995.82", "86.12%", "39870.2", "41876.5"),
        F("财政专户管理资金", "5711.4", "11.18%", "5102.3", "5520.1"),
        F("单位资金", "1380.25", "2.70%", "1105", "1210"),
        F(TOTAL, "51087.47", "100%", "46077.5", "48606.6"),
    ],
    expenditure=[
        F("人员类项目支出", "30112.75", "58.94%", "27650.4", "29020.3"),
        F("运转类项目支出", "5980.42", "11.71%", "5420.6", "5710.1"),
        F("特定目标类项目支出", "14994.3", "29.35%", "13006.5", "13876.2"),
        F(TOTAL, "51087.47", "100%", "46077.5", "48606.6"),
    ],
    functions="1.贯彻执行国家和省有关教育工作的方针政策；\n2.统筹规划全市各级各类教育发展。",
    tasks="1.推进学前教育普惠发展。\n2.推动义务教育优质均衡。",
    long_term_until=2025,
    long_term_goal="义务教育优质均衡发展，学前教育普及普惠。",
    long_term=[
        ("运行\n成本", [("公用经费控制", [lt("公用经费控制率", "95%")])]),
        ("履职\n效能", [
            ("学前教育", [lt("学前三年毛入园率", "不低于90%", HY, INNOV)]),
            ("办学条件", [lt("新建改扩建学校", "12所", HY, INNOV)]),
        ]),
        ("满意度", [("服务对象满意度", [lt("家长满意度", "95%", HS, INNOV)])]),
    ],
    annual_goal="1.新建、改扩建中小学校3所。\n2.开展教师培训1500人次。",
    annual=[
        ("运行\n成本", [("公用经费控制", [an("公用经费控制率", ("88%", "90%", "92%"))])]),
        ("履职\n效能", [
            ("办学条件", [an("新建改扩建学校", ("4所", "2所", "3所"), HS, INNOV)]),
            ("教师培训", [an("教师培训人次", ("—", "1200人次", "1500人次"), HS, INNOV)]),
        ]),
        ("满意度", [("服务对象满意度", [an("家长满意度", ("90%", "92%", "95%"), HS, INNOV)])]),
    ],
    header_sliver=False,
)

# --------------------------------------------------------------------------- 鄂州市科学技术局 科技创新券 (project)

INNOVATION_VOUCHER = ProjectForm(
    title="科技创新券补助专项预算绩效目标",
    project_name="科技创新券补助资金",
    project_code="2023—207—000—015",
    supervising_department="鄂州市科学技术局",
    executing_unit="鄂州市科技创新服务中心",
    long_term_goal="降低中小企业创新成本，激发企业研发投入，培育一批科技型中小企业。",
    annual_goals=[
        ("年度目标01", "发放科技创新券，支持科技型中小企业购买研发设计、检验检测等科技服务。"),
        ("年度目标02", "完善创新券管理平台，\n提高兑付效率。"),
    ],
    long_term=[
        ("长期目标", [
            ("产出", [("数量指标", [pl("受益企业数量", "突破1000家")])]),
            ("效益", [("经济效益", [pl("带动企业研发投入", "稳步提高")])]),
            ("满意度", [("服务对象满意度", [pl("企业满意度", "≥95%")])]),
        ]),
    ],
    annual=[
        ("年度目标01", [
            ("产出", [
                ("数量指标", [pa("发放创新券金额", ("600万元", "800万元", "1000万元")),
                              pa("受益企业数量", ("180家", "210家", "不少于200家"))]),
                ("质量指标", [pa("兑付准确率", v3("100%"), HIST)]),
            ]),
            ("效益", [("经济效益", [pa("带动企业研发投入", ("1.2亿元", "3.6亿元", "4.5亿"))])]),
        ]),
        ("年度目标02", [
            ("产出", [("时效指标", [pa("兑付办理时限", ("/", "/", "3天以内"))])]),
            ("效益", [("可持续影响", [pa("管理平台运行", v3("持续运行"))])]),
            ("满意度", [("服务对象满意度", [pa("企业满意度", ("92%", "95%", "≥95%"), HIST)])]),
        ]),
    ],
)

# --------------------------------------------------------------------------- 大冶市财政局 (county)

DAYE_FINANCE = DepartmentForm(
    department="大冶市财政局",
    filer="刘明",
    phone="0714-8722136",
    history_years=(2022, 2023),
    income=[
        F("财政拨款", NBSP + "2856.4", "94.26%", "2610.3" + NBSP, "2744.8"),
        F("财政专户管理资金"),
        F("单位资金", "174.1", "5.74%", "160.2", "168.9"),
        F("合计", "3030.5", "100%", "2770.5", "2913.7"),
    ],
    expenditure=[
        F("人员类项目支出", "1988.6", "65.62%", "1850.2", "1932.5"),
        F("运转类项目支出", "412.3", "13.61%", "380.1", "401.7"),
        F("特定目标类项目支出", "629.6", "20.78%", "540.2", "579.5"),
        F("合计", "3030.5", "100%", "2770.5", "2913.7"),
    ],
    functions="1.负责全市财政收支管理；\n2.负责政府采购、国有资产和财政投资评审管理；\n3.负责预算绩效管理。",
    tasks="1.组织财政收入。\n2.深化预算绩效管理改革。\n3.加强政府债务管理。",
    long_term_until=2025,
    long_term_goal="建立全方位、全过程、全覆盖的预算绩效管理体系，财政保障能力稳步增强。",
    long_term=[
        ("运行\n成本", [("公用经费控制", [lt("公用经费控制率", "不高于1.5%")]),
                        ("“三公”经费控制", [lt("“三公”经费变动率", "0%")])]),
        ("管理\n效率", [("预算执行", [lt("预算执行率", "95%以上"), lt("结转结余率", "5%以内")])]),
        ("履职\n效能", [("财政收入", [lt("一般公共预算收入增长率", "5%", HY, INNOV)]),
                        ("债务管理", [lt("政府债务风险等级", "达标", HY, INNOV)])]),
        ("满意度", [("服务对象满意度", [lt("预算单位满意度", "95%", HS, INNOV)])]),
    ],
    annual_goal="1.完成一般公共预算收入年度目标。\n2.实现预算绩效管理全覆盖。",
    annual=[
        ("运行\n成本", [("公用经费控制", [an("公用经费控制率", ("2%", "1%", "不高于1.5%"))]),
                        ("“三公”经费控制", [an("“三公”经费变动率", v3("0%"))])]),
        ("管理\n效率", [("预算执行", [an("预算执行率", ("92%", "96%", "95%以上")),
                                      an("结转结余率", ("5%", "3%", "5%以内"))]),
                        ("绩效管理", [an("绩效评价覆盖率", ("85%", "92%", "100%"), HS)])]),
        ("履职\n效能", [("财政收入", [an("一般公共预算收入增长率", ("3%", "待定", "5%"), HY, INNOV)]),
                        ("债务管理", [an("政府债务风险等级", ("达标", "达标", "达标"), HY, INNOV)]),
                        ("国资管理", [an("国有资产报告编报", ("XX", "按时完成", "按时完成"), HY, INNOV)])]),
        ("满意度", [("服务对象满意度", [an("预算单位满意度", ("92%", "95%", "95%"), HS, INNOV)])]),
    ],
    merge="repeat",
    labels={"name": lines_br("部门（单位）\n名称"), "l1": lines_br("一级\n指标"), "funding": lines_br("部门总体\n资金情况")},
)

# --------------------------------------------------------------------------- 黄石市生态环境局

HUANGSHI_ECO = DepartmentForm(
    department="黄石市生态环境局",
    filer="陈静",
    phone="0714-6251830",
    history_years=(2022, 2023),
    income=[
        F("财政拨款", "6120.75", "97.03%", "5430.2", "5876.9"),
        F("财政专户管理资金"),
        F("单位资金", "187.3", "2.97%", "150", "162.5"),
        F(TOTAL, "6308.05", "100%", "5580.2", "6039.4"),
    ],
    expenditure=[
        F("人员类项目支出", "2310.6", "36.63%", "2150.4", "2245.1"),
        F("运转类项目支出", "865.2", "13.72%", "802.3", "840.6"),
        F("特定目标类项目支出", "3132.25", "49.65%", "2627.5", "2953.7"),
        F(TOTAL, "6308.05", "100%", "5580.2", "6039.4"),
    ],
    functions="1.负责全市生态环境监督管理；\n2.负责重大生态环境问题的统筹协调和监督管理。",
    tasks="1.深入打好蓝天保卫战。\n2.深入打好碧水保卫战。\n3.加强生态环境监测能力建设。",
    long_term_until=2025,
    long_term_goal="全市生态环境质量持续改善，主要污染物排放总量持续减少。",
    long_term=[
        ("运行\n成本", [("公用经费控制", [lt("公用经费控制率", "95%")])]),
        ("履职\n效能", [
            ("大气环境", [lt("PM2.5平均浓度", "≤35微克/立方米", HY, INNOV),
                          lt("空气质量优良天数比例", "超过80%", HY, INNOV)]),
            ("水环境", [lt("地表水国考断面水质优良比例", "90%-95%", HY, INNOV)]),
        ]),
        ("社会\n效应", [("生态效益", [lt("生态环境质量", "持续改善", HS, INNOV)])]),
        ("满意度", [("服务对象满意度", [lt("公众生态环境满意度", "不低于90%", HS, INNOV)])]),
    ],
    annual_goal="1.PM2.5平均浓度控制在35微克/立方米以内。\n2.重污染天数低于5天。\n3.完成监测站点建设2-3个。",
    annual=[
        ("运行\n成本", [("公用经费控制", [an("公用经费控制率", ("92%", "95%", "95%"))])]),
        ("管理\n效率", [("预算执行", [an("预算执行率", ("96%", "97%", "98%")),
                                      an("结转结余率", ("3%", "2%", "2%以下"))])]),
        ("履职\n效能", [
            ("大气环境", [an("PM2.5平均浓度", ("33微克/立方米", "31.5微克/立方米", "≤35微克/立方米"), HY, INNOV),
                          an("重污染天数", ("/", "/", "低于5天"), HY, INNOV),
                          an("空气质量优良天数比例", ("85%", "88%", "超过80%"), HY, INNOV)]),
            ("监测能力", [an("新建空气自动监测站", ("2个", "5个", "2-3个"), JH, INNOV)]),
        ]),
        ("社会\n效应", [("生态效益", [an("生态环境质量", ("有所改善", "持续改善", "持续改善"), HS, INNOV)])]),
        ("满意度", [("服务对象满意度", [an("公众生态环境满意度", ("88%", "90%", "不低于90%"), HS, INNOV)])]),
    ],
    merge="blank",
    header_sliver=False,
)

# --------------------------------------------------------------------------- 黄石市交通运输局 农村公路养护 (project)

RURAL_ROADS = ProjectForm(
    annex="附表五：",
    title="黄石市交通运输局农村公路养护专项预算绩效目标（2024年度）",
    project_name="农村公路养护补助资金",
    project_code="2024—202—010—003",
    supervising_department="黄石市交通运输局",
    executing_unit="黄石市公路事业发展中心",
    long_term_goal="农村公路列养率保持100%，\n优良中等路率逐年提高，\n群众出行条件持续改善。",
    annual_goals=[
        ("年度目标01", "完成农村公路日常养护1260公里。"),
        ("年度目标02", "及时处置水毁等突发路况。"),
        ("年度目标03", "提升农村公路管理养护水平。"),
    ],
    long_term=[
        ("长期目标", [
            ("产出", [("数量指标", [pl("农村公路列养率", "100%")]),
                      ("质量指标", [pl("优良中等路率", "≥85%")])]),
            ("效益", [("社会效益", [pl("群众出行条件", "持续改善")])]),
        ]),
    ],
    annual=[
        ("年度目标01", [
            ("产出", [("数量指标", [pa("日常养护里程", ("1100公里", "1200公里", "1260公里"))]),
                      ("质量指标", [pa("优良中等路率", ("85%", "88%", "≥85%"), HIST),
                                    pa("路面病害率", ("5%", "3%", "不足3%"), HIST)])]),
            ("成本", [("经济成本", [pa("养护资金使用率", ("96%", "97%", "不低于95%"))])]),
        ]),
        ("年度目标02", [
            ("产出", [("时效指标", [pa("突发路况处置时限", ("48小时", "24小时", "城区24小时、乡镇48小时"), HIST)])]),
            ("效益", [("社会效益", [pa("道路安全隐患", ("较好", "良好", "显著"))])]),
        ]),
        ("年度目标03", [
            ("产出", [("数量指标", [pa("养护技术培训", ("4次", "12次", "不少于3次"))])]),
            ("满意度", [("服务对象满意度", [pa("沿线群众满意度", ("90%", "92%", "90%-95%"))])]),
        ]),
    ],
)

# --------------------------------------------------------------------------- 仙桃市卫生健康委员会 (amounts in 元)

XIANTAO_HEALTH = DepartmentForm(
    department="仙桃市卫生健康委员会",
    filer=in_sdt("王芳", level="run"),
    phone="0728-3326117",
    history_years=(2022, 2023),
    unit_line="单位：元",
    income=[
        F("财政拨款", "86452300.00", "82.37%", "79215600.00", "83127450.00"),
        F("财政专户管理资金"),
        F("单位资金", "18503200.00", "17.63%", "16480000.00", "17236100.00"),
        F(TOTAL, "104955500.00", "100%", "95695600.00", "100363550.00"),
    ],
    expenditure=[
        F("人员类项目支出", "41286900.00", "39.34%", "38102300.00", "39876450.00"),
        F("运转类项目支出", "9872100.00", "9.41%", "9215400.00", "9590200.00"),
        F("特定目标类项目支出", "53796500.00", "51.26%", "48377900.00", "50896900.00"),
        F(TOTAL, "104955500.00", "100%", "95695600.00", "100363550.00"),
    ],
    functions="1.组织拟订全市卫生健康事业发展规划；\n2.统筹规划卫生健康资源配置；\n3.负责公共卫生和疾病预防控制工作。",
    tasks="1.推进紧密型县域医共体建设。\n2.提升基本公共卫生服务水平。",
    long_term_until=2025,
    long_term_goal=U3000 + "建成优质高效的整合型医疗卫生服务体系，居民主要健康指标达到全省平均水平以上。",
    long_term=[
        ("运行\n成本", [("公用经费控制", [lt("公用经费控制率", "１００％")])]),
        ("履职\n效能", [
            ("公共卫生", [lt("适龄儿童免疫规划疫苗接种率", "95%以上", HY, INNOV),
                          lt("居民电子健康档案建档率", "90%", HY, INNOV)]),
            ("医疗服务", [lt("县域内就诊率", "90%", HY, INNOV)]),
        ]),
        ("满意度", [("服务对象满意度", [lt("患者满意度", "≥95%", HS, INNOV)])]),
    ],
    annual_goal="1.适龄儿童免疫规划疫苗接种率保持在95%以上。\n2.县域内就诊率达到90%。",
    annual=[
        ("运行\n成本", [("公用经费控制", [an("公用经费控制率", ("96%", "98%", "１００％"))])]),
        ("履职\n效能", [
            ("公共卫生", [an("适龄儿童免疫规划疫苗接种率", ("97%", "98%", inserted("≥98%")), HY, INNOV),
                          an("居民电子健康档案建档率", ("85%", "88%", "90%"), HY, INNOV)]),
            ("医疗服务", [an("县域内就诊率", ("85%", "88%", "90%"), HY, INNOV),
                          an("基层医疗机构标准化建设", ("2所", "4所", "3所"), JH, INNOV)]),
        ]),
        ("社会\n效应", [("社会效益", [an("群众看病就医负担", ("有所改善", "持续改善", "持续改善"), HS, INNOV)])]),
        ("满意度", [("服务对象满意度", [an("患者满意度", ("92%", "95%", "≥95%"), HS, INNOV)])]),
    ],
)

# --------------------------------------------------------------------------- 湖北省财政厅 (province)

_ORG_TABLE = Table([1500, 5000], [
    [C("内设机构"), C("主要职责")],
    [C("预算处"), C("组织编制省级年度预算草案")],
    [C("预算绩效管理处"), C("组织实施全省预算绩效管理")],
])

PROVINCE_FINANCE = DepartmentForm(
    department=in_sdt("湖北省财政厅", level="block"),
    filer="赵磊",
    phone="027-87835061",
    history_years=(2022, 2023),
    income=[
        F("财政拨款", "38652.18", "91.64%", "35210.6", "36984.3"),
        F("财政专户管理资金"),
        F("单位资金", "3525.4", "8.36%", "3102.5", "3318.2"),
        F(TOTAL, "42177.58", "100%", "38313.1", "40302.5"),
    ],
    expenditure=[
        F("人员类项目支出", "15230.8", "36.11%", "14120.5", "14785.6"),
        F("运转类项目支出", "4102.35", "9.73%", "3850.2", "3990.1"),
        F("特定目标类项目支出", "22844.43", "54.16%", "20342.4", "21526.8"),
        F(TOTAL, "42177.58", "100%", "38313.1", "40302.5"),
    ],
    functions=Content(
        (Para((Run("拟订全省财政发展战略、规划和政策，主要内设机构及职责如下："),)),),
        nested=_ORG_TABLE,
    ),
    tasks="1.深化预算管理制度改革。\n2.全面实施预算绩效管理。\n3.防范化解地方政府债务风险。",
    long_term_until=2025,
    long_term_goal="全面建成规范透明、标准科学、约束有力的预算制度，预算绩效管理提质增效。",
    long_term=[
        ("运行\n成本", [("公用经费控制", [lt("公用经费控制率", "≧95%")])]),
        ("管理\n效率", [("预算执行", [lt("预算执行率", "95%以上"), lt("结转结余率", "2%以下")]),
                        ("绩效管理", [lt("重点项目绩效评价覆盖率", "100%", HS)])]),
        ("履职\n效能", [("预算管理", [lt("省级部门预算公开率", "100%", HY, INNOV)]),
                        ("债务管理", [lt("地方政府债务风险", "总体可控", HY, INNOV)])]),
        ("满意度", [("服务对象满意度", [lt("预算单位满意度", "不低于95%", HS, INNOV)])]),
    ],
    annual_goal="1.按时编制省级预算草案。\n2.完成重点项目绩效评价。\n3.政府债务风险总体可控。",
    annual=[
        ("运行\n成本", [("公用经费控制", [an("公用经费控制率", ("93.5%", "94.2%", "≧95%"))])]),
        ("管理\n效率", [("预算执行", [an("预算执行率", ("97%", "98%", "95%以上")),
                                      an("结转结余率", ("3%", "2%", "2%以下"))]),
                        ("绩效管理", [an("重点项目绩效评价覆盖率", ("92%", "96%", "100%"), HS)])]),
        ("履职\n效能", [("预算管理", [an("省级部门预算公开率", v3("100%"), HY, INNOV),
                                      an("预算编制时限", ("及时", "及时", "按时完成"), HY, INNOV)]),
                        ("债务管理", [an("隐性债务化解计划完成率", ("—", "100%", "100%"), HY, INNOV)])]),
        ("满意度", [("服务对象满意度", [an("预算单位满意度", ("92%", "95%", "不低于95%"), HS, INNOV)])]),
    ],
)

# --------------------------------------------------------------------------- 湖北省财政厅 一体化系统运维 (project)

INTEGRATED_SYSTEM = ProjectForm(
    title="预算管理一体化系统运维专项预算绩效目标",
    project_name="预算管理一体化系统运行维护经费",
    project_code="2022—101—000—021",
    supervising_department="湖北省财政厅",
    executing_unit="湖北省财政厅信息中心",
    long_term_goal="保障全省预算管理一体化系统稳定运行，支撑预算管理全流程电子化。",
    annual_goals=[
        ("年度目标01", "完成系统日常运维和安全防护。"),
        ("年度目标02", "完成系统功能优化升级。"),
    ],
    long_term=[
        ("长期目标", [
            ("产出", [("质量指标", [pl("系统正常运行率", "99%以上")])]),
            ("效益", [("可持续影响", [pl("预算管理电子化水平", "稳步提高")])]),
        ]),
    ],
    annual=[
        ("年度目标01", [
            ("产出", [("数量指标", [pa("系统巡检次数", ("4次", "12次", "12次")),
                                    pa("安全漏洞整改", ("XX", "A类不少于20项、B类不少于10项",
                                                        "A类不少于20项、B类不少于10项"), HIST)]),
                      ("质量指标", [pa("系统正常运行率", ("98%", "99%", "99%以上")),
                                    pa("重大故障次数", ("5个", "2个", "不超过3个"), HIST)])]),
        ]),
        ("年度目标02", [
            ("产出", [("数量指标", [pa("功能优化需求完成数", ("/", "17个", "2-3个"))])]),
            ("效益", [("可持续影响", [pa("系统功能", ("基本完善", "基本完善", "完善"))])]),
            ("满意度", [("服务对象满意度", [pa("使用单位满意度", ("88%", "92%", "90%-95%"))])]),
        ]),
    ],
)

# --------------------------------------------------------------------------- 鄂州市财政局 (national department template)


def ni(name, value, basis=JH, unit="", symbol=""):
    return Ind(name, (value,), basis, None, unit, symbol)


_TASK_DETAIL = Table([1500, 3000], [[C("子项"), C("内容")], [C("绩效评价"), C("重点项目评价全覆盖")]])

EZHOU_FINANCE_NATIONAL = NationalDepartmentForm(
    department="鄂州市财政局",
    budget_year=2024,
    tasks=[
        Task("预算编制与执行", "1.编制市级年度预算草案；\n2.加强预算执行管理。", "1250.5", "1200", "50.5"),
        Task("预算绩效管理", Content((Para((Run("全面实施预算绩效管理，评价安排如下："),)),), nested=_TASK_DETAIL),
             "380", "380", ""),
        Task("政府债务管理", "防范化解政府债务风险。", "96.25", "96.25", "0"),
    ],
    total=Task("金额合计", total="1726.75", fiscal="1676.25", other="50.5"),
    annual_goal="1.按时编制市级预算草案。\n2.重点项目绩效评价覆盖率100%。\n3.政府债务风险总体可控。",
    annual=[
        ("产出指标", [
            ("数量指标", [ni("重点项目绩效评价", "35项"), ni("财政业务培训", "1200", HS, "人次", "≥")]),
            ("质量指标", [ni("预算编制准确率", "95", HY, "%", "≥"), ni("评价报告合格率", "100%")]),
            ("时效指标", [ni("预算草案按时报送", "按时完成")]),
        ]),
        ("效益指标", [
            ("社会效益指标", [ni("财政资金使用效益", "有效提升", HS)]),
            ("可持续影响指标", [ni("预算管理制度", "完善", HS)]),
        ]),
        ("满意度指标", [("服务对象满意度指标", [ni("预算单位满意度", "90", HS, "%", "大于等于")])]),
    ],
    style=NationalStyle(unit_in_label=True, columns=("l1", "l2", "l3", "value", "unit", "symbol", "basis"),
                        split=(0, 5), continuation_label=False),
)

# --------------------------------------------------------------------------- 黄石市教育局 教师培训 (national project template)

TEACHER_TRAINING = NationalProjectForm(
    project_name="中小学教师培训经费",
    department="黄石市教育局",
    department_code="106001",
    executing_unit="黄石市教师发展中心",
    budget_year=2024,
    total="3500000.00",
    fiscal="3000000.00",
    other="500000.00",
    long_term_goal="建成市、县、校三级教师培训体系，\n教师专业素质持续提升。",
    annual_goal="完成中小学教师培训1800人次，培训合格率95%以上。",
    long_term=[
        ("产出指标", [("数量指标", [ni("教师培训人次", "不少于3次", JH), ni("培训基地建设", "2-3个")])]),
        ("效益指标", [("可持续影响指标", [ni("教师专业素质", "持续改善", HS)])]),
    ],
    annual=[
        ("产出指标", [
            ("数量指标", [ni("教师培训人次", "1800人次"), ni("培训课程开发", "10项")]),
            ("质量指标", [ni("培训合格率", "95%以上", HY)]),
            ("成本指标", [ni("人均培训成本", "不超过3个", HS)]),
        ]),
        ("效益指标", [("社会效益指标", [ni("教育教学质量", "稳步提高", HS)])]),
        ("满意度指标", [("服务对象满意度指标", [ni("参训教师满意度", "≥95%", HS)])]),
    ],
    style=NationalStyle(title_in_table=True, unit="元",
                        columns=("l3", "l1", "l2", "value", "score", "basis", "note"),
                        words={"l3": "三级指标名称", "value": "绩效指标值", "basis": "评价标准",
                               "l1": "一级绩效指标"},
                        merge="repeat", empty_rows=True),
)

# --------------------------------------------------------------------------- the inbox


@dataclass
class Sample:
    path: str  # relative to samples/inbox
    form: object
    region: Region
    budget_year: int  # for project forms (department forms derive it from their history columns)

    @property
    def fmt(self) -> str:
        """The format the office sent it in (the path's suffix): docx, doc, wps, xlsx, et, pdf."""
        return PurePosixPath(self.path).suffix[1:]


REGION_EZHOU = Region("湖北省", "鄂州市", None, "city", "420700")
REGION_HUANGSHI = Region("湖北省", "黄石市", None, "city", "420200")
REGION_DAYE = Region("湖北省", "黄石市", "大冶市", "county", "420281")
REGION_XIANTAO = Region("湖北省", "仙桃市", None, "city", "429004")
REGION_PROVINCE = Region("湖北省", None, None, "province", "420000")

# the other formats offices send (issue 10): each made from the .docx of the same form model
NATIONAL_DEPARTMENT_PATH = "2024/鄂州市/鄂州市财政局 部门（单位）整体支出绩效目标申报表.et"
NATIONAL_PROJECT_PATH = "2024/黄石市/黄石市教育局 教师培训项目支出绩效目标申报表.pdf"

SEED_000_PATH = "2024/鄂州市/鄂州市科学技术局 部门整体绩效目标表.docx"
SEED_003_PATH = "2024/湖北省/湖北省科学技术厅 综合事务工作专项预算绩效目标.docx"

SAMPLES = [
    Sample(SEED_000_PATH, seed_forms.SEED_000, seed_forms.SEED_000_REGION, 2024),
    Sample(SEED_003_PATH, seed_forms.SEED_003, seed_forms.SEED_003_REGION, seed_forms.SEED_003_BUDGET_YEAR),
    Sample("2023/鄂州市/鄂州市教育局 部门整体绩效目标表.doc", EDU_2023, REGION_EZHOU, 2023),
    Sample("2024/鄂州市/鄂州市教育局 部门整体绩效目标表.docx", EDU_2024, REGION_EZHOU, 2024),
    Sample("2024/鄂州市/鄂州市科学技术局 科技创新券补助专项预算绩效目标.wps", INNOVATION_VOUCHER, REGION_EZHOU, 2024),
    Sample("2024/黄石市/大冶市/大冶市财政局 部门整体绩效目标表.docx", DAYE_FINANCE, REGION_DAYE, 2024),
    Sample("2024/黄石市/黄石市生态环境局 部门整体绩效目标表.docx", HUANGSHI_ECO, REGION_HUANGSHI, 2024),
    Sample("2024/黄石市/黄石市交通运输局 农村公路养护专项预算绩效目标（2024年度）.docx", RURAL_ROADS,
           REGION_HUANGSHI, 2024),
    Sample("2024/仙桃市/仙桃市卫生健康委员会 部门整体绩效目标表.docx", XIANTAO_HEALTH, REGION_XIANTAO, 2024),
    Sample("2024/湖北省/湖北省财政厅 部门整体绩效目标表.docx", PROVINCE_FINANCE, REGION_PROVINCE, 2024),
    Sample("2024/湖北省/湖北省财政厅 预算管理一体化系统运维专项预算绩效目标.xlsx", INTEGRATED_SYSTEM,
           REGION_PROVINCE, 2024),
    Sample(NATIONAL_DEPARTMENT_PATH, EZHOU_FINANCE_NATIONAL, REGION_EZHOU, 2024),
    Sample(NATIONAL_PROJECT_PATH, TEACHER_TRAINING, REGION_HUANGSHI, 2024),
]

DUPLICATE = ("2024/黄石市/重复报送/大冶市财政局 部门整体绩效目标表 - 副本.docx",
             "2024/黄石市/大冶市/大冶市财政局 部门整体绩效目标表.docx")
LOCK_FILE = "2024/鄂州市/~$部门整体绩效目标表.docx"
NOTE_FILE = "说明.txt"

NOTE = """\
样例收件箱（演示用）

目录按“预算年度/地区”组织：2023/、2024/ 下分湖北省（省直部门）、鄂州市、黄石市（含大冶市）、仙桃市。
每个文件为一张预算绩效目标表：部门整体绩效目标表或项目支出绩效目标表（附表五）。
  - 多数为 .docx；另有 .doc（Word 97）、.wps（WPS 文字）、.xlsx（Excel 表格，含合并单元格）、
    .et（WPS 表格）和带文字层的 PDF 各一份，内容读法与 .docx 相同；
  - 2024/黄石市/重复报送/ 下为重复报送的副本（与原文件字节相同）；
  - ~$ 开头的文件为 Word 打开文档时留下的锁文件，不是报表；
  - 本说明文件不是报表。
所有报表均为测试生成的虚构数据，仅供演示。
"""


def lock_file_bytes(user: str = "zhangwei") -> bytes:
    """What Word leaves next to an open document: owner name (ANSI, then UTF-16), 162 bytes."""
    a = user.encode("ascii")
    data = bytes([len(a)]) + a + b" " * (53 - len(a)) + bytes([len(user), 0]) + user.encode("utf-16-le")
    return data + b" " * (162 - len(data))


def document_for(form):
    render = {DepartmentForm: department_document, ProjectForm: project_document,
              NationalDepartmentForm: national_department_document, NationalProjectForm: national_project_document}
    return render[type(form)](form)


def expected_for(sample: Sample) -> dict:
    if isinstance(sample.form, NationalDepartmentForm):
        return expected_national_department(sample.form, sample.region)
    if isinstance(sample.form, NationalProjectForm):
        return expected_national_project(sample.form, sample.region)
    if isinstance(sample.form, DepartmentForm):
        exp = expected_department(sample.form, sample.region)
        assert exp["budget_year"] == sample.budget_year, sample.path
        return exp
    return expected_project(sample.form, sample.region, sample.budget_year)


def docx_bytes(sample: Sample) -> bytes:
    from .docx_builder import build

    return build(document_for(sample.form))


def convert_sample(docx: bytes, fmt: str) -> bytes:
    """The form in `fmt`: .xlsx laid out with merged cells as offices do; .et = that workbook saved
    by LibreOffice as Excel 97 (what WPS Spreadsheets writes); .doc/.wps/.pdf by LibreOffice."""
    from extractors.docx_reader import read_docx_bytes
    from .formats import convert_bytes, convert_files, xlsx_from_document

    if fmt in ("xlsx", "et", "xls"):
        xlsx = xlsx_from_document(read_docx_bytes(docx))
        if fmt == "xlsx":
            return xlsx
        with tempfile.TemporaryDirectory(prefix="jixiao-samples-") as tmp:
            src = Path(tmp, "form.xlsx")
            src.write_bytes(xlsx)
            return convert_files([src], fmt, Path(tmp, "out"))[0].read_bytes()
    return convert_bytes(docx, fmt)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stale_conversions(inbox: Path = INBOX, manifest: Path = CONVERTED) -> list[str]:
    """The non-.docx samples whose file is missing or was not made from their form's .docx now."""
    made = json.loads(manifest.read_text("utf-8")) if manifest.exists() else {}
    stale = []
    for s in SAMPLES:
        if s.fmt == "docx":
            continue
        entry, target = made.get(s.path), inbox / s.path
        if not (entry and entry["from_docx"] == _sha(docx_bytes(s)) and target.exists()
                and entry["sha256"] == _sha(target.read_bytes())):
            stale.append(s.path)
    return stale


def build_inbox(inbox: Path = INBOX, manifest: Path = CONVERTED, convert: bool = True) -> list:
    """(Re)write samples/inbox; returns the relative paths of the inbox. A non-.docx sample is
    converted (LibreOffice) only when stale; with convert=False it is left as it is."""
    inbox.mkdir(parents=True, exist_ok=True)
    wanted = set()
    stale = set(stale_conversions(inbox, manifest)) if convert else set()
    made = json.loads(manifest.read_text("utf-8")) if manifest.exists() else {}
    for s in SAMPLES:
        wanted.add(s.path)
        if s.fmt == "docx":
            save(document_for(s.form), inbox / s.path)
        elif s.path in stale:
            docx = docx_bytes(s)
            data = convert_sample(docx, s.fmt)
            write_bytes(inbox / s.path, data)
            made[s.path] = {"from_docx": _sha(docx), "sha256": _sha(data)}
    if convert:
        made = {k: v for k, v in sorted(made.items()) if k in wanted}
        write_json(manifest, made)
    dup, orig = DUPLICATE
    write_bytes(inbox / dup, (inbox / orig).read_bytes())  # byte-identical copy
    write_bytes(inbox / LOCK_FILE, lock_file_bytes())
    write_bytes(inbox / NOTE_FILE, NOTE.encode("utf-8"))
    wanted |= {dup, LOCK_FILE, NOTE_FILE}
    # remove anything else (stale outputs of an older version of this script)
    for p in sorted(inbox.rglob("*"), reverse=True):
        rel = p.relative_to(inbox).as_posix()
        if p.is_file() and rel not in wanted:
            p.unlink()
        elif p.is_dir() and not any(p.iterdir()):
            p.rmdir()
    return sorted(wanted)


#: the samples with a read warning (issue 13.10: only those are loaded_with_warnings; review
#: findings about targets never change a file's status): the national forms leave header fields
#: the checks require blank (header_field_missing)
READ_WARNINGS = {NATIONAL_DEPARTMENT_PATH: "填报人 and 联系电话 blank",
                 NATIONAL_PROJECT_PATH: "项目编码 blank"}


def inbox_expectations() -> dict:
    files = [{"path": s.path, "expect": "loaded_with_warnings" if s.path in READ_WARNINGS else "loaded", "forms": 1,
              "source_format": s.fmt} for s in SAMPLES]
    files.append({"path": DUPLICATE[0], "expect": "duplicate", "duplicate_of": DUPLICATE[1], "forms": 0})
    files.append({"path": LOCK_FILE, "expect": "ignored", "forms": 0})
    files.append({"path": NOTE_FILE, "expect": "ignored", "forms": 0})
    files.sort(key=lambda f: f["path"])
    return {
        "_note": ("Expected outcome of ingesting samples/inbox (paths relative to it). expect is the file's "
                  "status: loaded_with_warnings only for read warnings (review findings never change it); "
                  "of a byte-identical pair the one processed second is the duplicate (listed here is the "
                  "copy); source_format is what submissions.source_format says. Each submission entry follows the format of "
                  "tests/cases/*.expected.json. Generated by testkit/make_samples.py from hand-written data."),
        "files": files,
        "submissions": [{"path": s.path, **expected_for(s)} for s in SAMPLES],
    }


def write_bytes(path: Path, data: bytes) -> None:
    """Write only when the content changed (keeps modification times stable across rebuilds)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def write_json(path: Path, obj) -> None:
    text = json.dumps(obj, ensure_ascii=False, indent=1) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def main() -> None:
    written = build_inbox()
    write_json(EXPECTED, inbox_expectations())
    for rel in written:
        print("samples/inbox/" + rel)
    print(EXPECTED.relative_to(REPO))


if __name__ == "__main__":
    main()
