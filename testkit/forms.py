"""Content model of the form layouts, their Word rendering, and expected outputs.

One model, used by the seed rebuilds (seed_forms.py), the sample inbox (make_samples.py)
and the round-trip generator (generate.py):

* ``DepartmentForm`` -> layout ``hubei_department`` (部门整体绩效目标表, seed 000)
* ``ProjectForm``    -> layout ``hubei_project`` (XX专项预算绩效目标 / 附表五, seed 003)
* ``NationalDepartmentForm`` -> ``national_department`` (部门（单位）整体支出绩效目标申报表)
* ``NationalProjectForm``    -> ``national_project`` (项目支出绩效目标申报表)

The national forms carry a ``NationalStyle``: how the same content is written (title in a
paragraph or in the first merged row, 元 or 万元, grid columns in any order with extra ones,
header wording, merges, empty rows/columns, a grid continued in a second table).

Indicator grids are trees, so merges come from the structure, not from text:

* department grid: ``[(level1, [(level2, [Ind, ...]), ...]), ...]``
* project grid:    ``[(goal, [(level1, [(level2, [Ind, ...]), ...]), ...]), ...]``

A label spans (vMerge) all rows under it.  Writing the same label twice in a row of
groups gives two separate cells, which is how a label re-emitted after a page break
(履职效能 in seed 000) or repeated instead of merged (产出 at 年度目标03 in seed 003)
is written.  ``merge`` picks how continuation rows are written for the level/goal
columns: ``"vmerge"`` (true Word merges), ``"blank"`` (independent empty cells) or
``"repeat"`` (the label written again on every row).

Any text may be a plain ``str`` ('\\n' = a new paragraph) or a ``docx_builder.Content``
(bookmarks, w:br breaks, content controls, tracked insertions, nested tables).

``expected_*`` turn a form into the expected warehouse rows, following the
conventions of the golden tests (see expected_values.py for value parsing).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .docx_builder import C, Cell, Document, P, Table, Text, content, lines_br, text_of
from .expected_values import parse_value

# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Ind:
    """One indicator row: its name, its value cell(s), 依据/绩效标准, 指标分类."""

    name: Text
    values: tuple  # 1 value (long-term grid) or 3 values (annual grid: Y-2, Y-1, Y)
    basis: Text = ""
    category: "Text | None" = None
    unit: Text = ""  # 计量单位 column (national layouts with that column)
    symbol: Text = ""  # 计算符号 column


@dataclass(frozen=True)
class FundingLine:
    category: Text
    current: Text = ""  # 当年金额
    share: Text = ""  # 占比
    history: tuple = ("", "")  # 近两年收支金额, oldest first


@dataclass
class Region:
    province: str = "湖北省"
    city: "str | None" = None
    county: "str | None" = None
    admin_level: str = "province"
    region_code: str = "420000"


@dataclass
class DepartmentForm:
    department: Text
    filer: Text
    phone: Text
    history_years: tuple  # (Y-2, Y-1) as ints
    income: list
    expenditure: list
    functions: Text
    tasks: Text
    long_term_until: int
    long_term_goal: Text
    long_term: list  # tree L1 -> L2 -> Ind (1 value each)
    annual_goal: Text
    annual: list  # tree L1 -> L2 -> Ind (3 values each)
    title: str = "部门整体绩效目标表"
    unit_line: str = "单位：万元"
    before: tuple = ()  # extra paragraphs above the title
    trailing: tuple = ("", "")  # paragraphs after the table
    merge: str = "vmerge"
    header_sliver: bool = True  # the narrow empty cell left of 指标值 (as in seed 000)
    funding_year_labels: "tuple | None" = None  # default ('2022年', '2023年')
    annual_year_labels: "tuple | None" = None  # default ('2022 年', '2023 年')
    labels: dict = field(default_factory=dict)  # override fixed layout labels
    fields_line: "str | None" = None  # 填报人：… 联系电话：… written in a paragraph below the table
    line_filer: "str | None" = None  # what fields_line states (expected when the table's cell is empty)
    line_phone: "str | None" = None
    split_annual: "int | None" = None  # continue the annual grid in a second table after this many rows
    split_header: str = "repeat"  # the continuation: repeat | tblheader (marked w:tblHeader) | none
    restate: bool = True  # its first row restates the level labels

    @property
    def budget_year(self) -> int:
        return self.history_years[1] + 1

    @property
    def amount_factor(self) -> float:
        """万元 per unit of the form's amounts."""
        unit = clean(self.unit_line) or clean(self.labels.get("current", ""))
        return MONEY_FACTOR.get(_money_unit(unit), 1.0)


@dataclass
class ProjectForm:
    title: str
    project_name: Text
    project_code: Text
    supervising_department: Text
    executing_unit: Text
    long_term_goal: Text
    annual_goals: list  # [(code, text)]
    long_term: list  # tree goal -> L1 -> L2 -> Ind (1 value each)
    annual: list  # tree goal -> L1 -> L2 -> Ind (3 values: 前年, 上年, 预计当年实现)
    annex: "str | None" = "附表五："
    trailing: tuple = (" ",)
    merge: str = "vmerge"
    labels: dict = field(default_factory=dict)
    split_annual: "int | None" = None  # continue the annual grid in a second table after this many rows
    split_header: str = "repeat"  # repeat | tblheader | none
    restate: bool = True


MONEY_FACTOR = {"万元": 1.0, "元": 0.0001, "亿元": 10000.0}


