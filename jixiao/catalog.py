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
    # intake: what the scan of the inbox found about a path (intake/scan.py, intake/plan.py)
    Code("word_lock_file", "intake", "info", "Word临时锁定文件",
         "《{file}》是 Word 临时锁定文件（~$ 开头），不是申报文件，已忽略。"),
    Code("not_a_document", "intake", "info", "不是Word文档",
         "《{file}》不是需要入库的 Word 文档，已忽略。"),
    Code("unreadable", "intake", "warning", "文件无法读取",
         "《{file}》无法读取（没有读取权限或正被其他程序占用），本次未入库，下次运行时会再次读取。"),
    Code("broken_symlink", "intake", "warning", "链接指向的文件不存在",
         "《{file}》是一个快捷链接，但它指向的文件或文件夹不存在（{target}），已忽略；请放入文件本身。"),
    Code("symlink_loop", "intake", "warning", "链接循环",
         "《{file}》是一个指回上级文件夹的链接（循环链接），已忽略，以免重复读取。"),
    Code("not_a_regular_file", "intake", "info", "不是普通文件",
         "《{file}》不是普通文件（设备、管道或套接字），已忽略。"),
    Code("file_name_not_utf8", "intake", "warning", "文件名编码异常",
         "《{file}》的文件名不是 UTF-8 编码（多为 Windows 压缩包解压所致），已按 {encoding} 识别并照常读取；"
         "请将文件重命名后重新放入，以免名称显示为乱码。"),
    Code("future_mtime", "intake", "warning", "修改时间晚于当前时间",
         "《{file}》的修改时间 {modified_at} 晚于本次运行开始时间，按本次运行开始时间 {run_started_at} 计；"
         "请检查报送电脑的日期设置。"),
    # extract: the file could not be read as a document (filled in by the normalize/catalog work)
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
