"""One catalog of every reason and finding code: its stage, severity, Chinese name and the
sentence a clerk reads. Extract errors, intake reasons and findings take their code from here;
publish writes the catalog as the table `catalog` that SQL joins for names.

A sentence template uses str.format fields ({file}, {where}, {department}, ...)."""
from __future__ import annotations

from dataclasses import dataclass

STAGES = ("intake", "extract", "normalize", "check", "review", "load", "publish")
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    stage: str
    severity: str
    name_zh: str
    template: str

    def sentence(self, **fields) -> str:
        return self.template.format(**fields)


_CODES: list[Code] = [
    # extract: the file could not be read as a document (filled in by the normalize/catalog work)
    # -- normalize: cells of an indicator grid the reader could not place (transforms/reader.py)
    Code("column_unrecognized", "normalize", "warning", "栏目无法识别",
         "{where}的栏目“{label}”不是可识别的绩效指标栏目，该列内容未入库，请核对表格栏目。"),
    Code("cell_unplaced", "normalize", "warning", "单元格无法归入栏目",
         "{where}的内容“{text}”不在任何栏目之下，未入库，请核对该行是否错位。"),
]

CATALOG: dict[str, Code] = {c.code: c for c in _CODES}


def code(name: str) -> Code:
    """The catalog entry of `name`; an unknown code is a bug, never bad input."""
    return CATALOG[name]


def sentence(name: str, **fields) -> str:
    return CATALOG[name].sentence(**fields)


def catalog_rows() -> list[dict]:
    """The catalog as rows of the warehouse table `catalog`."""
    return [{"code": c.code, "stage": c.stage, "severity": c.severity, "name_zh": c.name_zh,
             "template": c.template} for c in _CODES]