def _money_unit(text: str) -> str:
    for unit in ("万元", "亿元", "元"):
        if unit in (text or ""):
            return unit
    return "万元"


# --------------------------------------------------------------------------- layout


DEPT_LABELS = {
    "name": "部门（单位）\n名称",
    "filer": "填报人",
    "phone": "联系电话",
    "funding": "部门总体\n资金情况",
    "funding_head": "总体资金情况",
    "current": "当年金额",
    "share": "占比",
    "history": "近两年收支金额",
    "income": "收入\n构成",
    "expenditure": "支出\n构成",
    "functions": "部门职能概述",
    "tasks": "年度工作任务",
    "long_term_goal": "长期目标：\n（截止{year}年）",
    "lt_grid": "长期绩\n效指标",
    "l1": "一级\n指标",
    "l2": "二级指标",
    "l3": "三级指标",
    "value": "指标值",
    "basis": "指标值确定依据",
    "category": "指标分类",
    "annual_goal": "年度目标：",
    "an_grid": "年度绩效指标",
    "history_values": "近两年指标值",
    "expected": "预期当年实现值",
}

PROJ_LABELS = {
    "name": "项目名称",
    "code": "项目编码",
    "supervising": "项目主管部门",
    "executing": "项目执行单位",
    "goals": "项目绩效总目标",
    "goal_name": "名称",
    "goal_text": "目标说明",
    "long_term_goal": "长期目标",
    "lt_table": "长期绩效目标表",
    "an_table": "年度绩效目标表",
    "target": "目标名称",
    "l1": "一级指标",
    "l2": "二级指标",
    "l3": "指标名称",
    "value": "指标值",
    "standard": "绩效标准",
    "y2": "前年",
    "y1": "上年",
    "y0": "预计当年实现",
}

# grid columns (twips).  Department: A | L1 | L2 | L3 | sliver | V(Y-2) | V(Y-1) | V(Y) | basis | category
DEPT_WIDTHS = [700, 760, 1100, 1500, 60, 860, 860, 960, 1000, 900]
# Project: goal | L1 | L2 | name | V(Y-2) | V(Y-1) | V(Y) | standard
PROJ_WIDTHS = [1000, 800, 1000, 1900, 900, 900, 1100, 1000]


def _count(nodes, depth: int) -> int:
    if depth == 0:
        return len(nodes)
    return sum(_count(children, depth - 1) for _, children in nodes)


def flatten(tree, depth: int):
    """[(labels, ind)]: labels[i] is (label, rows spanned) on a group's first row, else None."""
    out = []

    def walk(nodes, d):
        if d == 0:
            for ind in nodes:
                out.append(([], ind))
            return
        for label, children in nodes:
            n = _count(children, d - 1)
            start = len(out)
            walk(children, d - 1)
            for k in range(start, len(out)):
                out[k][0].insert(0, (label, n) if k == start else None)

    walk(tree, depth)
    return out


def _label_cells(flat, merge: str):
    """Per flattened row, the list of label Cells to emit (vmerge: only group starts)."""
    last: dict = {}
    rows = []
    for labels, _ in flat:
        cells = []
        for i, lab in enumerate(labels):
            if lab is not None:
                last[i] = lab[0]
                cells.append(C(lab[0], rowspan=lab[1] if merge == "vmerge" else 1))
            elif merge == "blank":
                cells.append(C(""))
            elif merge == "repeat":
                cells.append(C(last[i]))
        rows.append(cells)
    return rows


