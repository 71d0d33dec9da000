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
    # extract, every format (issue 10): {file} is the inbox path; {format} a name such as .doc
    Code("encrypted", "extract", "error", "文件已加密",
         "文件“{file}”设置了打开密码（已加密），无法读取，请取消密码后重新提交。"),
    Code("corrupt", "extract", "error", "文件损坏",
         "文件“{file}”已损坏，无法打开（{detail}），请重新导出后提交。"),
    Code("conversion_failed", "extract", "error", "格式转换失败",
         "文件“{file}”（{format}格式）无法自动转换（{detail}），请在Word或WPS中打开，另存为 .docx 后重新提交。"),
    Code("converter_missing", "extract", "error", "缺少格式转换程序",
         "文件“{file}”是{format}格式，需要LibreOffice才能读取，本机未安装。请管理员执行 "
         "`make system-deps`（或 apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-wqy-microhei）"
         "后重新运行；也可请报送单位另存为 .docx 后重新提交。"),
    Code("scanned_pdf", "extract", "error", "扫描件PDF",
         "文件“{file}”是扫描或图片PDF（没有文字层），无法读取表格内容，请提交Word（.docx）原文件。"),
    Code("no_tables", "extract", "error", "没有表格",
         "文件“{file}”里没有找到表格，不像是绩效目标表，请检查后重新提交。"),
    Code("unrecognized", "extract", "error", "未识别出目标表",
         "文件“{file}”的工作表里没有找到绩效目标表（{detail}），请检查是否提交了正确的文件。"),
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
