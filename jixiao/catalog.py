"""One catalog of every reason and finding code: its stage, severity, Chinese name and the
sentence a clerk reads. Extract errors, intake reasons and findings take their code from here;
publish writes the catalog as the table `catalog` that SQL joins for names.

A sentence template uses str.format fields ({where}, {department}, ...). Sentences never name
the file themselves: the normalize stage puts 《file name》 in front of every sentence of a file.
A code whose sentence has more than one wording (a cap indicator, a zip bomb) keeps the other
wordings in `variants`; the code and its name stay one."""
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
    variants: tuple[tuple[str, str], ...] = ()  # (variant name, template) of other wordings
    #: a finding of this code makes a loaded file `loaded_with_warnings` (a read or consistency
    #: warning: the warehouse may hold the form wrongly). False: a review finding about the
    #: content (target below last year, …), counted in files.findings / submissions.findings.
    affects_status: bool = True

    def sentence(self, variant: str | None = None, **fields) -> str:
        template = self.template if variant is None else dict(self.variants)[variant]
        return template.format(**fields)


def _c(code, stage, severity, name_zh, template, *, affects_status: bool | None = None, **variants) -> Code:
    # review-stage codes judge what a department wrote, not whether it was read right
    if affects_status is None:
        affects_status = stage != "review"
    return Code(code, stage, severity, name_zh, template, tuple(variants.items()), affects_status)


_RESUBMIT = "请重新导出Word文档后提交。"
_BOMB = "文档解压后体积异常巨大（疑似压缩炸弹），已拒收。"