def department_document(f: DepartmentForm) -> Document:
    L = {**DEPT_LABELS, **f.labels}
    fy = f.funding_year_labels or tuple(f"{y}年" for y in f.history_years)
    ay = f.annual_year_labels or tuple(f"{y} 年" for y in f.history_years)
    rows: list = []
    rows.append([C(L["name"], colspan=2), C(f.department, colspan=8)])
    rows.append([C(L["filer"], colspan=2), C(f.filer, colspan=3), C(L["phone"], colspan=3), C(f.phone, colspan=2)])

    n_funding = 2 + len(f.income) + len(f.expenditure)
    rows.append([C(L["funding"], rowspan=n_funding), C(L["funding_head"], colspan=3, rowspan=2),
                 C(L["current"], colspan=2, rowspan=2), C(L["share"], rowspan=2), C(L["history"], colspan=3)])
    rows.append([C(fy[0]), C(fy[1], colspan=2)])
    for label, lines in ((L["income"], f.income), (L["expenditure"], f.expenditure)):
        for i, line in enumerate(lines):
            row = [C(label, rowspan=len(lines))] if i == 0 else []
            row += [C(line.category, colspan=2), C(line.current, colspan=2), C(line.share),
                    C(line.history[0]), C(line.history[1], colspan=2)]
            rows.append(row)

    rows.append([C(L["functions"], colspan=2), C(f.functions, colspan=8)])
    rows.append([C(L["tasks"], colspan=2), C(f.tasks, colspan=8)])
    rows.append([C(L["long_term_goal"].format(year=f.long_term_until), colspan=2), C(f.long_term_goal, colspan=8)])

    lt = flatten(f.long_term, 2)
    lt_labels = _label_cells(lt, f.merge)
    rows.append([C(L["lt_grid"], rowspan=1 + len(lt)), C(L["l1"]), C(L["l2"]), C(L["l3"]),
                 C(L["value"], colspan=4), C(L["basis"]), C(L["category"])])
    for (_, ind), labels in zip(lt, lt_labels):
        assert len(ind.values) == 1, ind
        rows.append(labels + [C(ind.name), C(ind.values[0], colspan=4), C(ind.basis), C(ind.category)])

    rows.append([C(L["annual_goal"], colspan=2), C(f.annual_goal, colspan=8)])

    an = flatten(f.annual, 2)
    grouped = _group_rows(an)
    parts = [grouped[:f.split_annual], grouped[f.split_annual:]] if f.split_annual else [grouped]
    tables = [rows]
    for k, part in enumerate(parts):
        out = rows if k == 0 else []
        header = k == 0 or f.split_header != "none"
        n = (3 if header else 0) + len(part)
        label = C(L["an_grid"] if k == 0 or f.restate else "", rowspan=n)
        if header:
            head = [label, C(L["l1"], rowspan=3), C(L["l2"], rowspan=3), C(L["l3"], rowspan=3)]
            head += [C(""), C(L["value"], colspan=3)] if f.header_sliver else [C(L["value"], colspan=4)]
            head += [C(L["basis"], rowspan=3), C(L["category"], rowspan=3)]
            out.append(head)
            out.append([C(L["history_values"], colspan=3), C(L["expected"], rowspan=2)])
            out.append([C(ay[0], colspan=2), C(ay[1])])
        levels = _level_cells(part, f.merge, restate=k == 0 or f.restate)
        for j, ((_, _, ind), level) in enumerate(zip(part, levels)):
            assert len(ind.values) == 3, ind
            v = ind.values
            row = [label] if not header and j == 0 else []
            out.append(row + [c for c in level if c is not None]
                       + [C(ind.name), C(v[0], colspan=2), C(v[1]), C(v[2]), C(ind.basis), C(ind.category)])
        if k:
            tables.append(out)

    blocks = [P(t) for t in f.before]
    blocks += [P(f.title, align="center", bold=True, size=16)]
    if f.unit_line:
        blocks.append(P(f.unit_line, align="right"))
    blocks.append(Table(DEPT_WIDTHS, tables[0]))
    for more in tables[1:]:
        blocks += [P(""), Table(DEPT_WIDTHS, more, header_rows=3 if f.split_header == "tblheader" else 0)]
    if f.fields_line:
        blocks.append(P(f.fields_line))
    blocks += [P(t) for t in f.trailing]
    return Document(blocks, title=f.title)


def project_document(f: ProjectForm) -> Document:
    L = {**PROJ_LABELS, **f.labels}
    rows: list = []
    rows.append([C(L["name"]), C(f.project_name, colspan=3), C(L["code"], colspan=2), C(f.project_code, colspan=2)])
    rows.append([C(L["supervising"]), C(f.supervising_department, colspan=3), C(L["executing"], colspan=2),
                 C(f.executing_unit, colspan=2)])
    rows.append([C(L["goals"], colspan=8)])
    rows.append([C(L["goal_name"]), C(L["goal_text"], colspan=7)])
    rows.append([C(L["long_term_goal"]), C(f.long_term_goal, colspan=7)])
    for code, text in f.annual_goals:
        rows.append([C(code), C(text, colspan=7)])

    rows.append([C(L["lt_table"], colspan=8)])
    rows.append([C(L["target"]), C(L["l1"]), C(L["l2"]), C(L["l3"]), C(L["value"], colspan=3), C(L["standard"])])
    lt = flatten(f.long_term, 3)
    for (_, ind), labels in zip(lt, _label_cells(lt, f.merge)):
        assert len(ind.values) == 1, ind
        rows.append(labels + [C(ind.name), C(ind.values[0], colspan=3), C(ind.basis)])

    rows.append([C(L["an_table"], colspan=8)])
    rows.append([C(L["target"], rowspan=2), C(L["l1"], rowspan=2), C(L["l2"], rowspan=2), C(L["l3"], rowspan=2),
                 C(L["value"], colspan=3), C(L["standard"], rowspan=2)])
    rows.append([C(L["y2"]), C(L["y1"]), C(L["y0"])])
    an = flatten(f.annual, 3)
    if f.split_annual:  # after a page break: a second table, header repeated (or not), labels re-emitted (or not)
        head = rows[-2:]
        grouped = _group_rows(an)
        tables = [rows, list(head) if f.split_header != "none" else []]
        for k, (part, out) in enumerate(((grouped[:f.split_annual], tables[0]),
                                         (grouped[f.split_annual:], tables[1]))):
            for (_, _, ind), level in zip(part, _level_cells(part, f.merge, restate=k == 0 or f.restate)):
                v = ind.values
                out.append([c for c in level if c is not None]
                           + [C(ind.name), C(v[0]), C(v[1]), C(v[2]), C(ind.basis)])
    else:
        tables = [rows]
        for (_, ind), labels in zip(an, _label_cells(an, f.merge)):
            assert len(ind.values) == 3, ind
            v = ind.values
            rows.append(labels + [C(ind.name), C(v[0]), C(v[1]), C(v[2]), C(ind.basis)])

    blocks = [P(f.annex)] if f.annex else []
    blocks += [P(f.title, align="center", bold=True, size=14), Table(PROJ_WIDTHS, tables[0])]
    for more in tables[1:]:
        blocks += [P(""), Table(PROJ_WIDTHS, more, header_rows=2 if f.split_header == "tblheader" else 0)]
    blocks += [P(t) for t in f.trailing]
    return Document(blocks, title=f.title)


