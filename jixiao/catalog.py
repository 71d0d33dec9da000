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

    # publish: the sentence `files.message` shows for a file's status (staging/stg_content_status
    # and stg_file_status fill these templates; a rejected content keeps its own sentence)
    Code("file_loaded", "publish", "info", "已入库", "已入库（{forms} 张表）。"),
    Code("file_loaded_with_warnings", "publish", "info", "已入库（有警告）",
         "已入库（{forms} 张表），有 {warnings} 条警告，详见 quality_issues。"),
    Code("file_superseded", "publish", "info", "已被新版本取代",
         "本文件中的表已被更新的版本取代：{paths}。"),
    Code("file_rejected", "publish", "error", "未能入库", "文件未能入库（{reason}），请检查后重新提交。"),
    Code("file_duplicate", "publish", "info", "重复文件",
         "《{file}》与已收文件 {primary_path} 内容完全相同，按重复文件处理，未再次入库。"),
    Code("file_word_lock", "publish", "info", "Word 临时锁定文件",
         "《{file}》是 Word 临时锁定文件（~$ 开头），不是申报文件，已忽略。"),
    Code("file_unreadable", "publish", "warning", "文件无法读取",
         "《{file}》无法读取（没有读取权限或正被其他程序占用），本次未入库，下次运行时会再次读取。"),
    Code("file_ignored", "publish", "info", "已忽略",
         "《{file}》不是需要入库的 Word 文档（{reason}），已忽略。"),
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
