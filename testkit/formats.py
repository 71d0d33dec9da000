"""The same forms in every format offices send: a .docx converted by LibreOffice to .doc, .wps,
.rtf, .odt and PDF, and laid out in an .xlsx worksheet with merged cells (one table per sheet,
the paragraphs before a table as single cells above it). Used by the extractor tests, the
sample inbox and the benchmark's mixed inbox; needs `soffice` for everything but .xlsx."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict
from pathlib import Path

# LibreOffice 7.4 drops every table when it writes .doc straight from a .docx; through .odt the
# tables survive (Word 97 export of the ODF model)
_VIA_ODT = {"doc", "wps"}
_FILTERS = {"doc": "doc:MS Word 97", "wps": "doc:MS Word 97", "pdf": "pdf:writer_pdf_Export",
            "odt": "odt", "rtf": "rtf:Rich Text Format", "docx": "docx:MS Word 2007 XML",
            "xls": "xls:MS Excel 97", "et": "xls:MS Excel 97"}


def _soffice(args: list[str], profile: str) -> None:
    binary = shutil.which("soffice")
    if binary is None:
        raise RuntimeError("soffice not found: run `make system-deps`")
    env = dict(os.environ, SAL_USE_VCLPLUGIN="svp")
    subprocess.run([binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--nologo", "--nodefault", *args], check=True, env=env, timeout=600,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def convert_files(paths: list[Path], fmt: str, out_dir: Path) -> list[Path]:
    """Convert files with one soffice start (two for .doc/.wps); returns the outputs in order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-testkit-lo-") as work:
        profile = os.path.join(work, "profile")
        src = paths
        if fmt in _VIA_ODT:
            mid = Path(work, "odt")
            _soffice(["--convert-to", "odt", "--outdir", str(mid), *map(str, paths)], profile)
            src = [mid / (p.stem + ".odt") for p in paths]
        _soffice(["--convert-to", _FILTERS[fmt], "--outdir", str(out_dir), *map(str, src)], profile)
    ext = {"wps": "doc", "et": "xls"}.get(fmt, fmt)
    outs = []
    for p in paths:
        produced = out_dir / f"{p.stem}.{ext}"
        if fmt != ext:
            produced = produced.rename(out_dir / f"{p.stem}.{fmt}")
        outs.append(produced)
    return outs


def convert_bytes(data: bytes, fmt: str, name: str = "form") -> bytes:
    with tempfile.TemporaryDirectory(prefix="jixiao-testkit-") as tmp:
        src = Path(tmp, f"{name}.docx" if data[:2] == b"PK" else f"{name}.xlsx")
        src.write_bytes(data)
        return convert_files([src], fmt, Path(tmp, "out"))[0].read_bytes()


def xlsx_from_document(doc) -> bytes:
    """Lay an ExtractedDocument out as a workbook the way offices do: one worksheet per table,
    merged ranges for its spans, the paragraphs before it as single cells in column A above it,
    the paragraphs after the last table below it. Numbers stay text, as typed into a form."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    pending: list[str] = []
    ws = None
    for block in doc.blocks:
        if block.kind == "paragraph":
            if block.text.strip():
                pending.append(block.text)
            continue
        ws = wb.create_sheet(f"表{len(wb.worksheets) + 1}")
        row = 1
        for text in pending:
            ws.cell(row, 1, text)
            row += 1
        pending = []
        for c in block.cells:
            cell = ws.cell(row + c.row, c.col + 1)
            if c.text:
                cell.value = c.text
                cell.number_format = "@"
            if c.row_span > 1 or c.col_span > 1:
                ws.merge_cells(start_row=row + c.row, start_column=c.col + 1,
                               end_row=row + c.row + c.row_span - 1, end_column=c.col + c.col_span)
    if ws is not None:
        for i, text in enumerate(pending):
            ws.cell(ws.max_row + 1 + i, 1, text)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_POSITION_KEYS = {"table", "row", "col"}


def form_content(form) -> dict:
    """A FormRecord without where its cells were (table, row, col differ between formats) and
    without the reader's notes on what it saw."""
    def strip(items):
        return [{k: v for k, v in asdict(x).items() if k not in _POSITION_KEYS} for x in items]

    return {
        "form_type": form.form_type, "layout": form.layout, "fields": dict(form.fields),
        "stated_year": form.stated_year, "history_year": form.history_year,
        "long_term_until": form.long_term_until, "money_factor": form.money_factor,
        "funding": strip(form.funding), "goals": strip(form.goals),
        "indicators": strip(form.indicators), "tasks": strip(form.tasks),
        "not_target_form": form.not_target_form,
    }


def has_nested_tables(doc) -> bool:
    return any(t.parent is not None for t in doc.tables)


CASES = Path(__file__).resolve().parent.parent / "tests" / "cases"
FORMAT_CASES = CASES / "formats"


def build_format_cases(cases: Path = CASES, out: Path = FORMAT_CASES) -> list[Path]:
    """tests/cases/formats/: every .docx case (all four layouts) as .doc, .wps, PDF and .xlsx."""
    from extractors.docx_reader import read_docx_bytes

    paths = sorted(cases.glob("*.docx"))
    # .wps first: it is written as .doc and renamed, so the .doc of the same stem comes after
    written = convert_files(paths[:1], "wps", out) + convert_files(paths, "doc", out) \
        + convert_files(paths, "pdf", out)
    for p in paths:
        target = out / f"{p.stem}.xlsx"
        target.write_bytes(xlsx_from_document(read_docx_bytes(p.read_bytes())))
        written.append(target)
    return written + [build_text_box_case(cases, out)]


def build_text_box_case(cases: Path = CASES, out: Path = FORMAT_CASES) -> Path:
    """national_project_text_box.doc: the project form with its table in a text box, a .doc the
    Word 97 reader leaves to LibreOffice (the converter's tests need one)."""
    from testkit.docx_builder import rewrite

    with tempfile.TemporaryDirectory(prefix="jixiao-testkit-") as tmp:
        src = Path(tmp, "national_project_text_box.docx")
        src.write_bytes(rewrite((cases / "national_project.docx").read_bytes(), text_box=True))
        return convert_files([src], "doc", out)[0]


if __name__ == "__main__":
    for path in build_format_cases():
        print(path)