# --------------------------------------------------------------------------- expected outputs


_WS = re.compile(r"\s+")


def clean(x: "Text | None") -> "str | None":
    """Label convention: NFKC, then every whitespace character removed."""
    if x is None:
        return None
    return _WS.sub("", unicodedata.normalize("NFKC", text_of(x)))


def clean_or_none(x: "Text | None") -> "str | None":
    c = clean(x)
    return c if c else None


def goal_text(x: Text) -> str:
    return "\n".join(line.strip() for line in text_of(x).split("\n") if line.strip())


def _number(x: Text) -> "float | None":
    c = clean(x)
    if not c:
        return None
    return float(c.rstrip("%"))


def _year_of(label: str) -> int:
    return int(re.search(r"\d{4}", label).group())


def _indicator(horizon, goal, labels, ind, basis_is_category_less, fiscal_year, is_target, raw):
    num, num_max, unit, comparator, kind = parse_value(raw)
    return {
        "horizon": horizon,
        "goal": goal,
        "level1": labels[0],
        "level2": labels[1],
        "name": clean(ind.name),
        "basis": clean_or_none(ind.basis),
        "category": None if basis_is_category_less else clean_or_none(ind.category),
        "fiscal_year": fiscal_year,
        "is_target": is_target,
        "value_raw": text_of(raw),
        "value_num": num,
        "value_num_max": num_max,
        "value_unit": unit,
        "comparator": comparator,
        "value_kind": kind,
    }


def _carry(flat, merge):
    """Yield (carried labels cleaned, ind): merged / blank continuation cells carry the label down."""
    current: dict = {}
    for labels, ind in flat:
        for i, lab in enumerate(labels):
            if lab is not None:
                current[i] = clean(lab[0])
        yield [current[i] for i in range(len(labels))], ind


# A header field holding one of these was left empty (the reader must say so, truly).
FIELD_PLACEHOLDERS = ("——", "—", "/", "无", "空")


def _filled(x: "Text | None") -> "str | None":
    c = clean_or_none(x)
    return None if c in FIELD_PLACEHOLDERS else c


def _planted(style) -> list:
    """Reader findings a style plants: a column no reader can name is reported."""
    return ["column_unrecognized"] if UNKNOWN_COLUMN in style.columns else []


def _submission(form_type, layout, region: Region, **fields):
    sub = {"form_type": form_type, "layout": layout}
    for k in ("department", "filer", "phone", "project_name", "project_code", "supervising_department",
              "executing_unit"):
        sub[k] = fields.get(k)
    sub.update(province=region.province, city=region.city, county=region.county,
               admin_level=region.admin_level, region_code=region.region_code)
    return sub


def expected_department(f: DepartmentForm, region: Region) -> dict:
    y = f.budget_year
    fy = f.funding_year_labels or tuple(f"{v}年" for v in f.history_years)
    ay = f.annual_year_labels or tuple(f"{v} 年" for v in f.history_years)
    funding = []
    for direction, lines in (("income", f.income), ("expenditure", f.expenditure)):
        for line in lines:
            cat = clean(line.category)
            cols = [(y, line.current, line.share)] + [(_year_of(fy[i]), line.history[i], None) for i in range(2)]
            for year, amount, share in cols:
                a = _number(amount)
                if a is None:
                    continue
                funding.append({
                    "direction": direction,
                    "category": cat,
                    "fiscal_year": year,
                    "is_total": cat == "合计",
                    "amount_wan": round(a * f.amount_factor, 4),
                    "share_pct": _number(share) if share is not None else None,
                })
    goals = [
        {"horizon": "long_term", "code": None, "text": goal_text(f.long_term_goal)},
        {"horizon": "annual", "code": None, "text": goal_text(f.annual_goal)},
    ]
    indicators = []
    for labels, ind in _carry(flatten(f.long_term, 2), f.merge):
        indicators.append(_indicator("long_term", None, labels, ind, False, None, True, ind.values[0]))
    years = [_year_of(ay[0]), _year_of(ay[1]), y]
    for labels, ind in _carry(flatten(f.annual, 2), f.merge):
        for k, raw in enumerate(ind.values):
            indicators.append(_indicator("annual", None, labels, ind, False, years[k], k == 2, raw))
    return {
        "submission": _submission("department", "hubei_department", region, department=clean(f.department),
                                  filer=_filled(f.filer) or f.line_filer, phone=_filled(f.phone) or f.line_phone),
        "budget_year": y,
        "funding": funding,
        "goals": goals,
        "indicators": indicators,
    }


def expected_project(f: ProjectForm, region: Region, budget_year: int) -> dict:
    goals = [{"horizon": "long_term", "code": None, "text": goal_text(f.long_term_goal)}]
    goals += [{"horizon": "annual", "code": clean(code), "text": goal_text(text)} for code, text in f.annual_goals]
    indicators = []
    for labels, ind in _carry(flatten(f.long_term, 3), f.merge):
        indicators.append(_indicator("long_term", labels[0], labels[1:], ind, True, None, True, ind.values[0]))
    years = [budget_year - 2, budget_year - 1, budget_year]
    for labels, ind in _carry(flatten(f.annual, 3), f.merge):
        for k, raw in enumerate(ind.values):
            indicators.append(_indicator("annual", labels[0], labels[1:], ind, True, years[k], k == 2, raw))
    return {
        "submission": _submission("project", "hubei_project", region,
                                  department=clean(f.supervising_department),
                                  project_name=clean(f.project_name), project_code=clean(f.project_code),
                                  supervising_department=clean(f.supervising_department),
                                  executing_unit=clean(f.executing_unit)),
        "budget_year": budget_year,
        "funding": [],
        "goals": goals,
        "indicators": indicators,
    }



