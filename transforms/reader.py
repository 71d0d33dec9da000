"""Read forms out of an ExtractedDocument by the meaning of their labels, never by position.

A document is cut into forms (a table holding a form's header fields, or a title paragraph,
starts a new form; a table without them continues the previous one, as after a page break).
Each table is then scanned row by row for its blocks: header fields (label → next cell),
the funding block (a header row with 当年金额), the national templates' money blocks (年度主要任务
with 任务名称/主要内容/预算金额, 项目资金 with 年度资金总额/其中：财政拨款/其他资金), goal rows
(长期目标 / 年度目标NN, or 中长期目标 | 年度目标 side by side above their texts), section rows
(a single cell across the table) and indicator grids (a header row with 一级/二级/三级 labels;
columns mapped from their stacked header labels, e.g. 指标值 → 近两年指标值 → 2022年).
A table continued after a page break keeps the horizon of the grid it continues.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.model import Cell, ExtractedDocument, Table
from transforms import vocabulary as V
from transforms.records import FormRecord, FundingLine, Goal, IndicatorCell, Period, TaskLine, finding
from transforms.text import clean_label, clean_text

HIERARCHY = ("goal", "level1", "level2", "name")
# A code written after the department in 主管部门及代码: 鄂州市教育局（101001）, 湖北省财政厅 101
_TRAILING_CODE = re.compile(r"[\s(（\[【]*[0-9A-Za-z\-—]{3,}[)）\]】]?$")


@dataclass
class _GridSegment:
    """One set of indicator columns of a grid header (two when 中期 and 年度 sit side by side)."""

    role_col: dict[str, int] = field(default_factory=dict)
    value_cols: list[tuple[int, list[str]]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # its value headers and own block labels
    horizon: str = "annual"
    periods: list[tuple[int, Period]] = field(default_factory=list)
    carried: dict[str, str] = field(default_factory=lambda: dict.fromkeys(HIERARCHY, ""))


@dataclass
class _FormState:
    """What a form's tables share: a grid continued after a page break keeps its horizon."""

    section: str = ""  # the last section title seen (长期绩效目标表, 年度绩效目标表 …)
    horizon: str | None = None  # the horizon of the last indicator grid read
    # the last indicator grid, while no other block has followed it: a table that starts with
    # its rows (continued after a page break without a header) takes its columns and years
    grid: list | None = None
    grid_cols: int = 0
    grid_lines: list | None = None  # its table's column lines (x in twips), when known
    grid_table: int = -1
    grid_paths: list | None = None  # its header labels per column
    grid_header: tuple[int, int] = (0, 0)  # (table, row) of its header
    grid_reported: set = field(default_factory=set)  # its columns already reported as unnamed


def _is_title(text: str) -> bool:
    key = clean_label(text)
    return len(key) <= V.TITLE_MAX_CHARS and bool(V.DEPARTMENT_TITLE.search(key) or V.PROJECT_TITLE.search(key))


def read_forms(doc: ExtractedDocument) -> list[FormRecord]:
    forms: list[FormRecord] = []
    pending: list[str] = []  # paragraphs since the last table: titles, 单位：万元, 填报人：…
    current: FormRecord | None = None
    state = _FormState()
    for block in doc.blocks:
        if block.kind == "paragraph":
            if block.text.strip():
                pending.append(block.text)
            continue
        table: Table = block
        first_title = next((i for i, p in enumerate(pending) if _is_title(p)), None)
        if current is None or first_title is not None or (_starts_form(table) and _has_content(current)):
            fields_from = 0
            if current is not None:
                # paragraphs below the previous form's table, before this form's title, are its
                # own (填报人：… under the table); with no title paragraph (the title is a row of
                # the new table) all of them are
                cut = first_title if first_title is not None else len(pending)
                _note_paragraph_fields(current, pending[:cut])
                fields_from = cut
            current = FormRecord(form_index=len(forms))
            forms.append(current)
            state = _FormState()
        else:
            fields_from = 0
        for text in pending:
            _note_title(current, text)
        _note_paragraph_fields(current, pending[fields_from:])
        pending = []
        # a nested table (inside a cell) is read for its content but must not move the
        # horizon of the grids around it
        _TableReader(table, current, state if table.parent is None else _FormState()).read()
    if current is not None:
        _note_paragraph_fields(current, pending)
    for form in forms:
        _classify(form)
    return [f for f in forms if _has_content(f) or f.titles]


