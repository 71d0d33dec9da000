"""Review letters read back with python-docx."""
from __future__ import annotations

import docx
import duckdb

from office.letters import write_letters


def _text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def test_one_letter_per_department_with_findings(db, tmp_path):
    written = write_letters(db, tmp_path, year=2024, office_name="鄂州市财政局绩效科")
    with duckdb.connect(str(db), read_only=True) as con:
        want = dict(con.execute(
            """SELECT s.department, count(*) FROM quality_issues q JOIN submissions s USING (submission_id)
               WHERE s.is_current AND s.budget_year = 2024 GROUP BY 1""").fetchall())
    assert sorted(p.name for p in written) == sorted(f"2024_{d}_审核意见.docx" for d in want)
    for path in written:
        doc = docx.Document(str(path))
        department = path.name.split("_")[1]
        text = _text(doc)
        assert f"{department}：" in text and "2024年度预算绩效目标审核意见" in text
        assert "鄂州市财政局绩效科" in text.splitlines()[-2]
        (table,) = doc.tables
        assert [c.text for c in table.rows[0].cells] == ["序号", "报表", "位置", "问题", "严重程度", "修改要求"]
        assert len(table.rows) - 1 == want[department]
        assert f"发现以下{want[department]}处问题" in text


def test_a_finding_names_its_sentence_form_and_cell(db, tmp_path):
    written = write_letters(db, tmp_path, year=2024)
    (letter,) = [p for p in written if "鄂州市科学技术局" in p.name]
    doc = docx.Document(str(letter))
    text = _text(doc)
    assert "部门整体绩效目标表（2024/鄂州市/鄂州市科学技术局 部门整体绩效目标表.docx）" in text
    assert "项目“" in text  # its project form too
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows[1:]]
    with duckdb.connect(str(db), read_only=True) as con:
        message, location = con.execute(
            """SELECT q.message, q.location FROM quality_issues q JOIN submissions s USING (submission_id)
               WHERE s.department = '鄂州市科学技术局' AND s.budget_year = 2024 AND q.location LIKE '表%'
               ORDER BY q.location LIMIT 1""").fetchone()
    assert any(r[2] == location and r[5] == message for r in rows)
    assert f"{message}（位置：{location}）" in text
    assert {r[4] for r in rows} <= {"错误", "警告"}
    assert _text(doc).splitlines()[-2] == "财政局"


def test_no_year_writes_every_year(db, tmp_path):
    names = {p.name for p in write_letters(db, tmp_path)}
    assert any(n.startswith("2023_") for n in names) and any(n.startswith("2024_") for n in names)