_CODES: list[Code] = [
    # -- intake: what the scan does with a path (files.reason of ignored/duplicate/superseded files)
    _c("not_a_document", "intake", "info", "不是Word文档", "不是需要入库的文档，已忽略。"),
    _c("word_lock_file", "intake", "info", "Word临时锁定文件", "是 Word 临时锁定文件（~$ 开头），不是申报文件，已忽略。"),
    _c("unreadable", "intake", "warning", "文件无法读取",
       "无法读取（没有读取权限或正被其他程序占用），本次未入库，下次运行时会再次读取。"),
    _c("duplicate", "intake", "info", "重复文件", "与已收文件 {primary_path} 内容完全相同，按重复文件处理，未再次入库。"),
    _c("superseded", "intake", "info", "已被新版本取代", "本文件中的表已被更新的版本取代：{paths}。"),
    _c("rejected", "intake", "error", "未能入库", "文件未能入库（{reason}），请检查后重新提交。"),
    _c("broken_symlink", "intake", "warning", "链接指向的文件不存在",
       "是一个快捷链接，但它指向的文件或文件夹不存在，已忽略；请放入文件本身。"),
    _c("symlink_loop", "intake", "warning", "链接循环",
       "是一个指回上级文件夹的链接（循环链接），已忽略，以免重复读取。"),
    _c("not_a_regular_file", "intake", "info", "不是普通文件", "不是普通文件（设备、管道或套接字），已忽略。"),
    _c("file_name_not_utf8", "intake", "warning", "文件名编码异常",
       "文件名不是 UTF-8 编码（多为 Windows 压缩包解压所致），已按 {encoding} 识别并照常读取；"
       "请将文件重命名后重新放入，以免名称显示为乱码。"),
    _c("future_mtime", "intake", "warning", "修改时间晚于当前时间",
       "修改时间 {modified_at} 晚于本次运行开始时间，按本次运行开始时间 {run_started_at} 计；"
       "请检查报送电脑的日期设置。"),
    # -- extract: the file could not be read as a document (ExtractError codes)
    _c("empty_file", "extract", "error", "空文件", "文件为空（0字节），请重新上传完整的Word文档。"),
    _c("not_a_docx", "extract", "error", "不是Word文档",
       "文件不是Word（.docx）文档，可能是改了扩展名的其他文件，请另存为.docx后重新提交。",
       no_main_part="压缩包里没有Word正文（word/document.xml），不是Word文档，请另存为.docx后重新提交。"),
    _c("corrupt", "extract", "error", "文件损坏", "文件已损坏，无法打开（{error}），" + _RESUBMIT,
       xml="文档内容已损坏（XML错误：{error}），" + _RESUBMIT,
       no_body="文档缺少正文部分，无法读取，" + _RESUBMIT,
       size_mismatch="文件已损坏：压缩包记录的大小与实际内容不符，" + _RESUBMIT,
       unparsable="文件无法解析（{error}），请用Word重新保存为.docx后提交。",
       detail="文件已损坏，无法打开（{detail}），请重新导出后提交。"),
    _c("encrypted", "extract", "error", "文件加密", "文档设置了密码（已加密），无法读取，请取消密码后重新提交。",
       ole="文档设置了打开密码（已加密），无法读取，请取消密码后重新提交。"),
    _c("legacy_format", "extract", "error", "旧版Word/WPS格式",
       "文件是旧版Word（.doc）或WPS格式，请在Word或WPS中“另存为”.docx格式后重新提交。"),
    _c("conversion_failed", "extract", "error", "格式转换失败",
       "（{format}格式）无法自动转换（{detail}），请{save_as} 后重新提交。"),
    _c("converter_missing", "extract", "error", "缺少格式转换程序",
       "是{format}格式，需要LibreOffice才能读取，本机未安装。请管理员执行 `make system-deps`"
       "（或 apt-get install --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui "
       "fonts-wqy-microhei）后重新运行；也可请报送单位{save_as} 后重新提交。"),
    _c("scanned_pdf", "extract", "error", "扫描件PDF",
       "是扫描或图片PDF（没有文字层），无法读取表格内容，请提交Word（.docx）原文件。"),
    _c("too_large", "extract", "error", "文件过大", "文件过大（{mb}MB），不像是绩效目标表，请检查后重新提交。",
       unread="文件过大，不像是绩效目标表，请检查后重新提交。", bomb=_BOMB),
    _c("unsafe_xml", "extract", "error", "不安全的XML",
       "文档内部含有不安全的XML声明（DOCTYPE/实体），已拒收，请用Word重新保存后提交。"),
    # -- normalize: the document is read as forms (contents.reason, file and form errors)
    _c("no_tables", "normalize", "error", "没有表格", "文档中没有表格，不是绩效目标表，请核对后重新提交。"),
    _c("not_a_target_form", "normalize", "error", "不是绩效目标表（自评表等）",
       "表格含有“{label}”等栏目，是绩效自评表或其他表格，不是绩效目标表，未入库。"),
    _c("unrecognized_form", "normalize", "error", "不是绩效目标表",
       "未能识别为绩效目标表：找到的栏目有“{seen}”，应有“部门（单位）名称”或“项目名称”以及一级/二级/三级指标表。",
       sheet="的工作表里没有找到绩效目标表（{detail}），请检查是否提交了正确的文件。"),
    _c("unreadable_form", "normalize", "error", "表格结构无法识别",
       "表格结构无法识别（内部错误：{error}），请联系财政局处理。"),
    _c("missing_department", "normalize", "error", "缺少部门名称",
       "{where}缺少“部门（单位）名称”，无法确定填报部门，请补填后重新提交。"),
    _c("missing_year", "normalize", "error", "缺少预算年度",
       "{where}（{department}）没有写明预算年度，文件夹和文件名中也没有年份，"
       "请在标题中注明年度（如“2024年度”）或放入年度文件夹后重新提交。"),
    _c("year_conflict", "normalize", "warning", "年度不一致",
       "标题写明{stated}年度，但历史数据列推算为{other}年度，已按标题{stated}年处理，请核实。",
       path="文档中的预算年度为{stated}年，但所在文件夹/文件名显示为{other}年，已按文档{stated}年处理，请核实。"),
    _c("region_unknown", "normalize", "warning", "无法判断地区",
       "无法从部门名称“{department}”或文件夹名判断所属地区，请在名称中写明省/市/县。"),
    _c("funding_value_unparsed", "normalize", "warning", "资金金额不是数字",
       "资金“{category}”的金额“{raw}”不是数字，未计入。"),
    _c("schema_invalid", "normalize", "error", "内容未通过入库校验",
       "{where}（{department}）有不符合入库规则的内容：{why}。该表未入库，请核对后重新提交。",
       content="表格内容未通过入库校验，未入库，请核对后重新提交。"),
    # -- check: completeness and funding arithmetic (transforms/checks.py)
    _c("header_field_missing", "check", "warning", "表头未填写", "表头“{label}”未填写，请补充。"),
    _c("funding_sum_mismatch", "check", "warning", "资金合计不符",
       "{year}年{direction}各项之和（{listed}={sum}万元）与合计{total}万元不符。"),
    _c("funding_share_mismatch", "check", "warning", "资金占比计算不符",
       "{year}年“{category}”占比填写{share}%，按金额{value}/{total}计算应为{expected:.2f}%。"),
    _c("funding_share_sum", "check", "warning", "资金占比之和不等于100%",
       "{year}年{direction}各项占比之和为{sum}%，不等于100%。"),
    _c("funding_income_expenditure_mismatch", "check", "warning", "收入合计与支出合计不等",
       "{year}年收入合计{income}万元与支出合计{spend}万元不相等。"),
    # -- review: plausibility of the indicator values (transforms/review.py); {who} = 【部门“项目”】
    _c("quantitative_share_low", "review", "warning", "量化指标占比偏低",
       "{who}量化指标占比{share:.1f}%（{numeric}/{total}，其中{parts}），"
       "低于{minimum}%的要求，请将定性指标尽量细化为可量化的目标值。"),
    _c("target_below_prior", "review", "warning", "目标值低于上年",
       "{who}指标“{name}”{year}年目标值“{target}”低于{prior_year}年的“{prior}”，该指标越高越好，请说明下调原因或核实数值。",
       cap="{who}指标“{name}”是控制类（上限）指标，{year}年目标值“{target}”"
           "高于{prior_year}年的“{prior}”，控制标准放宽，请说明原因或核实数值。"),
    _c("long_term_below_annual", "review", "warning", "长期目标低于年度目标",
       "{who}指标“{name}”的长期目标{until}“{long_term}”低于{year}年度目标“{annual}”"
       "（{cell}），长期目标应不低于年度目标，请核实。",
       cap="{who}控制类指标“{name}”的长期目标{until}“{long_term}”比{year}年度目标“{annual}”"
           "（{cell}）更宽松，请核实。"),
    _c("rate_over_100", "review", "warning", "比率超过100%",
       "{who}比率指标“{name}”的{period}目标值“{target}”超过{maximum}%，可能漏写了“≥”等符号或填错数值，请核实。"),
    _c("unit_inconsistent", "review", "warning", "计量单位不一致",
       "{who}指标“{name}”各年度的计量单位不一致（{units}）：{listed}，请统一计量单位。"),
    _c("value_missing", "review", "warning", "目标值未填写",
       "{who}指标“{name}”的{period}目标值未填写，请补填（含计量单位）。"),
    _c("placeholder_target", "review", "warning", "目标值为占位内容",
       "{who}指标“{name}”的{period}目标值“{target}”为占位内容，请填写具体目标值。",
       unit_only="{who}指标“{name}”的{period}目标值“{target}”只有计量单位、没有数值，请填写具体目标值。"),
    _c("template_text", "review", "warning", "模板占位文字未修改",
       "{who}指标“{name}”{period}的指标值为模板占位文字“{target}”，请填写实际目标值。",
       field="{who}表头“{label}”为模板占位文字“{value}”，请填写实际内容。",
       goal="{who}{what}含模板占位文字“{placeholder}”：“{text}”，请改为实际目标。",
       name="{who}指标名称“{name}”为模板占位文字，请填写实际指标。"),
    _c("text_grid_mismatch", "review", "warning", "目标文字与指标表不符",
       "{who}{where}文字写明“{name}”{said}，但指标表中{period}目标值为“{target}”，两者不一致，请核实。"),
    # -- publish: the sentence `files.message` shows for a loaded file (staging/stg_content_status)
    _c("file_loaded", "publish", "info", "已入库", "已入库（{forms} 张表）。"),
    _c("file_loaded_with_warnings", "publish", "info", "已入库（有警告）",
       "已入库（{forms} 张表），有 {warnings} 条警告，详见 quality_issues。"),
    _c("file_review_findings", "publish", "info", "有审核意见",
       "另有 {findings} 条审核意见（目标值等内容方面，不影响入库）。"),
    # -- load: the warehouse itself (run_stats key `foreign_wal`, shown by `jixiao summary`)
    _c("foreign_wal", "load", "warning", "仓库被其他程序写入",
       "仓库文件旁有其他程序以读写方式写入的日志（{who}），这些写入未被保留，已移到 {aside}；"
       "请勿以读写方式连接已发布的仓库，需要写入时请先复制一份。"),
    # -- normalize: cells of an indicator grid the reader could not place (transforms/reader.py)
    _c("column_unrecognized", "normalize", "warning", "栏目无法识别",
       "{where}的栏目“{label}”不是可识别的绩效指标栏目，该列内容未入库，请核对表格栏目。"),
    _c("cell_unplaced", "normalize", "warning", "单元格无法归入栏目",
       "{where}的内容“{text}”不在任何栏目之下，未入库，请核对该行是否错位。"),
]

CATALOG: dict[str, Code] = {c.code: c for c in _CODES}


def code(name: str) -> Code:
    """The catalog entry of `name`; an unknown code is a bug, never bad input."""
    return CATALOG[name]


def sentence(name: str, variant: str | None = None, **fields) -> str:
    return CATALOG[name].sentence(variant, **fields)


def name_zh(name: str) -> str:
    """The Chinese name of a code; a code not in the catalog (an old warehouse) shows as itself."""
    entry = CATALOG.get(name)
    return entry.name_zh if entry else name


def catalog_rows() -> list[dict]:
    """The catalog as rows of the warehouse table `catalog`."""
    return [{"code": c.code, "stage": c.stage, "severity": c.severity, "name_zh": c.name_zh,
             "template": c.template, "affects_status": c.affects_status} for c in _CODES]
