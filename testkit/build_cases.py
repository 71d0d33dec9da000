"""Regenerate every generated test case and the sample inbox.

    .venv/bin/python -m testkit.build_cases

Writes
* tests/cases/seed_000_department_hubei.docx + .expected.json   (from seed_forms.SEED_000)
* tests/cases/seed_003_project_hubei.docx + .expected.json      (from seed_forms.SEED_003)
* tests/cases/national_department.docx + .expected.json      (make_samples.EZHOU_FINANCE_NATIONAL)
* tests/cases/national_project.docx + .expected.json         (make_samples.TEACHER_TRAINING)
* tests/cases/reader_*.docx + .expected.json  (reader_cases.READER_CASES, issue 13's classes)
* samples/inbox/**  and tests/cases/sample_inbox.expected.json  (make_samples.py)

Output is deterministic: re-running rewrites nothing when the sources did not change.
The seed text extractions live next to the cases (tests/cases/*.seed.txt) so that
tests/testkit/test_builder.py can check the rebuilt .docx renders back to them.
"""

from __future__ import annotations

from pathlib import Path

from . import make_samples, seed_forms
from .reader_cases import READER_CASES
from .docx_builder import save, write_if_changed
from .forms import (department_document, expected_department, expected_national_department,
                    expected_national_project, expected_project, national_department_document,
                    national_project_document, project_document)

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "tests" / "cases"

SEED_CASES = {
    "seed_000_department_hubei": (
        lambda: department_document(seed_forms.SEED_000),
        lambda: expected_department(seed_forms.SEED_000, seed_forms.SEED_000_REGION),
    ),
    "seed_003_project_hubei": (
        lambda: project_document(seed_forms.SEED_003),
        lambda: expected_project(seed_forms.SEED_003, seed_forms.SEED_003_REGION, seed_forms.SEED_003_BUDGET_YEAR),
    ),
}


# One golden case per national layout (the Hubei layouts have the seeds).
GOLDEN_CASES = {
    "national_department": (
        lambda: national_department_document(make_samples.EZHOU_FINANCE_NATIONAL),
        lambda: expected_national_department(make_samples.EZHOU_FINANCE_NATIONAL, make_samples.REGION_EZHOU),
    ),
    "national_project": (
        lambda: national_project_document(make_samples.TEACHER_TRAINING),
        lambda: expected_national_project(make_samples.TEACHER_TRAINING, make_samples.REGION_HUANGSHI),
    ),
}


def build_seed_cases(cases: Path = CASES) -> list:
    cases.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, (doc, expected) in {**SEED_CASES, **GOLDEN_CASES}.items():
        save(doc(), cases / f"{stem}.docx")
        make_samples.write_json(cases / f"{stem}.expected.json", expected())
        written += [cases / f"{stem}.docx", cases / f"{stem}.expected.json"]
    for stem, (data, expected) in READER_CASES.items():
        path = cases / f"{stem}.docx"
        write_if_changed(data(), path)
        make_samples.write_json(cases / f"{stem}.expected.json", expected())
        written += [path, cases / f"{stem}.expected.json"]
    return written


def main() -> None:
    for p in build_seed_cases():
        print(p.relative_to(REPO))
    make_samples.main()


if __name__ == "__main__":
    main()