# --------------------------------------------------------------------------- national templates


@dataclass(frozen=True)
class Task:
    """One 年度主要任务 row: 任务名称 | 主要内容 | 预算金额 总额 / 财政拨款 / 其他资金."""

    name: Text
    content: Text = ""
    total: Text = ""
    fiscal: Text = ""
    other: Text = ""


# Grid column keys and their default header words; extra columns the reader must ignore
# (or use: 计量单位 supplies a unit, 计算符号 a comparator).
NATIONAL_WORDS = {
    "l1": "一级指标", "l2": "二级指标", "l3": "三级指标", "value": "指标值", "basis": "指标值确定依据",
    "value_type": "指标值类型", "unit": "计量单位", "symbol": "计算符号", "explain": "指标解释",
    "score": "评（扣）分标准", "weight": "分值", "note": "备注", "value_note": "指标值说明",
    "source": "指标来源", "unknown": "牵头处室",
    # field and block labels
    "department": "部门（单位）名称", "tasks": "年度主要任务", "task": "任务名称", "content": "主要内容",
    "money": "预算金额", "task_total": "金额合计", "annual_goal": "年度总体目标",
    "supervising": "主管部门及代码", "executing": "实施单位", "project_money": "项目资金", "period": "实施期限",
    "year_total": "年度资金总额：", "year_fiscal": "其中：财政拨款", "year_other": "其他资金",
    "long_term_goal": "中长期目标", "project_annual_goal": "年度目标",
}
EXTRA_COLUMNS = ("value_type", "unit", "symbol", "explain", "score", "weight", "note", "value_note", "source")
# A column no reader can name: its cells must not load, and it is reported (column_unrecognized).
UNKNOWN_COLUMN = "unknown"
# What the noise columns hold (never read back).
_NOISE = {"value_type": "定量", "explain": "反映任务完成情况", "score": "完成得满分，否则酌情扣分",
          "weight": "10", "note": "", "source": "部门预算", "unknown": "规划财务科"}
# 计算符号 → comparator, as the issue specifies it (written here by hand, not imported).
SYMBOLS = {"≥": ">=", "≤": "<=", "=": "=", "＝": "=", ">": ">", "<": "<", "＞": ">", "＜": "<",
           "大于等于": ">=", "小于等于": "<="}


@dataclass
class NationalStyle:
    title_in_table: bool = False  # title / （YYYY年度） / 单位 as merged rows instead of paragraphs
    unit: str = "万元"  # 万元 | 元
    unit_in_label: bool = False  # 预算金额（万元）/ 项目资金（万元） instead of a 单位：万元 line
    columns: tuple = ("l1", "l2", "l3", "value", "basis")  # grid columns, in order
    words: dict = field(default_factory=dict)  # header wording overrides (key -> label)
    merge: str = "vmerge"  # vmerge | blank | repeat, as in _label_cells
    empty_rows: bool = False  # an empty row after the tasks and after each grid
    empty_col: bool = False  # an empty column at the right of the table
    split: "tuple | None" = None  # (grid index, rows): continue that grid in a second table
    continuation_label: bool = True  # the continuation's left cell repeats the block label
    grid_label: str = "column"  # column: a merged cell left of the grid | section: a row above it
    goals_swapped: bool = False  # project: 年度目标 left of 中长期目标
    # project: the Ministry template's own layout — 中期 and 年度 money side by side, and one grid
    # 一级 | 二级 | 三级 | 指标值 | 二级 | 三级 | 指标值 with 中期 left, 年度 right (both trees
    # must then have the same 一级 labels, in the same order)
    side_by_side: bool = False
    split_header: str = "repeat"  # the continued table: repeat | tblheader | none (rows only)
    restate: bool = True  # the continued table's first row restates the level labels
    fields_line: "str | None" = None  # 填报人：… 联系电话：… in a paragraph below the table
    filer: "str | None" = None  # what fields_line states (expected)
    phone: "str | None" = None

    def word(self, key: str) -> Text:
        return self.words.get(key, NATIONAL_WORDS.get(key, key))


@dataclass
class NationalDepartmentForm:
    department: Text
    budget_year: int
    tasks: list  # [Task]
    total: Task  # the 金额合计 row (its name is not used)
    annual_goal: Text
    annual: list  # tree L1 -> L2 -> Ind (1 value each)
    style: NationalStyle = field(default_factory=NationalStyle)
    title: str = "部门（单位）整体支出绩效目标申报表"


@dataclass
class NationalProjectForm:
    project_name: Text
    department: str  # the 主管部门 without its code
    department_code: str  # "" or the code written after it: 鄂州市教育局（101001）
    executing_unit: Text
    budget_year: int
    total: Text  # 年度资金总额
    fiscal: Text  # 其中：财政拨款
    other: Text  # 其他资金
    long_term_goal: Text
    annual_goal: Text
    long_term: list  # tree L1 -> L2 -> Ind (1 value each)
    annual: list
    style: NationalStyle = field(default_factory=NationalStyle)
    title: str = "项目支出绩效目标申报表"
    implementation_period: Text = ""  # 实施期限 / 项目期限 (2024年1月-2026年12月, 3年); "" = no such row

    @property
    def supervising_department(self) -> str:
        return f"{self.department}（{self.department_code}）" if self.department_code else self.department


