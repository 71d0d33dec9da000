"""Content model of the two Hubei layouts, their Word rendering, and expected outputs.

One model, used by the seed rebuilds (seed_forms.py) and by the sample inbox
(make_samples.py):

* ``DepartmentForm`` -> layout ``hubei_department`` (部门整体绩效目标表, seed 000)
* ``ProjectForm``    -> layout ``hubei_project`` (XX专项预算绩效目标 / 附表五, seed 003)

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

from .docx_builder import C, Document, P, Table, Text, content, lines_br, text_of
from .expected_values import parse_value

# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Ind:
    """One indicator row: its name, its value cell(s), 依据/绩效标准, 指标分类."""

    name: Text
    values: tuple  # 1 value (long-term grid) or 3 values (annual grid: Y-2, Y-1, Y)
    basis: Text = ""
    category: "Text | None" = None


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

    @property
    def budget_year(self) -> int:
        return self.history_years[1] + 1

    @property
    def amount_factor(self) -> float:
        """万元 per unit of the form's amounts."""
        unit = clean(self.unit_line)
        return 1.0 if "万元" in unit else 0.0001 if unit.endswith("元") else 1.0


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
    an_labels = _label_cells(an, f.merge)
    head = [C(L["an_grid"], rowspan=3 + len(an)), C(L["l1"], rowspan=3), C(L["l2"], rowspan=3), C(L["l3"], rowspan=3)]
    head += [C(""), C(L["value"], colspan=3)] if f.header_sliver else [C(L["value"], colspan=4)]
    head += [C(L["basis"], rowspan=3), C(L["category"], rowspan=3)]
    rows.append(head)
    rows.append([C(L["history_values"], colspan=3), C(L["expected"], rowspan=2)])
    rows.append([C(ay[0], colspan=2), C(ay[1])])
    for (_, ind), labels in zip(an, an_labels):
        assert len(ind.values) == 3, ind
        v = ind.values
        rows.append(labels + [C(ind.name), C(v[0], colspan=2), C(v[1]), C(v[2]), C(ind.basis), C(ind.category)])

    blocks = [P(t) for t in f.before]
    blocks += [P(f.title, align="center", bold=True, size=16), P(f.unit_line, align="right"),
               Table(DEPT_WIDTHS, rows)]
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
    for (_, ind), labels in zip(an, _label_cells(an, f.merge)):
        assert len(ind.values) == 3, ind
        v = ind.values
        rows.append(labels + [C(ind.name), C(v[0]), C(v[1]), C(v[2]), C(ind.basis)])

    blocks = [P(f.annex)] if f.annex else []
    blocks += [P(f.title, align="center", bold=True, size=14), Table(PROJ_WIDTHS, rows)]
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
                                  filer=clean_or_none(f.filer), phone=clean_or_none(f.phone)),
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


__all__ = [
    "Ind", "FundingLine", "Region", "DepartmentForm", "ProjectForm", "department_document", "project_document",
    "expected_department", "expected_project", "flatten", "clean", "goal_text", "content", "lines_br",
]
