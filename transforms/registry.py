"""The registry of expected submitters (催报名单): a CSV the finance office maintains.

Columns (a header row is required; English or Chinese names; order free; UTF-8, with or
without BOM, or GB18030 as Excel on a Chinese Windows saves it):

=================  ==============================  ===========================================
column             Chinese header accepted          meaning
=================  ==============================  ===========================================
department         部门名称 / 部门 / 单位名称       required; the name as it appears on the form
region_code        地区代码 / 行政区划代码          6-digit GB/T 2260 code; blank: inferred from
                                                    the name (鄂州市教育局 → 420700)
level              级次 / 层级                      province | city | county (省级/市级/县级);
                                                    blank: from the region code
department_form    部门整体表                        1/0, 是/否 (default 1): a department-wide form
                                                    is expected
project_forms      项目表数                          how many project forms are expected (default 0)
budget_year        预算年度                          blank: expected in every budget year the
                                                    warehouse holds
contact            联系人 / 联系方式                  who to chase (optional, shown in submission_status)
=================  ==============================  ===========================================

``read_registry`` returns a frame for the ``registry`` table, or raises ``RegistryError``
listing every bad line (line numbers as a spreadsheet shows them).
"""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from transforms.regions import infer_region, region_by_code
from transforms.text import clean_label

COLUMNS = ("budget_year", "department", "department_key", "region_code", "province", "city", "county",
           "level", "department_form", "project_forms", "contact", "source_file", "source_line", "loaded_at")
ALIASES = {
    "department": ("department", "部门名称", "部门", "单位名称", "部门（单位）名称"),
    "region_code": ("region_code", "地区代码", "行政区划代码", "区划代码"),
    "level": ("level", "级次", "层级"),
    "department_form": ("department_form", "部门整体表", "部门整体绩效目标表"),
    "project_forms": ("project_forms", "项目表数", "项目支出绩效目标表数"),
    "budget_year": ("budget_year", "预算年度", "年度"),
    "contact": ("contact", "联系人", "联系方式"),
}
LEVELS = {"province": "province", "省级": "province", "省": "province", "city": "city", "市级": "city",
          "市": "city", "county": "county", "县级": "county", "县": "county", "区": "county"}
YES = {"1", "是", "y", "yes", "true", "需要", "√"}
NO = {"0", "否", "n", "no", "false", "不需要", "×", "-"}


class RegistryError(ValueError):
    """The registry CSV has bad lines; ``problems`` lists them."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("registry: " + "; ".join(problems[:20]))


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise RegistryError(["文件编码无法识别，请另存为 UTF-8 CSV / cannot decode the file (save it as UTF-8 CSV)"])


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 420700.0 → "420700"
    return str(value)


def _workbook_rows(data: bytes) -> list[list[str]]:
    """The first sheet of an .xlsx registry (what the office keeps in Excel), cells as text."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - any unreadable workbook is the same problem for the clerk
        raise RegistryError([f"无法读取 Excel 工作簿（{type(e).__name__}），请另存为 .xlsx 或 UTF-8 CSV / "
                             "cannot read the workbook (save it as .xlsx or UTF-8 CSV)"]) from None
    try:
        sheet = wb.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        wb.close()


def read_registry(path: str | Path, default_province: str | None = "湖北省") -> pd.DataFrame:
    """A CSV or an .xlsx workbook (by content: an .xlsx is a zip), same columns either way."""
    path = Path(path)
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        rows = _workbook_rows(data)
    else:
        rows = list(csv.reader(io.StringIO(_decode(data))))
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()  # trailing empty rows a workbook keeps
    if not rows:
        raise RegistryError(["文件为空 / the file is empty"])
    header = [clean_label(h) for h in rows[0]]
    index: dict[str, int] = {}
    for col, names in ALIASES.items():
        for i, h in enumerate(header):
            if h in names or h.lower() in names:
                index.setdefault(col, i)
    if "department" not in index:
        raise RegistryError([f"第1行表头缺少“department/部门名称”列（表头为：{'、'.join(header)}）"])
    problems: list[str] = []
    out: list[dict] = []
    seen: dict[tuple, int] = {}
    loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
    for line, raw in enumerate(rows[1:], start=2):
        def get(col):
            i = index.get(col)
            return (raw[i].strip() if i is not None and i < len(raw) else "") or None

        if not any(c.strip() for c in raw):
            continue
        department = get("department")
        if not department:
            problems.append(f"第{line}行：部门名称为空")
            continue
        key = clean_label(department)
        year = get("budget_year")
        if year is not None:
            m = re.fullmatch(r"((?:19|20)\d{2})年?(?:度)?", year)
            if not m:
                problems.append(f"第{line}行（{department}）：预算年度“{year}”不是年份")
                continue
            year = int(m.group(1))
        code = get("region_code")
        if code is not None:
            region = region_by_code(code)
            if region is None:
                problems.append(f"第{line}行（{department}）：地区代码“{code}”不是有效的6位行政区划代码")
                continue
        else:
            region = infer_region(key, default_province=default_province)
            if region is None:
                problems.append(f"第{line}行（{department}）：无法从名称判断地区，请填写地区代码（region_code）")
                continue
        level = get("level")
        if level is not None:
            if level.lower() not in LEVELS and level not in LEVELS:
                problems.append(f"第{line}行（{department}）：级次“{level}”应为 province/city/county（省级/市级/县级）")
                continue
            level = LEVELS.get(level.lower(), LEVELS.get(level))
        dept_form = get("department_form")
        if dept_form is None:
            expects_dept = True
        elif dept_form.lower() in YES:
            expects_dept = True
        elif dept_form.lower() in NO:
            expects_dept = False
        else:
            problems.append(f"第{line}行（{department}）：部门整体表“{dept_form}”应为 1/0 或 是/否")
            continue
        projects = get("project_forms")
        if projects is None:
            n_projects = 0
        elif projects.isdigit():
            n_projects = int(projects)
        else:
            problems.append(f"第{line}行（{department}）：项目表数“{projects}”应为非负整数")
            continue
        if not expects_dept and n_projects == 0:
            problems.append(f"第{line}行（{department}）：既不要求部门整体表也不要求项目表")
            continue
        if (year, key) in seen:
            problems.append(f"第{line}行（{department}）：与第{seen[(year, key)]}行重复")
            continue
        seen[(year, key)] = line
        out.append({
            "budget_year": year, "department": department, "department_key": key,
            "region_code": region.region_code, "province": region.province, "city": region.city,
            "county": region.county, "level": level or region.admin_level,
            "department_form": expects_dept, "project_forms": n_projects, "contact": get("contact"),
            "source_file": path.name, "source_line": line, "loaded_at": loaded_at,
        })
    if problems:
        raise RegistryError(problems)
    frame = pd.DataFrame(out, columns=list(COLUMNS))
    frame["budget_year"] = frame["budget_year"].astype("Int64")
    frame["project_forms"] = frame["project_forms"].astype("int32")
    frame["source_line"] = frame["source_line"].astype("int32")
    return frame
