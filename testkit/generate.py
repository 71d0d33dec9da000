"""Random forms of every layout, for the round-trip property tests (hypothesis strategies).

A drawn ``GeneratedDocument`` holds one to three forms (content-model objects of forms.py,
any of the four layouts) with their variations chosen at random, the Word document that
renders them in sequence, and the warehouse rows each form must read back as (forms.py's
``expected_*``). Values come from expected_values.py, whose parse is written by hand.

Variations drawn: merges (vMerge / blank / repeated labels, a label merged in several runs),
line breaks and padding inside labels, content controls (block and run) and tracked
insertions, 元 vs 万元 (unit line or unit in the block label), title in paragraphs vs in the
first merged rows, grid columns in another order, header wording variants, extra columns
(指标值类型, 计量单位, 计算符号, 指标解释, 评（扣）分标准, 分值, 备注), empty rows and an empty
column, a grid continued in a second table after a page break (left label repeated or
blank, header repeated; also the Hubei project's annual grid), a block label as a merged left cell or as a section row, a nested
table inside a task cell, 中长期目标 | 年度目标 in either order, several forms per document.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from .docx_builder import WRITERS, Break, Content, Document, P, Para, Run, Table, C, in_sdt, inserted, lines_br
from .expected_values import VALUES, value_key
from .forms import (EXTRA_COLUMNS, FIELD_PLACEHOLDERS, UNKNOWN_COLUMN, DepartmentForm, FundingLine, Ind, NationalDepartmentForm, NationalProjectForm,
                    NationalStyle, ProjectForm, Region, Task, department_document, expected_department,
                    expected_national_department, expected_national_project, expected_project,
                    national_department_document, national_project_document, project_document)

LAYOUTS = ("hubei_department", "hubei_project", "national_department", "national_project")

# Departments whose region the test knows (GB/T 2260 codes from DOMAIN.md).
DEPARTMENTS = [
    ("鄂州市教育局", Region("湖北省", "鄂州市", None, "city", "420700")),
    ("鄂州市科学技术局", Region("湖北省", "鄂州市", None, "city", "420700")),
    ("黄石市生态环境局", Region("湖北省", "黄石市", None, "city", "420200")),
    ("大冶市财政局", Region("湖北省", "黄石市", "大冶市", "county", "420281")),
    ("仙桃市卫生健康委员会", Region("湖北省", "仙桃市", None, "city", "429004")),
    ("湖北省财政厅", Region("湖北省", None, None, "province", "420000")),
    ("湖北省交通运输厅", Region("湖北省", None, None, "province", "420000")),
    # issue 13 item 8: the budget system is national (直辖市 districts, city districts, autonomous
    # prefectures by abbreviation, province-administered cities, other provinces' departments)
    ("北京市朝阳区财政局", Region("北京市", "北京市", "朝阳区", "county", "110105")),
    ("成都市武侯区教育局", Region("四川省", "成都市", "武侯区", "county", "510107")),
    ("恩施州民族宗教事务委员会", Region("湖北省", "恩施土家族苗族自治州", None, "city", "422800")),
    ("恩施市财政局", Region("湖北省", "恩施土家族苗族自治州", "恩施市", "county", "422801")),
    ("潜江市财政局", Region("湖北省", "潜江市", None, "city", "429005")),
    ("广东省财政厅", Region("广东省", None, None, "province", "440000")),
    ("上海市浦东新区卫生健康委员会", Region("上海市", "上海市", "浦东新区", "county", "310115")),
]

NATIONAL_LEVELS = {
    "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
    "成本指标": ["经济成本指标", "社会成本指标", "生态环境成本指标"],
}
HUBEI_LEVELS = {
    "运行成本": ["公用经费控制", "“三公”经费控制"],
    "管理效率": ["预算执行", "绩效管理"],
    "履职效能": ["核心业务产出1", "核心业务产出2"],
    "社会效应": ["社会效益", "生态效益"],
    "满意度": ["服务对象满意度"],
}
PROJECT_LEVELS = {"产出": ["数量指标", "质量指标", "时效指标"], "效益": ["社会效益", "可持续影响"],
                  "满意度": ["服务对象满意度"], "成本": ["经济成本"]}
NAMES = ["培训人次", "设备采购数量", "项目验收合格率", "资金拨付及时率", "覆盖企业数", "公用经费控制率",
         "预算执行率", "群众满意度", "道路养护里程", "系统正常运行率", "监测站点建设", "政策知晓率",
         "受益人口数", "服务对象满意度", "成本节约率", "“三公”经费变动率"]
BASES = ["计划标准", "行业标准", "历史标准", "预算支出标准", ""]
TEXTS = ["推进学前教育普惠发展", "深化预算绩效管理改革", "加强生态环境监测能力建设", "完成农村公路日常养护",
         "提升基本公共卫生服务水平", "保障系统稳定运行"]
GOALS = ["1.完成年度重点任务。\n2.提升服务质量。", "全面完成各项工作任务，群众满意度稳步提高。",
         "建成规范高效的管理体系", "1.新建监测站点3个。\n2.优良天数比例达到80%以上。"]

# value cells: every key of the hand-written table (empty and placeholders included)
ALL_VALUES = sorted(VALUES)
BARE_NUMBERS = sorted(k for k, v in VALUES.items() if v[4] == "quantitative" and v[2] is None and v[3] == "=")
UNITS = ["%", "人次", "家", "个", "项", "公里"]


@dataclass
class GeneratedForm:
    layout: str
    form: object
    expected: dict


@dataclass
class GeneratedDocument:
    forms: list  # [GeneratedForm]
    document: Document
    budget_year: int
    writer: str = "word"  # docx_builder.rewrite: word | wps | wps_grid | strict
    text_box: bool = False  # the tables sit in text boxes
    seed: int = 0  # which runs the writer splits or wraps

    @property
    def path(self) -> str:
        """Where the test files it: the year folder gives Hubei project forms their year."""
        return f"{self.budget_year}/generated.docx"


# --------------------------------------------------------------------------- text variations


@st.composite
def label_text(draw, label: str):
    """A label as written: plain, broken over two lines (w:br or paragraphs), or padded."""
    how = draw(st.sampled_from(["plain", "plain", "br", "para", "pad"]))
    if how == "plain" or len(label) < 3:
        return label
    cut = draw(st.integers(1, len(label) - 1))
    if how == "br":
        return lines_br(label[:cut] + "\n" + label[cut:])
    if how == "para":
        return label[:cut] + "\n" + label[cut:]
    return label[:cut] + "\u3000" + label[cut:]


@st.composite
def wrapped(draw, text: str):
    """Free text, sometimes inside a content control or typed as a tracked insertion."""
    how = draw(st.sampled_from(["plain", "plain", "plain", "sdt_block", "sdt_run", "ins"]))
    if how == "plain" or not text or "\n" in text:
        return text
    if how == "ins":
        return inserted(text)
    return in_sdt(text, level="block" if how == "sdt_block" else "run")


def value_cell(draw, pool=ALL_VALUES):
    raw = draw(st.sampled_from(pool))
    if raw and draw(st.integers(0, 5)) == 0:
        raw = draw(st.sampled_from(["\u3000", "\u00a0", " "])) + raw  # padding around the value
    return draw(wrapped(raw))


def amount(draw, allow_empty=True) -> str:
    if allow_empty and draw(st.integers(0, 6)) == 0:
        return ""
    cents = draw(st.integers(0, 9_999_999))
    return f"{cents / 100:.2f}"


# --------------------------------------------------------------------------- trees


def tree(draw, levels: dict, make_ind, max_groups=3, max_inds=3) -> list:
    """L1 -> L2 -> [Ind]; sometimes one L1 label merged in two runs (re-emitted)."""
    out = []
    for l1 in draw(st.lists(st.sampled_from(sorted(levels)), min_size=1, max_size=max_groups, unique=True)):
        l2s = draw(st.lists(st.sampled_from(levels[l1]), min_size=1, max_size=2, unique=True))
        children = [(draw(label_text(l2)), [make_ind() for _ in range(draw(st.integers(1, max_inds)))]) for l2 in l2s]
        label = draw(label_text(l1))
        if len(children) > 1 and draw(st.booleans()):
            out += [(label, children[:1]), (label, children[1:])]  # the same label, merged in two runs
        else:
            out.append((label, children))
    return out


def _rows(t) -> int:
    return sum(len(inds) for _, l2s in t for _, inds in l2s)


# --------------------------------------------------------------------------- Hubei layouts


def fields_line(draw, filer: str, phone: str) -> str:
    """填报人：… 联系电话：… 填报日期：… as one paragraph, spaced as clerks type it."""
    gap = draw(st.sampled_from(["    ", "\u3000\u3000", "  ", "\t"]))
    return gap.join([f"填报人：{filer}", f"联系电话：{phone}", "填报日期：2024年1月15日"])


def split_style(draw) -> dict:
    return {"split_header": draw(st.sampled_from(["repeat", "tblheader", "none"])), "restate": draw(st.booleans())}


@st.composite
def hubei_department(draw, year: int):
    dept, region = draw(st.sampled_from(DEPARTMENTS))
    unit = draw(st.sampled_from(["单位：万元", "单位：元", "单位：亿元", "header"]))
    labels = {"name": draw(st.sampled_from(["部门（单位）\n名称", "部门(单位)名称", "单位名称", "预算单位", "预算部门"]))}
    if unit == "header":  # the unit in the amount column's header: 当年金额（元）
        unit = ""
        labels["current"] = draw(st.sampled_from(["当年金额（元）", "当年金额（万元）", "当年金额（亿元）"]))
    filer, phone, below, line_filer, line_phone = draw(wrapped("张伟")), "0711-3228516", None, None, None
    how = draw(st.sampled_from(["table", "table", "placeholder", "paragraph", "placeholder_paragraph"]))
    if how.startswith("placeholder"):
        filer = draw(st.sampled_from(FIELD_PLACEHOLDERS))
        phone = draw(st.sampled_from(FIELD_PLACEHOLDERS + ("",)))
    if how.endswith("paragraph"):
        if how == "paragraph":
            filer, phone = "", ""
        line_filer, line_phone = "李娜", "027-87654321"
        below = fields_line(draw, line_filer, line_phone)

    def line(name):
        current = amount(draw)  # a share is written only beside an amount
        share = draw(st.sampled_from(["", "50%", "12.5%"])) if current else ""
        return FundingLine(draw(label_text(name)), current, share, (amount(draw), amount(draw)))

    def lines(names):
        return [line(n) for n in names]

    def lt_ind():
        return Ind(draw(st.sampled_from(NAMES)), (value_cell(draw),), draw(st.sampled_from(BASES)),
                   draw(st.sampled_from(["绩效基本型", "绩效创新型", "绩效\n基本型"])))

    def an_ind():
        return Ind(draw(st.sampled_from(NAMES)), tuple(value_cell(draw) for _ in range(3)),
                   draw(st.sampled_from(BASES)), draw(st.sampled_from(["绩效基本型", "绩效创新型"])))

    form = DepartmentForm(
        department=draw(wrapped(dept)),
        history_years=(year - 2, year - 1),
        income=lines(["财政拨款", "财政专户管理资金", "单位资金", "合计"]),
        expenditure=lines(["人员类项目支出", "运转类项目支出", "特定目标类项目支出", "合  计"]),
        functions=draw(st.sampled_from(TEXTS)), tasks=draw(st.sampled_from(GOALS)),
        long_term_until=year + 1, long_term_goal=draw(st.sampled_from(GOALS)),
        long_term=tree(draw, HUBEI_LEVELS, lt_ind), annual_goal=draw(st.sampled_from(GOALS)),
        annual=tree(draw, HUBEI_LEVELS, an_ind), unit_line=unit, labels=labels,
        merge=draw(st.sampled_from(["vmerge", "blank", "repeat"])), header_sliver=draw(st.booleans()),
        filer=filer, phone=phone, fields_line=below, line_filer=line_filer, line_phone=line_phone,
        **split_style(draw),
    )
    form.filer, form.phone = filer, phone
    n_annual = _rows(form.annual)
    if n_annual > 1 and draw(st.integers(0, 2)) == 0:
        form.split_annual = draw(st.integers(1, n_annual - 1))
    return GeneratedForm("hubei_department", form, expected_department(form, region))


@st.composite
def hubei_project(draw, year: int):
    dept, region = draw(st.sampled_from(DEPARTMENTS))

    def ind(n):
        return lambda: Ind(draw(st.sampled_from(NAMES)), tuple(value_cell(draw) for _ in range(n)),
                           draw(st.sampled_from(BASES)))

    def goal_tree(codes, n):
        return [(code, tree(draw, PROJECT_LEVELS, ind(n), max_groups=2, max_inds=2)) for code in codes]

    codes = [f"年度目标0{k}" for k in range(1, draw(st.integers(1, 3)) + 1)]
    form = ProjectForm(
        title=draw(st.sampled_from(["培训经费专项预算绩效目标", "系统运维专项预算绩效目标"])),
        project_name=draw(st.sampled_from(["教师培训经费", "系统运维经费", "农村公路养护补助资金"])),
        project_code=f"{year}—101—000—0{draw(st.integers(10, 99))}",
        supervising_department=draw(wrapped(dept)), executing_unit=dept + "机关",
        long_term_goal=draw(st.sampled_from(GOALS)),
        annual_goals=[(c, draw(st.sampled_from(GOALS))) for c in codes],
        long_term=goal_tree(["长期目标"], 1), annual=goal_tree(codes, 3),
        annex=draw(st.sampled_from(["附表五：", None])), merge=draw(st.sampled_from(["vmerge", "blank", "repeat"])),
        **split_style(draw),
    )
    n_annual = sum(_rows(t) for _, t in form.annual)
    if n_annual > 1 and draw(st.integers(0, 2)) == 0:
        form.split_annual = draw(st.integers(1, n_annual - 1))
    return GeneratedForm("hubei_project", form, expected_project(form, region, year))


# --------------------------------------------------------------------------- national layouts


WORDING = {
    "l1": ["一级指标", "一级绩效指标"],
    "l2": ["二级指标", "二级绩效指标"],
    "l3": ["三级指标", "三级指标名称", "指标名称", "指标内容"],
    "value": ["指标值", "绩效指标值", "目标值", "年度指标值", "年度目标值"],
    "basis": ["指标值确定依据", "绩效标准", "评价标准"],
    "department": ["部门（单位）名称", "部门名称", "单位名称", "部门(单位)名称：", "预算单位", "预算部门"],
    "task": ["任务名称", "主要任务"],
    "content": ["主要内容", "任务内容"],
    "money": ["预算金额", "预算资金", "年度预算金额"],
    "task_total": ["金额合计", "合  计"],
    "annual_goal": ["年度总体目标", "年度绩效目标", "年度目标"],
    "supervising": ["主管部门及代码", "主管部门（及代码）", "主管部门"],
    "executing": ["实施单位", "项目实施单位"],
    "period": ["实施期限", "项目期限", "项目实施期限"],
    "project_money": ["项目资金", "项目资金"],
    "year_total": ["年度资金总额：", "年度资金总额"],
    "year_fiscal": ["其中：财政拨款", "其中:财政拨款", "财政拨款"],
    "long_term_goal": ["中长期目标", "中期目标", "长期目标", "中期目标（2024年—2026年）"],
}


@st.composite
def national_style(draw, n_grids: int, grid_rows: list):
    extras = draw(st.lists(st.sampled_from(EXTRA_COLUMNS), max_size=3, unique=True))
    columns = ["l1", "l2", "l3", "value"] + (["basis"] if draw(st.integers(0, 4)) else []) + extras
    if draw(st.integers(0, 7)) == 0:
        columns.append(UNKNOWN_COLUMN)  # a column no reader can name: reported, never loaded
    if draw(st.booleans()):
        columns = draw(st.permutations(columns))
    words = {k: draw(st.sampled_from(v)) for k, v in WORDING.items()}
    split = None
    splittable = [i for i in range(n_grids) if grid_rows[i] > 1]
    if splittable and draw(st.integers(0, 2)) == 0:
        g = draw(st.sampled_from(splittable))
        split = (g, draw(st.integers(1, grid_rows[g] - 1)))
    filer = phone = line = None
    if draw(st.integers(0, 3)) == 0:
        filer, phone = "王芳", "0714-6221234"
        line = fields_line(draw, filer, phone)
    return NationalStyle(
        fields_line=line, filer=filer, phone=phone, **split_style(draw),
        title_in_table=draw(st.booleans()), unit=draw(st.sampled_from(["万元", "元", "亿元"])),
        unit_in_label=draw(st.booleans()), columns=tuple(columns), words=words,
        merge=draw(st.sampled_from(["vmerge", "blank", "repeat"])), empty_rows=draw(st.integers(0, 3)) == 0,
        empty_col=draw(st.integers(0, 3)) == 0, split=split, continuation_label=draw(st.booleans()),
        grid_label=draw(st.sampled_from(["column", "column", "section"])), goals_swapped=draw(st.integers(0, 3)) == 0,
    )


def national_ind(draw, with_symbol=True):
    """An indicator of a national grid; with a bare number, a 计量单位 and a 计算符号."""
    if with_symbol and draw(st.booleans()):
        value = draw(st.sampled_from(BARE_NUMBERS))
        unit, symbol = draw(st.sampled_from(UNITS)), draw(st.sampled_from(["≥", "≤", "=", "＝", ">", "大于等于", ""]))
    else:
        value = value_cell(draw)
        unit, symbol = "", ""
    return Ind(draw(st.sampled_from(NAMES)), (value,), draw(st.sampled_from(BASES)), None, unit, symbol)


def _nested_note() -> Table:
    return Table([1500, 3000], [[C("子任务"), C("说明")], [C("第一季度"), C("完成招标")]])


@st.composite
def national_department(draw, year: int):
    dept, region = draw(st.sampled_from(DEPARTMENTS))
    annual = tree(draw, NATIONAL_LEVELS, lambda: national_ind(draw))
    style = draw(national_style(1, [_rows(annual)]))
    tasks = []
    for _ in range(draw(st.integers(1, 4))):
        content = draw(st.sampled_from(GOALS))
        if draw(st.integers(0, 5)) == 0:  # a nested table in the cell: its text is not the content
            content = Content(tuple(Para((Run(line),)) for line in content.split("\n")), nested=_nested_note())
        tasks.append(Task(draw(st.sampled_from(TEXTS)), content, amount(draw), amount(draw), amount(draw)))
    total = Task("金额合计", total=amount(draw), fiscal=amount(draw), other=amount(draw))
    form = NationalDepartmentForm(draw(wrapped(dept)), year, tasks, total, draw(st.sampled_from(GOALS)), annual, style)
    return GeneratedForm("national_department", form, expected_national_department(form, region))


def side_by_side_trees(draw):
    """中期 and 年度 trees with the same 一级 labels (the Ministry template's own grid)."""
    l1s = draw(st.lists(st.sampled_from(sorted(NATIONAL_LEVELS)), min_size=1, max_size=3, unique=True))
    labels = [draw(label_text(l1)) for l1 in l1s]

    def children(l1):
        l2s = draw(st.lists(st.sampled_from(NATIONAL_LEVELS[l1]), min_size=1, max_size=2, unique=True))
        return [(l2, [national_ind(draw, with_symbol=False) for _ in range(draw(st.integers(1, 2)))]) for l2 in l2s]
    return ([(lab, children(l1)) for lab, l1 in zip(labels, l1s)],
            [(lab, children(l1)) for lab, l1 in zip(labels, l1s)])


@st.composite
def national_project(draw, year: int):
    dept, region = draw(st.sampled_from(DEPARTMENTS))
    side = draw(st.integers(0, 3)) == 0
    if side:
        long_term, annual = side_by_side_trees(draw)
    else:
        long_term = tree(draw, NATIONAL_LEVELS, lambda: national_ind(draw), max_groups=2, max_inds=2)
        annual = tree(draw, NATIONAL_LEVELS, lambda: national_ind(draw))
    style = draw(national_style(2, [_rows(long_term), _rows(annual)]))
    if side:  # the template's own grid: no extra columns, no split
        style.side_by_side, style.columns, style.split = True, ("l1", "l2", "l3", "value"), None
        style.words["value"] = "指标值"
    total, fiscal, other = amount(draw), amount(draw), amount(draw)
    form = NationalProjectForm(
        project_name=draw(st.sampled_from(["教师培训经费", "系统运维经费", "农村公路养护补助资金"])),
        department=dept, department_code=draw(st.sampled_from(["", "101001", "207"])),
        executing_unit=dept + "机关", budget_year=year, total=total, fiscal=fiscal, other=other,
        long_term_goal=draw(st.sampled_from(GOALS)), annual_goal=draw(st.sampled_from(GOALS)),
        long_term=long_term, annual=annual, style=style,
        implementation_period=draw(st.sampled_from(["", "", f"{year}年1月-{year + 2}年12月", "3年"])))
    return GeneratedForm("national_project", form, expected_national_project(form, region))


MAKERS = {"hubei_department": hubei_department, "hubei_project": hubei_project,
          "national_department": national_department, "national_project": national_project}
RENDER = {DepartmentForm: department_document, ProjectForm: project_document,
          NationalDepartmentForm: national_department_document, NationalProjectForm: national_project_document}


# A cover page and a long 编制说明 before the first title: its sentences name forms, units and
# another year, none of which is a title.
EXPLANATION = ("编制说明",
               "根据《关于做好2019年度部门预算编制工作的通知》要求，本部门编制了部门整体绩效目标表和项目支出绩效目标表，"
               "金额单位：元的数据已按规定折算，请各科室对照2019年度目标逐项核实。",
               "一、绩效目标设定依据：部门职能、中长期规划及年度工作计划。",
               "二、指标值确定方法：参照历史数据、行业标准和计划标准综合确定。")


def cover(draw, year: int) -> list:
    lines = [P("预算绩效目标申报材料", align="center", bold=True, size=22), P(f"{year}年", align="center"),
             P("", align="center"), Para((Break(page=True),))]
    return lines + [P(t) for t in EXPLANATION] + [Para((Break(page=True),))]


@st.composite
def documents(draw, layouts=LAYOUTS):
    """One to three forms (usually one) in one document, all of one budget year, saved by one
    writer (Word, WPS, Strict Open XML), sometimes with a cover page and tables in text boxes."""
    year = draw(st.integers(2021, 2027))
    n = draw(st.sampled_from([1, 1, 1, 2, 3]))
    forms = [draw(MAKERS[draw(st.sampled_from(layouts))](year)) for _ in range(n)]
    blocks = cover(draw, year) if draw(st.integers(0, 4)) == 0 else []
    for f in forms:
        blocks += RENDER[type(f.form)](f.form).blocks
    writer = draw(st.sampled_from(("word", "word") + WRITERS[1:]))
    return GeneratedDocument(forms, Document(blocks + [P("")]), year, writer,
                             draw(st.integers(0, 7)) == 0, draw(st.integers(0, 2 ** 16)))


__all__ = ["documents", "GeneratedDocument", "GeneratedForm", "LAYOUTS", "value_key"]
