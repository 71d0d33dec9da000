"""Chinese names of columns and of coded values: the ONE mapping the Excel export, the dashboard
and the review letters use (code → 中文), so a clerk sees 收入 where the warehouse says ``income``.

``CODE_ZH[column][code]``: the coded columns of the public views. ``zh(column, code)`` falls
back to the code itself, so a new code shows up as written rather than as a blank.
"""
from __future__ import annotations

from jixiao.catalog import CATALOG

COLUMN_ZH = {
    "path": "文件路径", "sha256": "文件指纹", "size_bytes": "大小（字节）", "modified_at": "修改时间",
    "status": "状态", "reason": "原因代码", "message": "说明", "forms": "表数",
    "submission_id": "报表编号", "form_index": "文件内序号", "form_type": "表类型", "layout": "版式",
    "budget_year": "预算年度", "department": "部门", "province": "省", "city": "市州", "county": "县市区",
    "admin_level": "级次", "region_code": "地区代码", "filer": "填报人", "phone": "联系电话",
    "project_name": "项目名称", "project_code": "项目编码", "supervising_department": "主管部门",
    "executing_unit": "执行单位", "implementation_period": "实施期限", "source_format": "文件格式", "is_current": "是否现行", "warnings": "警告数", "year_source": "年度来源",
    "long_term_until": "长期目标截止年", "logical_key": "逻辑键", "superseded_by": "被取代于",
    "fiscal_year": "数据年度", "direction": "收支", "category": "类别", "is_total": "是否合计",
    "amount_wan": "金额（万元）", "share_pct": "占比（%）", "source_table": "表序号", "source_row": "行",
    "source_col": "列", "horizon": "期限", "code": "目标编号", "text": "目标内容", "seq": "顺序",
    "goal": "所属目标", "level1": "一级指标", "level2": "二级指标", "name": "指标名称", "basis": "确定依据",
    "is_target": "是否目标值", "value_raw": "指标值（原文）", "value_num": "数值", "value_unit": "单位",
    "comparator": "比较符", "value_kind": "指标值类型", "value_num_max": "数值上限", "severity": "严重程度",
    "check": "检查代码", "location": "位置", "check_zh": "检查项", "status_zh": "状态（中文）",
    "in_registry": "在名单内", "expected_department_form": "应报部门整体表",
    "expected_project_forms": "应报项目表数", "department_forms": "部门整体表数", "project_forms": "项目表数",
    "findings": "审核问题数", "rejected_files": "退回文件数", "last_modified_at": "最近报送时间",
    "paths": "文件", "rejected_paths": "退回文件", "contact": "联系人",
    "departments": "部门整体表数", "projects": "项目表数", "income_total_wan": "收入合计（万元）",
    "expenditure_total_wan": "支出合计（万元）", "indicators": "指标数", "target_values": "目标值数",
    "quantitative_targets": "量化目标值数", "quantitative_share": "量化占比", "cities": "市州数",
    "provincial_departments": "省直部门数", "expected": "应报部门数", "submitted": "已报部门数",
    "missing": "未报部门数", "task": "主要任务", "content": "任务内容", "amount_total_wan": "金额合计（万元）",
    "amount_fiscal_wan": "财政拨款（万元）", "amount_other_wan": "其他资金（万元）", "source_format": "文件格式",
    "table": "表", "row": "行", "column": "列",
}

CHECK_ZH = {c.code: c.name_zh for c in CATALOG.values()}  # one home: jixiao/catalog.py

FILE_STATUS_ZH = {"loaded": "已入库", "loaded_with_warnings": "已入库（有警告）", "superseded": "已被新版本取代",
                  "duplicate": "重复文件", "rejected": "退回", "ignored": "忽略"}
# exactly as the submission_status view's own status_zh column says them (the CASE in
# warehouse/models/intermediate/int_submission_status.sql; tests/warehouse/test_labels.py keeps both equal)
SUBMISSION_STATUS_ZH = {"submitted": "已报送", "with_findings": "已报送（有审核问题）", "partial": "部分报送",
                        "rejected": "被退回", "missing": "未报送", "not_in_registry": "名单外报送"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

CODE_ZH: dict[str, dict[str, str]] = {
    "status": {**SUBMISSION_STATUS_ZH, **FILE_STATUS_ZH},
    "severity": SEVERITY_ZH,
    "check": CHECK_ZH,
    "reason": {**CHECK_ZH, "word_lock_file": "Word临时锁文件", "not_a_document": "不是文档",
               "duplicate": "重复文件", "legacy_format": "旧版格式", "converter_missing": "缺少格式转换程序",
               "conversion_failed": "格式转换失败", "scanned_pdf": "扫描版PDF（无文字层）",
               "unsafe_xml": "文件含不安全内容", "unreadable": "无法读取"},
    "direction": {"income": "收入", "expenditure": "支出"},
    "horizon": {"long_term": "长期", "annual": "年度"},
    "value_kind": {"quantitative": "定量", "qualitative": "定性", "missing": "未填", "compound": "复合"},
    "form_type": {"department": "部门整体", "project": "项目"},
    "admin_level": {"province": "省级", "city": "市级", "county": "县级"},
    "layout": {"hubei_department": "湖北部门整体表", "hubei_project": "湖北项目表",
               "national_department": "全国部门整体表", "national_project": "全国项目表"},
    "year_source": {"document": "文档", "history": "历史年度列", "path": "文件夹或文件名", "parameter": "命令行 --year"},
}


def zh(column: str, code):
    """The Chinese name of ``code`` in ``column`` (the code itself when unnamed, None stays None)."""
    if code is None:
        return None
    return CODE_ZH.get(column, {}).get(code, code)


def column_zh(column: str) -> str:
    if column in COLUMN_ZH:
        return COLUMN_ZH[column]
    if column.endswith("_zh") and column[:-3] in COLUMN_ZH:
        return f"{COLUMN_ZH[column[:-3]]}（中文）"
    return column