def _starts_form(table: Table) -> bool:
    for r in range(min(table.n_rows, 6)):
        for cell in table.row_cells(r):
            if V.field_of(cell.text) in ("department", "project_name"):
                return True
    return False


def _has_content(form: FormRecord) -> bool:
    return bool(form.fields or form.funding or form.goals or form.indicators or form.tasks)


def _note_paragraph_fields(form: FormRecord, texts: list[str]) -> None:
    """Header fields written in paragraphs outside the table: a field the table left empty (or
    filled with a placeholder) takes the paragraph's value."""
    for text in texts:
        for name, value in V.inline_fields(text):
            _set_field(form, name, value)


def _set_field(form: FormRecord, name: str, raw: str) -> None:
    if name in form.fields:
        return
    value = clean_text(raw)
    if name in ("department", "filer", "phone", "project_code"):
        value = clean_label(value) if name != "project_code" else value.strip()
    if value and not V.is_placeholder(value):  # ——, /, 无, 空: the field was left empty
        form.fields[name] = value


def _note_title(form: FormRecord, text: str) -> bool:
    """Note a title line (year, money unit); True when it is a title, not a section name."""
    key = clean_label(text)
    if not key or len(key) > V.TITLE_MAX_CHARS:
        return False  # a sentence of 编制说明 or a cover page, not a title
    form.titles.append(clean_text(text))
    unit = V.MONEY_UNIT.search(key)
    if unit:
        form.money_factor = _factor(unit.group(1))
    year = V.TITLE_YEAR.search(key)
    if year and form.stated_year is None:
        form.stated_year = int(year.group(1))
    return bool(unit or year or V.DEPARTMENT_TITLE.search(key) or V.PROJECT_TITLE.search(key))


def _factor(unit: str) -> float:
    return {"万元": 1.0, "元": 0.0001, "亿元": 10000.0}[unit]


def _classify(form: FormRecord) -> None:
    f = form.fields
    titles = "".join(clean_label(t) for t in form.titles)
    if "project_name" in f or (V.PROJECT_TITLE.search(titles) and "department" not in f):
        form.form_type = "project"
        if "department" not in f:
            dept = f.get("supervising_department") or f.get("executing_unit")
            if dept:
                f["department"] = clean_label(_TRAILING_CODE.sub("", dept)) or clean_label(dept)
    elif "department" in f or V.DEPARTMENT_TITLE.search(titles):
        form.form_type = "department"
    form.layout = f"{_family(form, titles)}_{form.form_type}" if form.form_type else "unknown"


def _family(form: FormRecord, titles: str) -> str:
    """hubei (the Hubei templates), national (the Ministry of Finance 申报表) or generic."""
    if form.form_type == "department":
        if "funding_grid" in form.blocks:
            return "hubei"
        if "tasks" in form.blocks or "申报表" in titles:
            return "national"
        return "generic"
    if any(i.goal for i in form.indicators):
        return "hubei"
    if form.blocks & {"project_funding", "goal_pair"} or "申报表" in titles:
        return "national"
    return "generic"


def _key(cell: Cell | None) -> str:
    return V.label_key(cell.text) if cell is not None else ""


def _task_role(key: str) -> str | None:
    return next((role for pattern, role in V.TASK_COLUMNS if pattern.match(key)), None)


def _is_header_word(key: str) -> bool:
    return bool(
        V.column_role(key) or V.YEAR_LABEL.search(key) or V.RECENT_TWO_YEARS.search(key)
        or any(p.search(key) for p, _ in V.OFFSET_LABELS)
        or V.FUNDING_AMOUNT_NOW.match(key) or V.FUNDING_SHARE.match(key) or key.endswith("金额")
    )


