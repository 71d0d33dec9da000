"""`jixiao letters`: one review letter (审核意见, .docx) per department with findings — the
department, its form(s), each finding's sentence and the cell it points at, and a table of what
to correct, signed with the office's name."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from office.data import check_warehouse, findings_sql, query, OfficeError
from warehouse.labels import CHECK_ZH, SEVERITY_ZH

DEFAULT_OFFICE = "财政局"


@dataclass
class Letter:
    department: str
    budget_year: int | None
    forms: list[str] = field(default_factory=list)  # form titles: 部门整体 / project names, with file
    findings: list[dict] = field(default_factory=list)


def gather(db_path: str | Path, year: int | None = None) -> list[Letter]:
    """Findings of current forms grouped by (department, budget year), departments in name order."""
    where = "q.submission_id IS NOT NULL AND s.is_current" + (" AND s.budget_year = ?" if year else "")
    df = query(db_path, findings_sql(where), (year,) if year else ())
    letters: dict[tuple, Letter] = {}
    for r in df.to_dict("records"):
        key = (r["department"], r["budget_year"])
        letter = letters.setdefault(key, Letter(r["department"], int(r["budget_year"])))
        form = _form_title(r)
        if form not in letter.forms:
            letter.forms.append(form)
        letter.findings.append({**r, "form": form})
    return sorted(letters.values(), key=lambda x: (x.department, x.budget_year or 0))


def _form_title(r: dict) -> str:
    kind = f"项目“{r['project_name']}”绩效目标表" if r.get("form_type") == "project" and r.get("project_name") \
        else "部门整体绩效目标表"
    return f"{kind}（{r['path']}）"


def _file_name(letter: Letter) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", letter.department).strip("_") or "department"
    return f"{letter.budget_year}_{safe}_审核意见.docx"


def write_letter(letter: Letter, out: Path, office_name: str, today: date | None = None) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    title = doc.add_heading(f"{letter.budget_year}年度预算绩效目标审核意见", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"{letter.department}：")
    doc.add_paragraph(
        f"你单位报送的{letter.budget_year}年度预算绩效目标表已收悉。经审核，发现以下"
        f"{len(letter.findings)}处问题，请逐项核实修改后重新报送。")
    doc.add_paragraph("审核的报表：")
    for form in letter.forms:
        doc.add_paragraph(form, style="List Bullet")
    doc.add_heading("审核问题", level=2)
    for i, f in enumerate(letter.findings, start=1):
        doc.add_paragraph(f"{i}. {f['message']}（位置：{f['location'] or '整表'}）")
    doc.add_heading("需修改事项", level=2)
    head = ("序号", "报表", "位置", "问题", "严重程度", "修改要求")
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = text
    for i, f in enumerate(letter.findings, start=1):
        cells = table.add_row().cells
        values = (str(i), f["form"], f["location"] or "整表", CHECK_ZH.get(f["check"], f["check"]),
                  SEVERITY_ZH.get(f["severity"], f["severity"]), f["message"])
        for cell, text in zip(cells, values):
            cell.text = text
    doc.add_paragraph("")
    sign = doc.add_paragraph(office_name)
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    when = doc.add_paragraph(f"{(today or date.today()):%Y年%m月%d日}")
    when.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    target = out / _file_name(letter)
    tmp = target.with_name(target.name + ".tmp")
    doc.save(str(tmp))
    tmp.replace(target)
    return target


def write_letters(db_path: str | Path, out_dir: str | Path, year: int | None = None,
                  office_name: str = DEFAULT_OFFICE) -> list[Path]:
    db = check_warehouse(db_path)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".jixiao-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise OfficeError(f"无法写入文件夹 / cannot write to {out}: {e.strerror}") from None
    return [write_letter(letter, out, office_name) for letter in gather(db, year)]