def _group_rows(flat) -> list:
    """[(path, starts, ind)]: the full label path of each row and where its groups start."""
    out, path = [], {}
    for labels, ind in flat:
        starts = []
        for i, lab in enumerate(labels):
            if lab is not None:
                path[i] = lab[0]
            starts.append(lab is not None)
        out.append(([path[i] for i in range(len(labels))], starts, ind))
    return out


def _level_cells(rows, merge: str, restate: bool = True) -> list:
    """Per row, per level: the Cell to write, or None where a vertical merge continues.
    restate=False: the first row of a continued table leaves the labels it continues empty."""
    out = []
    for j, (path, starts, _) in enumerate(rows):
        # a group also starts on the first row of a table part (a continuation re-emits it)
        own = starts
        starts = [True] * len(starts) if j == 0 else starts
        cells = []
        for i, label in enumerate(path):
            if starts[i]:
                span = 1
                while (merge == "vmerge" and j + span < len(rows)
                       and not any(rows[j + span][1][: i + 1])):
                    span += 1
                continued = j == 0 and not restate and not any(own[: i + 1]) and merge != "repeat"
                cells.append(C("" if continued else label, rowspan=span))
            else:
                cells.append(None if merge == "vmerge" else C("") if merge == "blank" else C(label))
        out.append(cells)
    return out


def _grid_parts(tree, style: NationalStyle, label: Text, body: int, split: "int | None") -> list:
    """An indicator grid as row lists: one part, or two when it continues in a second table."""
    rows = _group_rows(flatten(tree, 2))
    parts = [rows[:split], rows[split:]] if split else [rows]
    cols = list(style.columns)
    extra = body - len(cols)
    out = []
    long_term = "中长期" in text_of(label)
    for k, part in enumerate(parts):
        table_rows = []
        n_data = len(part) + (1 if style.empty_rows and k == len(parts) - 1 else 0)
        left_label = label if (k == 0 or style.continuation_label) else ""
        if style.grid_label == "section" and k == 0:
            table_rows.append([C(label, colspan=body + 1)])
            left_label = ""
        header = k == 0 or style.split_header != "none"
        left = C(left_label, rowspan=(1 if header else 0) + n_data)
        if header:
            head = [left]
            for c, key in enumerate(cols):
                word = style.word(key)
                if key == "value" and long_term and "年度" in text_of(word):
                    word = "指标值"  # 年度指标值 heads only an annual grid
                head.append(C(word, colspan=1 + (extra if c == len(cols) - 1 else 0)))
            table_rows.append(head)
        levels = _level_cells(part, style.merge, restate=k == 0 or style.restate)
        for j, ((path, _, ind), level) in enumerate(zip(part, levels)):
            row = [left] if not header and j == 0 else []
            for c, key in enumerate(cols):
                span = 1 + (extra if c == len(cols) - 1 else 0)
                if key in ("l1", "l2"):
                    cell = level[0 if key == "l1" else 1]
                    if cell is None:
                        continue
                    cell = Cell(cell.body, span, cell.rowspan)
                else:
                    text = {"l3": ind.name, "value": ind.values[0], "basis": ind.basis, "unit": ind.unit,
                            "symbol": ind.symbol, "value_note": f"{text_of(ind.name)}的目标",
                            }.get(key, _NOISE.get(key, ""))
                    cell = C(text, colspan=span)
                row.append(cell)
            table_rows.append(row)
        if style.empty_rows and k == len(parts) - 1:
            table_rows.append([C("", colspan=1 + (extra if c == len(cols) - 1 else 0)) for c in range(len(cols))])
        out.append(table_rows)
    if split and style.split_header == "tblheader":
        out[1] = _HeaderRows(out[1], 1)
    return out


def _title_blocks(title: str, year: int, style: NationalStyle, unit_line: bool, width: int):
    """(paragraphs before the table, rows at the top of the table)."""
    lines = [title, f"（{year}年度）"] + ([f"单位：{style.unit}"] if unit_line else [])
    if style.title_in_table:
        return [], [[C(line, colspan=width)] for line in lines]
    return [P(lines[0], align="center", bold=True, size=16)] + [P(t, align="center") for t in lines[1:]], []


