"""A corpus of N realistic, distinct budget performance target forms for the benchmark.

    .venv/bin/python -m bench.generate OUT_DIR --forms 10000 [--seed 6]

Every form is rendered from the content model of the test suite (testkit/forms.py) —
the same department and project layouts, merges, content controls, tracked insertions and
odd spellings as the sample inbox (testkit/make_samples.py). Rendering a form with
python-docx costs ~30 ms, so the generator renders a few *templates* per sample form (each with
its own funding and indicator values), then stamps each output form from a template by
replacing, inside word/document.xml, the department / project names and codes with a new
department of a real Hubei city or county (GB/T 2260 table of the project). Every output form
is thus a distinct logical submission (form type, department, budget year, project) with its
own bytes, filed under ``YEAR/CITY[/COUNTY]/`` like a real inbox.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import random
import re
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from testkit import make_samples as ms
from testkit.docx_builder import build, text_of
from testkit.forms import DepartmentForm, FundingLine, Ind, ProjectForm

ADCODES = Path(__file__).resolve().parents[1] / "transforms" / "data" / "adcodes.csv"

DEPARTMENT_SUFFIXES = [
    "教育局", "财政局", "科学技术局", "生态环境局", "交通运输局", "卫生健康委员会", "民政局", "司法局",
    "人力资源和社会保障局", "自然资源和规划局", "住房和城乡建设局", "水利和湖泊局", "农业农村局", "商务局",
    "文化和旅游局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
    "林业局", "体育局", "城市管理执法局", "发展和改革委员会", "经济和信息化局", "公安局", "档案馆",
    "地方志办公室", "机关事务服务中心", "公共资源交易中心", "政务服务和大数据管理局", "信访局", "粮食和物资储备局",
    "供销合作社联合社", "残疾人联合会", "妇女联合会", "总工会", "科学技术协会", "红十字会",
]
PROJECTS = [
    "农村公路养护补助资金", "科技创新券补助资金", "义务教育薄弱环节改善经费", "基层医疗卫生机构运行补助",
    "城乡居民养老保险补助", "高标准农田建设资金", "河湖长制工作经费", "森林防火专项经费", "食品安全抽检经费",
    "公共文化服务体系建设资金", "就业创业补助资金", "困难群众救助补助资金", "老旧小区改造补助资金",
    "信息化系统运行维护经费", "安全生产监管执法经费", "污染防治攻坚专项资金",
]


@dataclasses.dataclass(frozen=True)
class Area:
    city: str  # the city (or province-administered county-level city)
    county: str | None
    name: str  # the most specific name, used as the department prefix


def hubei_areas() -> list[Area]:
    rows = list(csv.DictReader(ADCODES.open(encoding="utf-8")))
    by_code = {r["code"]: r for r in rows}
    areas = []
    for r in rows:
        if r["province_code"] != "420000" or r["level"] == "province":
            continue
        if r["level"] == "city":
            areas.append(Area(r["name"], None, r["name"]))
        else:
            city = by_code.get(r["city_code"])
            if city is None or city["level"] != "city":
                continue
            areas.append(Area(city["name"], r["name"], r["name"]))
    return areas


# --------------------------------------------------------------------------- templates

_NUM = re.compile(r"\d+(?:\.\d+)?")
_YEARISH = re.compile(r"(19|20)\d\d")


def _scale_text(text, factor: Decimal):
    """Scale the numbers in a plain-text value (keeps decimals; leaves years and percentages)."""
    if not isinstance(text, str) or "%" in text or "％" in text or _YEARISH.search(text):
        return text

    def one(m: re.Match) -> str:  # exact decimals: totals stay the sums of their lines
        value = Decimal(m.group(0)) * factor
        return format(value.normalize(), "f") if value >= 1 else m.group(0)

    return _NUM.sub(one, text)


def _vary_tree(nodes, factor: Decimal):
    out = []
    for node in nodes:
        if isinstance(node, Ind):
            out.append(dataclasses.replace(node, values=tuple(_scale_text(v, factor) for v in node.values)))
        else:
            label, children = node
            out.append((label, _vary_tree(children, factor)))
    return out


def _vary_funding(lines, factor: Decimal):
    return [dataclasses.replace(line, current=_scale_text(line.current, factor),
                                history=tuple(_scale_text(h, factor) for h in line.history))
            if isinstance(line, FundingLine) else line for line in lines]


def vary(form, rng: random.Random):
    """The same form with other funding amounts and quantitative indicator values."""
    money = Decimal(rng.randint(30, 300)) / 100
    values = Decimal(rng.randint(50, 200)) / 100
    if isinstance(form, DepartmentForm):
        return dataclasses.replace(form, income=_vary_funding(form.income, money),
                                   expenditure=_vary_funding(form.expenditure, money),
                                   long_term=_vary_tree(form.long_term, values),
                                   annual=_vary_tree(form.annual, values))
    return dataclasses.replace(form, long_term=_vary_tree(form.long_term, values),
                               annual=_vary_tree(form.annual, values))


@dataclasses.dataclass
class Template:
    kind: str  # department | project
    budget_year: int
    members: list  # (ZipInfo, bytes) of the package, word/document.xml excluded
    xml: str  # word/document.xml
    names: dict  # original text -> placeholder key


def _xml_text(s: str) -> str:
    return escape(s)


def make_template(sample, rng: random.Random) -> Template | None:
    form = vary(sample.form, rng)
    data = build(ms.document_for(form))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist() if info.filename != "word/document.xml"]
        xml = zf.read("word/document.xml").decode("utf-8")
    if isinstance(form, DepartmentForm):
        originals = {"dept": text_of(form.department).strip().replace("\u3000", "")}
        kind = "department"
    else:
        originals = {"exec": text_of(form.executing_unit).strip(), "dept": text_of(form.supervising_department).strip(),
                     "project": text_of(form.project_name).strip(), "code": text_of(form.project_code).strip()}
        kind = "project"
    for key, original in originals.items():  # longest first: 湖北省财政厅信息中心 before 湖北省财政厅
        if not original or _xml_text(original) not in xml:
            return None  # the name is split over runs in this layout: not usable as a template
    for key, original in sorted(originals.items(), key=lambda kv: -len(kv[1])):
        xml = xml.replace(_xml_text(original), "\x00" + key + "\x00")
    return Template(kind, sample.budget_year, members, xml, {})


def templates(per_sample: int, seed: int) -> list[Template]:
    rng = random.Random(seed)
    out = []
    for sample in ms.SAMPLES:
        if not isinstance(sample.form, (DepartmentForm, ProjectForm)):
            continue  # the corpus varies the two Hubei layouts (the figures in the README were measured on them)
        for _ in range(per_sample):
            t = make_template(sample, rng)
            if t is not None:
                out.append(t)
    return out


# --------------------------------------------------------------------------- the corpus

def _package(t: Template, xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for info, data in t.members:
            zf.writestr(info, data)
        zf.writestr("word/document.xml", xml.encode("utf-8"))
    return buf.getvalue()


def generate(out: Path, n: int, seed: int = 6, per_sample: int = 12) -> list[Path]:
    """Write n distinct forms under out/ (which should be empty); returns their paths."""
    rng = random.Random(seed)
    temps = templates(per_sample, seed)
    dept_t = [t for t in temps if t.kind == "department"]
    proj_t = [t for t in temps if t.kind == "project"]
    areas = hubei_areas()
    used: set[tuple] = set()
    written = []
    for i in range(n):
        project = rng.random() < 0.45
        t = rng.choice(proj_t if project else dept_t)
        area = rng.choice(areas)
        suffix = rng.choice(DEPARTMENT_SUFFIXES)
        dept = area.name + suffix
        if project:
            pname = rng.choice(PROJECTS)
            key = ("project", dept, t.budget_year, pname)
            if key in used:
                pname = f"{pname}（第{i}批）"
                key = ("project", dept, t.budget_year, pname)
            names = {"dept": dept, "exec": dept + "机关", "project": pname,
                     "code": f"{t.budget_year - 1}—{rng.randint(100, 999)}—{i:06d}"}
            stem = f"{dept} {pname}专项预算绩效目标"
        else:
            key = ("department", dept, t.budget_year)
            if key in used:
                dept = f"{area.name}第{i}中学"
                key = ("department", dept, t.budget_year)
            names = {"dept": dept}
            stem = f"{dept} 部门整体绩效目标表"
        used.add(key)
        xml = t.xml
        for k, v in names.items():
            xml = xml.replace("\x00" + k + "\x00", _xml_text(v))
        folder = out / str(t.budget_year) / area.city
        if area.county:
            folder = folder / area.county
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{stem}.docx"
        path.write_bytes(_package(t, xml))
        written.append(path)
    return written


MIX = (("doc", 0.075), ("wps", 0.075), ("xlsx", 0.10), ("pdf", 0.05))  # the rest stays .docx (70%)


def mix_formats(paths: list[Path], seed: int = 6) -> dict[str, int]:
    """Turn a share of the generated .docx files into the formats offices send (issue 10):
    .doc/.wps and PDF through LibreOffice (one soffice run per format for the whole corpus),
    .xlsx laid out with merged cells. Each converted file replaces its .docx; returns the count
    per format."""
    import shutil
    import tempfile

    from extractors.docx_reader import read_docx_bytes
    from testkit.formats import convert_files, xlsx_from_document

    rng = random.Random(seed)
    order = list(paths)
    rng.shuffle(order)
    counts, start = {"docx": len(paths)}, 0
    for fmt, share in MIX:
        chosen = order[start:start + round(share * len(paths))]
        start += len(chosen)
        if fmt == "xlsx":
            for path in chosen:
                path.with_suffix(".xlsx").write_bytes(xlsx_from_document(read_docx_bytes(path.read_bytes())))
        elif chosen:
            # flat names: the same stem may sit in two folders (two budget years)
            with tempfile.TemporaryDirectory(prefix="jixiao-mix-") as tmp:
                flat = []
                for i, path in enumerate(chosen):
                    flat.append(Path(tmp, f"f{i:06d}.docx"))
                    shutil.copyfile(path, flat[-1])
                for path, made in zip(chosen, convert_files(flat, fmt, Path(tmp, "out"))):
                    shutil.move(made, path.with_suffix("." + fmt))
        for path in chosen:
            path.unlink()
        counts[fmt] = len(chosen)
        counts["docx"] -= len(chosen)
    return counts


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="bench.generate", description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--forms", type=int, default=1000)
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--mix", action="store_true",
                   help="70%% .docx, 15%% .doc/.wps, 10%% .xlsx, 5%% PDF (needs LibreOffice)")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    paths = generate(Path(args.out), args.forms, args.seed)
    if args.mix:
        print(mix_formats(paths, args.seed), file=sys.stderr)
    print(f"{len(paths)} forms under {args.out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
