"""The words forms use for their fields and columns, matched on cleaned labels.

Every pattern is applied to `clean_label(text)` with a trailing colon removed, so
full-width brackets have become ASCII ones (NFKC) and no whitespace is left.
"""
from __future__ import annotations

import re
from functools import lru_cache

from transforms.text import clean_label

# Header fields: label → field name. Order matters: first match wins.
FIELD_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^(部门\(单位\)名称|部门\(单位\)|部门名称|单位名称|预算单位(名称)?|预算部门(名称)?|填报单位"
                r"(\(盖章\))?|申报单位)$"), "department"),
    (re.compile(r"^(填报人|填表人|经办人)$"), "filer"),
    (re.compile(r"^(联系电话|电话|联系方式)$"), "phone"),
    (re.compile(r"^(填报日期|填表日期|填报时间)$"), "filing_date"),
    (re.compile(r"^项目名称$"), "project_name"),
    (re.compile(r"^(项目编码|项目代码|项目编号)$"), "project_code"),
    (re.compile(r"^(项目主管部门|主管部门|主管部门及代码|主管部门\(及代码\))$"), "supervising_department"),
    (re.compile(r"^(项目执行单位|执行单位|实施单位|项目实施单位)$"), "executing_unit"),
    (re.compile(r"^(项目)?(实施期限|期限|实施周期|执行期限)$|^项目周期$"), "implementation_period"),
]

# Indicator grid columns. Checked in this order on each header label of a column, because
# several roles contain 指标值 (指标值确定依据, 指标值类型) and must win over "value".
COLUMN_ROLES: list[tuple[re.Pattern, str]] = [
    # 评（扣）分标准 is a scoring rule, not the basis of the value: checked first, as "other"
    (re.compile(r"(评\(扣\)分标准|评分标准|扣分标准)"), "other"),
    (re.compile(r"(确定依据|设定依据|绩效标准|评价标准)"), "basis"),
    (re.compile(r"^指标分类$"), "category"),
    (re.compile(r"^(计量单位|度量单位|指标单位|单位)$"), "unit"),
    (re.compile(r"^(计算符号|运算符号|比较符号|符号)$"), "comparator"),
    # explanatory columns of budget-system exports: text about the value, never a value
    (re.compile(r"(指标值类型|指标类型|指标性质|指标解释|指标说明|指标值说明|指标来源|数据来源|^说明$|备注|分值|权重|得分"
                r"|评价要点|考核要点|指标方向)"), "other"),
    (re.compile(r"^一级(绩效)?指标(名称)?$|^一级$"), "level1"),
    (re.compile(r"^二级(绩效)?指标(名称)?$|^二级$"), "level2"),
    (re.compile(r"^(三级(绩效)?指标(名称)?|三级|(绩效)?指标名称|指标内容)$"), "name"),
    (re.compile(r"^(目标名称|绩效目标名称)$"), "goal"),
    (re.compile(r"(指标值|目标值|实现值|^前年$|^上年$|^当年$|^本年$|^\d{4}年度?$)"), "value"),
]

# Signs that a table is another kind of form (a self-evaluation, an evaluation score sheet).
NOT_TARGET_FORM = re.compile(r"^(实际完成值|年初目标值|全年实际值|完成值|得分|自评得分|偏差原因分析)")

GRID_HEADER_ROLES = {"level1", "level2", "name"}

# Value column periods, from the most specific header label of the column.
YEAR_LABEL = re.compile(r"(\d{4})年")
OFFSET_LABELS: list[tuple[re.Pattern, int]] = [
    (re.compile(r"前年"), -2),
    (re.compile(r"上年"), -1),
    (re.compile(r"(预计|预期)?当年(实现)?(值)?|本年|年度指标值"), 0),
]
RECENT_TWO_YEARS = re.compile(r"近两年")

# Funding block.
FUNDING_AMOUNT_NOW = re.compile(r"^当年(金额|预算|预算数)?$|^本年(金额|预算)$")
FUNDING_SHARE = re.compile(r"^占比$|^比例$|^占比\(%\)$")
FUNDING_DIRECTIONS = [(re.compile(r"收入"), "income"), (re.compile(r"支出"), "expenditure")]
FUNDING_TOTAL = re.compile(r"^(合计|总计|收入合计|支出合计|小计)$")

# Goal rows: label → horizon, with an optional number giving the code.
GOAL_LONG = re.compile(r"^(中长期|长期|中期)(绩效)?目标:?(\(?截[止至](\d{4})年?\)?|\(\d{4}年?[-—–~至]+(\d{4})年?\))?$")
GOAL_ANNUAL = re.compile(r"^年度(总体|绩效)?目标(\d+)?$")
UNTIL_YEAR = re.compile(r"截[止至](\d{4})")