class _TableReader:
    def __init__(self, table: Table, form: FormRecord, state: _FormState):
        self.t = table
        self.form = form
        self.state = state

    def read(self) -> None:
        t = self.t
        r = self._read_continued_grid() if self.state.grid and t.parent is None else 0
        while r < t.n_rows:
            cells = t.row_cells(r)
            keys = [_key(c) for c in cells]
            for k in keys:
                if k and V.NOT_TARGET_FORM.match(k) and not self.form.not_target_form:
                    self.form.not_target_form = k
            self._note_label_units(cells)
            if self._is_grid_header(r):
                r = self._read_grid(r)
                continue
            if any(c.row == r and V.FUNDING_AMOUNT_NOW.match(k) for c, k in zip(cells, keys)):
                self.state.grid = None
                r = self._read_funding(r)
                continue
            if self._is_task_header(r):
                self.state.grid = None
                r = self._read_tasks(r)
                continue
            if self._is_goal_pair(r):
                self.state.grid = None
                r = self._read_goal_pair(r)
                continue
            fresh = [c for c in cells if c.row == r and c.text.strip()]
            if self._is_section_row(cells, fresh):
                if not _note_title(self.form, fresh[0].text):
                    self.state.section = _key(fresh[0])
                    self.state.grid = None
            elif fresh and self._read_goal(r, cells):
                self.state.grid = None
            else:
                self._read_fields(cells)
                self._read_project_funding(cells)
            self.form.labels_seen.extend(k for c, k in zip(cells, keys) if c.row == r and k and len(k) <= 12)
            r += 1

    def _is_section_row(self, cells: list[Cell], fresh: list[Cell]) -> bool:
        """One filled cell across the table (extra empty cells beside it do not count)."""
        filled = [c for c in cells if c.text.strip()]
        if len(fresh) != 1 or len(filled) != 1:
            return False
        return len(cells) == 1 or fresh[0].col_span >= max(2, self.t.n_cols // 2)

    def _note_label_units(self, cells: list[Cell]) -> None:
        for cell in cells:
            text = cell.text
            if text and (")" in text or "）" in text):
                unit = V.LABEL_MONEY_UNIT.search(clean_label(text).rstrip(":："))
                if unit:
                    self.form.money_factor = _factor(unit.group(2))

    # -- header fields -----------------------------------------------------------------
    def _read_fields(self, cells: list[Cell]) -> None:
        for i, cell in enumerate(cells):
            name = V.field_of(cell.text)
            if not name:
                if "：" in cell.text or ":" in cell.text:  # 填报人：张伟 in one cell
                    for inline, value in V.inline_fields(cell.text):
                        _set_field(self.form, inline, value)
                continue
            if name in self.form.fields:
                continue
            if i + 1 < len(cells) and not V.field_of(cells[i + 1].text):
                _set_field(self.form, name, cells[i + 1].text)

    def _read_project_funding(self, cells: list[Cell]) -> None:
        """项目资金: 年度资金总额 / 其中：财政拨款 / 其他资金, each label followed by its amount.
        When a row holds 中期 and 年度 amounts side by side, the last (年度) one wins."""
        found: dict[str, Cell] = {}
        for i, cell in enumerate(cells[:-1]):
            key = _key(cell)
            category = next((c for p, c in V.PROJECT_FUNDING_LABELS if p.match(key)), None) if key else None
            value_is_label = any(p.match(_key(cells[i + 1])) for p, _ in V.PROJECT_FUNDING_LABELS)
            if category and not value_is_label:
                found[category] = cells[i + 1]
        for category, cell in found.items():
            self.form.blocks.add("project_funding")
            if cell.text.strip():
                self.form.funding.append(FundingLine(
                    "income", category, ("offset", 0), cell.text, "", self.t.index, cell.row, cell.col))

    # -- 年度主要任务 (national department template) -------------------------------------------
    def _is_task_header(self, r: int) -> bool:
        roles = {_task_role(_key(c)) for c in self.t.row_cells(r) if c.row == r}
        return {"task", "content"} <= roles

    def _read_tasks(self, r: int) -> int:
        t = self.t
        last_header = self._header_rows_end(r, extra=lambda k: bool(_task_role(k) or V.LABEL_MONEY_UNIT.search(k)))
        paths = self._column_paths(r, last_header)
        role_col: dict[str, int] = {}
        for col, path in enumerate(paths):
            role = next((_task_role(k) for k in reversed(path) if _task_role(k)), None)
            if role:
                role_col.setdefault(role, col)
        self.form.blocks.add("tasks")
        amount_roles = [a for a in ("合计", "财政拨款", "其他资金") if a in role_col]
        first_amount = min((role_col[a] for a in amount_roles), default=None)
        row = last_header + 1
        while row < t.n_rows:
            task_cell = t.at(row, role_col["task"])
            if task_cell is None or self._is_grid_header(row) or self._is_task_header(row):
                break
            if first_amount is not None and task_cell is t.at(row, first_amount):
                break  # a row of the next block (年度总体目标 | text across the table)
            amounts = {a: t.at(row, role_col[a]) for a in amount_roles}
            key = _key(task_cell)
            if V.TASK_TOTAL_ROW.match(key):
                for category, cell in amounts.items():
                    if cell is not None and cell.text.strip():
                        self.form.funding.append(FundingLine(
                            "income", category, ("offset", 0), cell.text, "", t.index, row, cell.col))
                return row + 1
            content_cell = t.at(row, role_col["content"]) if "content" in role_col else None
            content = clean_text(content_cell.text) if content_cell is not None and content_cell is not task_cell else ""
            raw = {a: (c.text if c is not None else "") for a, c in amounts.items()}
            if not key and not content and not any(v.strip() for v in raw.values()):
                row += 1  # an empty row inside the block
                continue
            if V.field_of(task_cell.text) or V.GOAL_ANNUAL.match(key) or V.GOAL_LONG.match(key):
                break
            self.form.tasks.append(TaskLine(clean_text(task_cell.text), content, raw, t.index, row))
            row += 1
        return row

    # -- goals ---------------------------------------------------------------------------
    def _is_goal_pair(self, r: int) -> bool:
        """中长期目标 | 年度目标 as column heads, their texts in the row below."""
        fresh = [_key(c) for c in self.t.row_cells(r) if c.row == r]
        return (r + 1 < self.t.n_rows and any(V.GOAL_LONG.match(k) for k in fresh if k)
                and any(V.GOAL_ANNUAL.match(k) for k in fresh if k))

    def _read_goal_pair(self, r: int) -> int:
        t = self.t
        self.form.blocks.add("goal_pair")
        for cell in t.row_cells(r):
            key = _key(cell)
            if cell.row != r or not key:
                continue
            horizon = "long_term" if V.GOAL_LONG.match(key) else "annual" if V.GOAL_ANNUAL.match(key) else None
            below = t.at(r + 1, cell.col)
            if horizon is None or below is None or below.row != r + 1:
                continue
            if horizon == "long_term":
                until = V.UNTIL_YEAR.search(key) or re.search(r"(\d{4})年?\)$", key)
                if until:
                    self.form.long_term_until = int(until.group(1))
            text = clean_text(below.text)
            if text:
                self.form.goals.append(Goal(horizon, None, text))
        return r + 2

    # -- goals ---------------------------------------------------------------------------
    def _read_goal(self, r: int, cells: list[Cell]) -> bool:
        for i, cell in enumerate(cells[:-1]):
            key = _key(cell)
            if not key:
                continue
            long_term = V.GOAL_LONG.match(key)
            annual = V.GOAL_ANNUAL.match(key)
            if not (long_term or annual):
                return False
            text = clean_text(cells[i + 1].text)
            if not text:
                return False
            if long_term:
                until = V.UNTIL_YEAR.search(key)
                if until:
                    self.form.long_term_until = int(until.group(1))
                self.form.goals.append(Goal("long_term", None, text))
            else:
                code = key if annual.group(2) else None
                self.form.goals.append(Goal("annual", code, text))
            return True
        return False

    # -- funding -------------------------------------------------------------------------
    def _read_funding(self, r: int) -> int:
        t = self.t
        last_header = self._header_rows_end(r)
        paths = self._column_paths(r, last_header)
        amount_cols: list[tuple[int, Period]] = []
        share_cols: list[int] = []
        for col, path in enumerate(paths):
            if any(V.FUNDING_SHARE.match(k) for k in path):
                share_cols.append(col)
            elif any(V.FUNDING_AMOUNT_NOW.match(k) for k in path):
                amount_cols.append((col, ("offset", 0)))
            else:
                year = next((V.YEAR_LABEL.search(k) for k in reversed(path) if V.YEAR_LABEL.search(k)), None)
                if year:
                    amount_cols.append((col, ("year", int(year.group(1)))))
        if not amount_cols:
            return last_header + 1
        self.form.blocks.add("funding_grid")
        first = min([c for c, _ in amount_cols] + share_cols)
        row = last_header + 1
        while row < t.n_rows:
            labels = _distinct(t.at(row, c) for c in range(first))
            direction_cell = next((c for c in labels if _direction(_key(c))), None)
            if direction_cell is None or not labels or labels[-1] is t.at(row, first):
                break
            category_cell = labels[-1]
            category = _key(category_cell)
            if category_cell is direction_cell:
                category = "合计" if "合计" in category else category
            if V.FUNDING_TOTAL.match(category):
                category = "合计"
            direction = _direction(_key(direction_cell))
            share_cell = t.at(row, share_cols[0]) if share_cols else None
            seen: set[int] = set()
            for col, period in amount_cols:
                cell = t.at(row, col)
                if cell is None or id(cell) in seen:
                    continue
                seen.add(id(cell))
                share = share_cell.text if (share_cell is not None and period == ("offset", 0)) else ""
                if cell.text.strip() or share.strip():
                    self.form.funding.append(FundingLine(
                        direction, category, period, cell.text, share, t.index, row, cell.col))
            self._note_history_years([p for _, p in amount_cols])
            row += 1
        return row

    # -- indicator grids -----------------------------------------------------------------
    def _is_grid_header(self, r: int) -> bool:
        roles = {V.column_role(c.text) for c in self.t.row_cells(r) if c.row == r}
        return len(roles & V.GRID_HEADER_ROLES) >= 2

    def _read_grid(self, r: int) -> int:
        t = self.t
        last_header = self._header_rows_end(r)
        paths = self._column_paths(r, last_header)
        segments = self._grid_segments(paths)
        if not segments:
            return last_header + 1
        probe = min(last_header + 1, t.n_rows - 1)
        for seg in segments:
            seg.periods = self._value_periods(seg.value_cols, seg.horizon, probe)
            if seg.horizon == "annual":
                self._note_history_years([p for _, p in seg.periods])
        previous = self.state.grid
        continued = previous is not None and self.state.grid_table != t.index and r <= 3
        if continued and len(previous) == len(segments):
            # the header repeated after a page break: the labels carry on from the first part
            for seg, old in zip(segments, previous):
                if set(seg.role_col) == set(old.role_col):
                    seg.carried = dict(old.carried)
        self.state.horizon = segments[-1].horizon
        end = self._read_grid_rows(segments, last_header + 1, restating=continued)
        self.state.grid, self.state.grid_cols, self.state.grid_table = segments, t.n_cols, t.index
        self.state.grid_lines = t.col_lines
        self.state.grid_paths, self.state.grid_header, self.state.grid_reported = paths, (t.index, r), set()
        self._report_unnamed_columns(segments, paths, last_header, end)
        return end

    def _read_grid_rows(self, segments: list["_GridSegment"], row: int, restating: bool = False) -> int:
        t = self.t
        first = segments[0]
        start = row
        while row < t.n_rows:
            if self._is_grid_header(row):
                break
            name_cell = t.at(row, first.role_col["name"])
            if name_cell is None or name_cell is t.at(row, first.periods[0][0]):
                break  # a row of the next block, across the table
            for seg in segments:
                self._read_grid_row(seg, row, restating=restating and row == start)
            row += 1
        return row

    def _read_continued_grid(self) -> int:
        """A table that starts with grid rows continues the last grid of the form (a page break
        without a repeated header): its rows take that grid's columns, years and labels."""
        t, state = self.t, self.state
        if t.n_rows == 0 or self._is_grid_header(0) or _starts_form(t):
            return 0
        # header column -> this table's column: by position when both tables state their widths
        # (a WPS continuation whose rows never end on a narrow column has fewer columns, with
        # the block-label column still first); else a narrower continuation lacks the left ones
        to_here = _columns_by_position(state.grid_lines, t.col_lines)
        if to_here is None:
            shift = state.grid_cols - t.n_cols
            if shift < 0:
                return 0
            to_here = {c: c - shift for c in range(shift, state.grid_cols)}
        segments = []
        for seg in state.grid:
            used = [*seg.role_col.values(), *(c for c, _ in seg.value_cols), *(c for c, _ in seg.periods)]
            if any(c not in to_here for c in used):
                return 0
            segments.append(_GridSegment({k: to_here[c] for k, c in seg.role_col.items()},
                                         [(to_here[c], p) for c, p in seg.value_cols], seg.labels, seg.horizon,
                                         [(to_here[c], p) for c, p in seg.periods], seg.carried))
        to_header: dict[int, int] = {}
        for c, here in sorted(to_here.items()):
            to_header.setdefault(here, c)
        header_paths = state.grid_paths or []
        paths = [header_paths[to_header[c]] if to_header.get(c, len(header_paths)) < len(header_paths) else []
                 for c in range(t.n_cols)]
        name_cell = t.at(0, segments[0].role_col["name"])
        value_cell = t.at(0, segments[0].periods[0][0])
        if name_cell is None or name_cell is value_cell or V.field_of(name_cell.text):
            return 0
        end = self._read_grid_rows(segments, 0, restating=True)
        if end:
            self._report_unnamed_columns(segments, paths, -1, end, to_header)
            state.grid_table = t.index
        return end

    def _report_unnamed_columns(self, segments, paths, last_header: int, end: int,
                                to_header: dict[int, int] | None = None) -> None:
        """A grid column the reader cannot name is reported, never loaded: once per column with
        a header, and once per filled cell that sits under no header at all. to_header: this
        table's column -> the header table's column (a continued grid)."""
        t = self.t
        to_header = to_header or {}
        named = {c for seg in segments for c in seg.role_col.values()} | {
            c for seg in segments for c, _ in seg.periods}
        # columns of the header the roles did not take ("other": 备注, 指标解释 …) are named too
        named |= {c for c, path in enumerate(paths) if any(V.column_role(k) for k in path)}
        header_table, header_row = self.state.grid_header
        lowest = min(named) if named else 0
        for row in range(last_header + 1, end):
            for cell in t.row_cells(row):
                if cell.row != row or not cell.text.strip():
                    continue
                cols = range(cell.col, cell.col + cell.col_span)
                if any(c in named for c in cols):
                    continue
                if cell.col + cell.col_span <= lowest and (cell.row_span > 1 or "指标" in _key(cell)):
                    continue  # the block label left of the grid (年度绩效指标), merged down
                header = paths[cell.col] if cell.col < len(paths) else []
                if header:
                    column = to_header.get(cell.col, cell.col)
                    if column in self.state.grid_reported:
                        continue
                    self.state.grid_reported.add(column)
                    label = "/".join(dict.fromkeys(header))
                    where = f"表{header_table + 1} 第{header_row + 1}行 第{column + 1}列"
                    self.form.findings.append(finding("column_unrecognized", where, where=where, label=label))
                else:
                    where = f"表{t.index + 1} 第{row + 1}行 第{cell.col + 1}列"
                    self.form.findings.append(finding("cell_unplaced", where, where=where,
                                                      text=clean_text(cell.text)[:40]))

    def _grid_segments(self, paths: list[list[str]]) -> list["_GridSegment"]:
        """The indicator column sets of a grid header. Usually one; the national project
        template puts 中期 and 年度 side by side (一级 | 二级 | 三级 | 指标值 | 二级 | 三级 | 指标值):
        a hierarchy column seen again starts a new set, which shares the columns left of it."""
        segments = [_GridSegment()]
        shared_labels: list[str] = []
        for col, path in enumerate(paths):
            role = next((V.column_role(k) for k in reversed(path) if V.column_role(k)), None)
            seg = segments[-1]
            if role in HIERARCHY and role in seg.role_col and seg.value_cols:
                seg = _GridSegment({k: c for k, c in seg.role_col.items() if k in ("goal", "level1")})
                segments.append(seg)
            if role == "value":
                seg.value_cols.append((col, path))
                seg.labels.extend(path)
            elif role and role != "other":
                seg.role_col.setdefault(role, col)
            elif path and not role:
                (seg.labels if seg.role_col else shared_labels).extend(path)
        segments = [s for s in segments if "name" in s.role_col and s.value_cols]
        for i, seg in enumerate(segments):
            own = self._horizon_words(seg.labels)
            if own:
                seg.horizon = own
            elif len(segments) > 1:  # side by side without words: 中期 left, 年度 right
                seg.horizon = "annual" if i == len(segments) - 1 else "long_term"
            else:
                seg.horizon = self._horizon(shared_labels)
        return segments

    def _read_grid_row(self, seg: "_GridSegment", row: int, restating: bool = False) -> None:
        t, role_col, carried = self.t, seg.role_col, seg.carried
        name_cell = t.at(row, role_col["name"])
        if name_cell is None:
            return
        value_cells = [(t.at(row, c), p) for c, p in seg.periods]
        if not name_cell.text.strip() and not any(c is not None and c.text.strip() for c, _ in value_cells):
            return  # an empty row inside the grid (or one side of a side-by-side grid)
        higher_changed = False
        for role in HIERARCHY:
            if role not in role_col:
                continue
            cell = t.at(row, role_col[role])
            text = _key(cell)
            if cell is not None and cell.row == row and text:
                # the first row after a page break may restate the labels it continues
                if not (restating and carried[role] == text):
                    higher_changed = True
                carried[role] = text
            elif cell is not None and cell.row < row:
                # vertically merged: the origin's text (an empty origin at the top of a continued
                # table keeps the label it continues)
                if text or higher_changed:
                    carried[role] = text
            elif higher_changed:
                carried[role] = ""
        basis = _key(t.at(row, role_col["basis"])) if "basis" in role_col else ""
        category = _key(t.at(row, role_col["category"])) if "category" in role_col else ""
        unit = _key(t.at(row, role_col["unit"])) if "unit" in role_col else ""
        comparator = _key(t.at(row, role_col["comparator"])) if "comparator" in role_col else ""
        seen: set[int] = set()
        for cell, period in value_cells:
            if cell is None or id(cell) in seen:
                continue
            seen.add(id(cell))
            self.form.indicators.append(IndicatorCell(
                horizon=seg.horizon, goal=carried["goal"] or None, level1=carried["level1"],
                level2=carried["level2"], name=carried["name"], basis=basis or None,
                category=category or None, period=period, value_raw=cell.text,
                unit_hint=unit or None, comparator_hint=comparator or None,
                table=t.index, row=row, col=cell.col))

    @staticmethod
    def _horizon_words(labels: list[str]) -> str | None:
        for text in labels:
            if V.LONG_TERM_WORDS.search(text) or "中期" in text:
                return "long_term"
            if V.ANNUAL_WORDS.search(text):
                return "annual"
        return None

    def _horizon(self, labels: list[str]) -> str:
        words = self._horizon_words([*labels, self.state.section])
        if words:
            return words
        # no word for it: a grid continued after a page break keeps the horizon it had
        return self.state.horizon or "annual"

    def _value_periods(self, value_cols, horizon: str, probe_row: int) -> list[tuple[int, Period]]:
        """Each value column's period, from its most specific header label."""
        out: list[tuple[int, Period]] = []
        recent: list[int] = []  # distinct data cells under 近两年 without year labels: −2, then −1
        for col, path in value_cols:
            period: Period | None = None
            for k in reversed(path):
                year = V.YEAR_LABEL.search(k)
                if year:
                    period = ("year", int(year.group(1)))
                    break
                offset = next((o for p, o in V.OFFSET_LABELS if p.search(k)), None)
                if offset is not None:
                    period = ("offset", offset)
                    break
                if V.RECENT_TWO_YEARS.search(k):
                    cell = self.t.at(probe_row, col)
                    if cell is not None and all(cell is not c for c in recent):
                        recent.append(cell)
                    period = ("offset", -2 if len(recent) == 1 else -1)
                    break
            if period is None:
                period = ("long_term", 0) if horizon == "long_term" else ("offset", 0)
            out.append((col, period))
        return out

    def _note_history_years(self, periods: list[Period]) -> None:
        years = [n for kind, n in periods if kind == "year"]
        if years and ("offset", 0) in periods:
            implied = max(years) + 1
            if self.form.history_year is None:
                self.form.history_year = implied

    # -- shared header handling -----------------------------------------------------------
    def _header_rows_end(self, r: int, extra=None) -> int:
        """The last row of a (possibly multi-row) header starting at row r."""
        t = self.t
        end = r
        while end + 1 < t.n_rows:
            fresh = [c for c in t.row_cells(end + 1) if c.row == end + 1 and c.text.strip()]
            if not fresh or not all(_is_header_word(_key(c)) or (extra and extra(_key(c))) for c in fresh):
                break
            end += 1
        return end

    def _column_paths(self, first: int, last: int) -> list[list[str]]:
        paths: list[list[str]] = []
        for col in range(self.t.n_cols):
            path: list[str] = []
            seen: set[int] = set()
            for row in range(first, last + 1):
                cell = self.t.at(row, col)
                if cell is None or id(cell) in seen:
                    continue
                seen.add(id(cell))
                if row > first:
                    self._note_label_units([cell])
                key = _key(cell)
                if key:
                    path.append(key)
            paths.append(path)
        return paths


def _columns_by_position(header_lines: list | None, lines: list | None) -> dict[int, int] | None:
    """Each column of the header's table -> the column of this table under its middle, when
    both tables state their column lines and this table's lines are lines of the header's
    (aligned at the left, or shifted by whole columns). None when the geometry does not fit."""
    if not header_lines or not lines or len(header_lines) < 2 or len(lines) < 2:
        return None
    tolerance = max(header_lines[-1] * 0.002, 8.0)  # writers round each width on its own

    def misfit(offset: float) -> float:
        return max(min(abs(x + offset - h) for h in header_lines) for x in lines)

    offsets = sorted({0.0, header_lines[-1] - lines[-1], *(h - lines[0] for h in header_lines)},
                     key=lambda o: (misfit(o), abs(o)))
    offset = offsets[0]
    if misfit(offset) > tolerance:
        return None
    out: dict[int, int] = {}
    for c in range(len(header_lines) - 1):
        middle = (header_lines[c] + header_lines[c + 1]) / 2 - offset
        here = next((j for j in range(len(lines) - 1) if lines[j] <= middle < lines[j + 1]), None)
        if here is not None:
            out[c] = here
    return out


def _distinct(cells) -> list[Cell]:
    """The cells in order, each merged cell once (holes dropped)."""
    out: list[Cell] = []
    seen: set[int] = set()
    for c in cells:
        if c is not None and id(c) not in seen:
            seen.add(id(c))
            out.append(c)
    return out


def _direction(key: str) -> str | None:
    if not key or len(key) > 10:
        return None
    for pattern, name in V.FUNDING_DIRECTIONS:
        if pattern.search(key):
            return name
    return None