def _national_tables(top: list, head_rows: list, grids: list, style: NationalStyle, body: int) -> list:
    """Blocks: the table (head rows, then the grids), split in two where style.split says."""
    widths = [900] + [8000 // body] * body + ([300] if style.empty_col else [])
    tables, current = [], top + head_rows
    for parts in grids:
        current += parts[0]
        for part in parts[1:]:
            tables.append(current)
            current = part if isinstance(part, _HeaderRows) else list(part)
    tables.append(current)
    blocks = []
    for i, rows in enumerate(tables):
        header_rows = rows.header_rows if isinstance(rows, _HeaderRows) else 0
        if style.empty_col:
            rows = [r + [C("")] for r in rows]
        if i:
            blocks.append(P(""))  # the page break between the two parts
        blocks.append(Table(widths, list(rows), header_rows=header_rows))
    if style.fields_line:
        blocks.append(P(style.fields_line))
    return blocks


class _HeaderRows(list):
    """Rows of a continued table whose first header_rows are marked w:tblHeader."""

    def __init__(self, rows, header_rows: int):
        super().__init__(rows)
        self.header_rows = header_rows


def national_department_document(f: NationalDepartmentForm) -> Document:
    st = f.style
    body = max(5, len(st.columns))
    cs = body - 4  # 主要内容 takes what the amount columns leave
    money = st.word("money") + (f"（{st.unit}）" if st.unit_in_label else "")
    before, top = _title_blocks(f.title, f.budget_year, st, not st.unit_in_label, body + 1)
    rows = [[C(st.word("department")), C(f.department, colspan=body)]]
    task_rows = [[C(st.word("task"), rowspan=2), C(st.word("content"), rowspan=2, colspan=cs), C(money, colspan=3)],
                 [C("总额"), C("财政拨款"), C("其他资金")]]
    for t in f.tasks:
        task_rows.append([C(t.name), C(t.content, colspan=cs), C(t.total), C(t.fiscal), C(t.other)])
    if st.empty_rows:
        task_rows.append([C(""), C("", colspan=cs), C(""), C(""), C("")])
    task_rows.append([C(st.word("task_total"), colspan=1 + cs), C(f.total.total), C(f.total.fiscal),
                      C(f.total.other)])
    task_rows[0].insert(0, C(st.word("tasks"), rowspan=len(task_rows)))
    rows += task_rows
    rows.append([C(st.word("annual_goal")), C(f.annual_goal, colspan=body)])
    split = st.split[1] if st.split else None
    grids = [_grid_parts(f.annual, st, "年度绩效指标", body, split)]
    blocks = before + _national_tables(top, rows, grids, st, body)
    return Document(blocks, title=f.title)


def national_project_document(f: NationalProjectForm) -> Document:
    st = f.style
    body = max(5, len(st.columns), 7 if st.side_by_side else 0)
    money = st.word("project_money") + (f"（{st.unit}）" if st.unit_in_label else "")
    before, top = _title_blocks(f.title, f.budget_year, st, not st.unit_in_label, body + 1)
    half = body // 2
    rows = [[C("项目名称"), C(f.project_name, colspan=body)],
            [C(st.word("supervising")), C(f.supervising_department, colspan=half - 1), C(st.word("executing")),
             C(f.executing_unit, colspan=body - half)],
            [C(money, rowspan=3), C(st.word("year_total")), C(f.total, colspan=body - 1)],
            [C(st.word("year_fiscal")), C(f.fiscal, colspan=body - 1)],
            [C(st.word("year_other")), C(f.other, colspan=body - 1)]]
    if st.side_by_side:  # 中期资金 left of 年度资金; only the 年度 amounts are read
        rows[2:5] = [[C(money, rowspan=3), C("中期资金总额："), C("9999", colspan=half - 1), C(st.word("year_total")),
                      C(f.total, colspan=body - half - 1)],
                     [C("其中：财政拨款"), C("8888", colspan=half - 1), C(st.word("year_fiscal")),
                      C(f.fiscal, colspan=body - half - 1)],
                     [C("其他资金"), C("1111", colspan=half - 1), C(st.word("year_other")),
                      C(f.other, colspan=body - half - 1)]]
    if f.implementation_period:  # the 实施期限 row between the units and the money
        rows.insert(2, [C(st.word("period")), C(f.implementation_period, colspan=body)])
    lt, an = st.word("long_term_goal"), st.word("project_annual_goal")
    heads = [C(lt, colspan=half), C(an, colspan=body - half)]
    texts = [C(f.long_term_goal, colspan=half), C(f.annual_goal, colspan=body - half)]
    if st.goals_swapped:
        heads = [C(an, colspan=half), C(lt, colspan=body - half)]
        texts = [C(f.annual_goal, colspan=half), C(f.long_term_goal, colspan=body - half)]
    rows.append([C("总体目标", rowspan=2)] + heads)
    rows.append(texts)
    which, at = st.split if st.split else (None, None)
    if st.side_by_side:
        blocks = before + _national_tables(top, rows, [[_side_by_side_grid(f, st, body)]], st, body)
        return Document(blocks, title=f.title)
    grids = [_grid_parts(f.long_term, st, "中长期绩效指标", body, at if which == 0 else None),
             _grid_parts(f.annual, st, "年度绩效指标", body, at if which == 1 else None)]
    blocks = before + _national_tables(top, rows, grids, st, body)
    return Document(blocks, title=f.title)


SIDE_COLUMNS = ("l1", "l2", "l3", "value", "l2", "l3", "value")


def _side_rows(f: NationalProjectForm) -> list:
    """Per 一级 group, rows of (一级 label, 中期 (l2, ind) or None, 年度 (l2, ind) or None)."""
    out = []
    for (l1, lt_children), (l1b, an_children) in zip(f.long_term, f.annual):
        assert clean(l1) == clean(l1b), "side by side: both trees need the same 一级 labels"
        left = [(l2, ind) for l2, inds in lt_children for ind in inds]
        right = [(l2, ind) for l2, inds in an_children for ind in inds]
        n = max(len(left), len(right))
        out.append((l1, [(left[k] if k < len(left) else None, right[k] if k < len(right) else None)
                         for k in range(n)]))
    return out


def _side_by_side_grid(f: NationalProjectForm, st: NationalStyle, body: int) -> list:
    words = [st.word(k) for k in SIDE_COLUMNS]
    groups = _side_rows(f)
    n = sum(len(rows) for _, rows in groups)
    rows = [[C("绩效指标", rowspan=1 + n)] + [C(w) for w in words[:-1]] + [C(words[-1], colspan=body - 6)]]
    for l1, pairs in groups:
        for k, (left, right) in enumerate(pairs):
            if k == 0:
                row = [C(l1, rowspan=len(pairs) if st.merge == "vmerge" else 1)]
            else:
                row = [] if st.merge == "vmerge" else [C("" if st.merge == "blank" else l1)]
            for side, last in ((left, False), (right, True)):
                l2, ind = side if side else ("", Ind("", ("",)))
                row += [C(l2), C(ind.name), C(ind.values[0], colspan=body - 6 if last else 1)]
            rows.append(row)
    return rows


def _national_indicator(horizon, labels, ind, style: NationalStyle, fiscal_year):
    raw = ind.values[0]
    row = _indicator(horizon, None, labels, ind, True, fiscal_year, True, raw)
    if "basis" not in style.columns:
        row["basis"] = None
    if row["value_kind"] == "quantitative":  # 计量单位 / 计算符号 fill what the value leaves open
        if "unit" in style.columns and not row["value_unit"]:
            row["value_unit"] = clean_or_none(ind.unit)
        symbol = SYMBOLS.get(clean(ind.symbol) or "") if "symbol" in style.columns else None
        if symbol and row["comparator"] in (None, "="):
            row["comparator"] = symbol
    return row


def _amount(x: Text, unit: str) -> "float | None":
    a = _number(x)
    return None if a is None else round(a * MONEY_FACTOR[unit], 4)


def _income(category: str, amount: Text, year: int, unit: str) -> list:
    a = _amount(amount, unit)
    if a is None:
        return []
    return [{"direction": "income", "category": category, "fiscal_year": year, "is_total": category == "合计",
             "amount_wan": a, "share_pct": None}]


def expected_national_department(f: NationalDepartmentForm, region: Region) -> dict:
    y, st = f.budget_year, f.style
    funding = (_income("合计", f.total.total, y, st.unit) + _income("财政拨款", f.total.fiscal, y, st.unit)
               + _income("其他资金", f.total.other, y, st.unit))
    tasks = [{"task": goal_text(t.name), "content": goal_text(t.content) or None,
              "amount_total_wan": _amount(t.total, st.unit), "amount_fiscal_wan": _amount(t.fiscal, st.unit),
              "amount_other_wan": _amount(t.other, st.unit)} for t in f.tasks]
    indicators = [_national_indicator("annual", labels, ind, st, y) for labels, ind in _carry(flatten(f.annual, 2), st.merge)]
    return {
        "submission": _submission("department", "national_department", region, department=clean(f.department),
                                  filer=st.filer, phone=st.phone),
        "findings": _planted(st),
        "budget_year": y,
        "funding": funding,
        "goals": [{"horizon": "annual", "code": None, "text": goal_text(f.annual_goal)}],
        "tasks": tasks,
        "indicators": indicators,
    }


def expected_national_project(f: NationalProjectForm, region: Region) -> dict:
    y, st = f.budget_year, f.style
    funding = (_income("合计", f.total, y, st.unit) + _income("财政拨款", f.fiscal, y, st.unit)
               + _income("其他资金", f.other, y, st.unit))
    goals = [{"horizon": "long_term", "code": None, "text": goal_text(f.long_term_goal)},
             {"horizon": "annual", "code": None, "text": goal_text(f.annual_goal)}]
    if st.goals_swapped:
        goals.reverse()
    if st.side_by_side:  # row by row: the 中期 indicator, then the 年度 one
        side_style = NationalStyle(columns=("l1", "l2", "l3", "value"))
        indicators = []
        for l1, pairs in _side_rows(f):
            for left, right in pairs:
                for side, horizon, year in ((left, "long_term", None), (right, "annual", y)):
                    if side:
                        indicators.append(_national_indicator(horizon, [clean(l1), clean(side[0])], side[1],
                                                              side_style, year))
    else:
        indicators = [_national_indicator("long_term", labels, ind, st, None)
                      for labels, ind in _carry(flatten(f.long_term, 2), st.merge)]
        indicators += [_national_indicator("annual", labels, ind, st, y)
                       for labels, ind in _carry(flatten(f.annual, 2), st.merge)]
    submission = _submission("project", "national_project", region, department=clean(f.department),
                             filer=st.filer, phone=st.phone,
                             project_name=clean(f.project_name),
                             supervising_department=goal_text(f.supervising_department),
                             executing_unit=clean(f.executing_unit))
    if f.implementation_period:  # compared only when the form has the row (the golden files predate it)
        submission["implementation_period"] = goal_text(f.implementation_period)
    return {
        "findings": _planted(st),
        "submission": submission,
        "budget_year": y,
        "funding": funding,
        "goals": goals,
        "tasks": [],
        "indicators": indicators,
    }


__all__ = [
    "Ind", "FundingLine", "Region", "DepartmentForm", "ProjectForm", "department_document", "project_document",
    "expected_department", "expected_project", "flatten", "clean", "goal_text", "content", "lines_br",
    "Task", "NationalStyle", "NationalDepartmentForm", "NationalProjectForm", "national_department_document",
    "national_project_document", "expected_national_department", "expected_national_project",
    "NATIONAL_WORDS", "EXTRA_COLUMNS", "SYMBOLS", "UNKNOWN_COLUMN", "FIELD_PLACEHOLDERS", "MONEY_FACTOR",
]