# National department template: 年度主要任务 (任务名称 | 主要内容 | 预算金额 总额/财政拨款/其他资金).
TASK_COLUMNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^(任务名称|主要任务|任务)$"), "task"),
    (re.compile(r"^(主要内容|任务内容|工作内容)$"), "content"),
    (re.compile(r"^(总额|合计|小计|金额合计|预算总额)$"), "合计"),
    (re.compile(r"^(其中:)?财政拨款(资金)?$"), "财政拨款"),
    (re.compile(r"^(其中:)?其他资金$"), "其他资金"),
]
TASK_TOTAL_ROW = re.compile(r"^(金额合计|合计|总计)$")

# National project template: 项目资金（万元） 年度资金总额 / 其中：财政拨款 / 其他资金.
PROJECT_FUNDING_LABELS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^(年度资金总额|年度资金合计|年度预算资金总额)$"), "合计"),
    (re.compile(r"^(其中:)?财政拨款(资金)?$"), "财政拨款"),
    (re.compile(r"^(其中:)?其他资金$"), "其他资金"),
]
# A money unit stated inside a block label: 项目资金（万元）, 预算金额（元）.
LABEL_MONEY_UNIT = re.compile(r"(资金|金额|预算|预算数)\((万元|元|亿元)\)$")
# The same unit written after any label: stripped before the label is matched.
UNIT_SUFFIX = re.compile(r"\((万元|元|亿元)\)$")

# Horizon words in section titles and block labels.
LONG_TERM_WORDS = re.compile(r"长期")
ANNUAL_WORDS = re.compile(r"年度")

# Titles and money units.
TITLE_YEAR = re.compile(r"(\d{4})\s*年度")
MONEY_UNIT = re.compile(r"单位[:：]\s*(万元|亿元|元)")
# Placeholder text in a header field: the field is empty.
FIELD_PLACEHOLDER = re.compile(r"^([-—–_/\\、.。…·*]+|无|空|暂无|略|XX|xx|××|待定|未填|N/?A)$")
# A title is a line, not a paragraph of 编制说明: longer lines are never titles.
TITLE_MAX_CHARS = 48
DEPARTMENT_TITLE = re.compile(r"部门(\(单位\))?整体(支出)?绩效目标")
PROJECT_TITLE = re.compile(r"项目(支出)?绩效目标|专项.*绩效目标|项目.*绩效目标")


@lru_cache(maxsize=16384)  # pure; the same labels recur in every form of a batch
def label_key(text: str) -> str:
    """A cell's text as matched against the patterns above."""
    key = clean_label(text).rstrip(":：")
    return UNIT_SUFFIX.sub("", key) if key.endswith(")") else key


@lru_cache(maxsize=16384)
def field_of(text: str) -> str | None:
    key = label_key(text)
    if not key or len(key) > 16:
        return None
    for pattern, name in FIELD_PATTERNS:
        if pattern.match(key):
            return name
    return None


@lru_cache(maxsize=16384)
def column_role(text: str) -> str | None:
    key = label_key(text)
    if not key or len(key) > 20:
        return None
    for pattern, role in COLUMN_ROLES:
        if pattern.search(key):
            return role
    return None


# Header fields written as "label：value" in a paragraph (填报人：张伟  联系电话：…) or in one cell.
_INLINE_LABELS = ("部门（单位）名称|部门\\(单位\\)名称|部门名称|单位名称|预算单位|预算部门|填报单位（盖章）|填报单位\\(盖章\\)"
                  "|填报单位|填报人|填表人|经办人|联系电话|联系方式|填报日期|填表日期")
INLINE_FIELD = re.compile(rf"({_INLINE_LABELS})\s*[:：]\s*(.*?)(?=[\s\u3000]*(?:{_INLINE_LABELS})\s*[:：]|$)")


def inline_fields(text: str) -> list[tuple[str, str]]:
    """(field, value) pairs written as "label：value" in one line of text."""
    import unicodedata

    out = []
    for line in str(text or "").splitlines():
        line = unicodedata.normalize("NFKC", line).replace("\u3000", " ")
        for m in INLINE_FIELD.finditer(line):
            name = field_of(m.group(1))
            if name:
                out.append((name, m.group(2).strip()))
    return out


def is_placeholder(value: str) -> bool:
    key = clean_label(value)
    return not key or bool(FIELD_PLACEHOLDER.match(key))
