"""审核问题: findings by check, department and severity, each with file, table, row, column."""
import streamlit as st

from office.data import findings_sql
from office.ui import frame, header, table, with_zh

english = header("审核问题", "Review findings — by check, department and severity (view: quality_issues)")
df = with_zh(frame(findings_sql()))
if df.empty:
    st.success("没有审核问题 / no findings")
    st.stop()

left, mid, right, yr = st.columns(4)
checks = sorted(df["check"].unique())
names = dict(zip(df["check"], df["check_zh"]))
pick_checks = left.multiselect("检查项 check", checks, format_func=lambda c: f"{names.get(c, c)} ({c})",
                               key="findings_checks")
departments = sorted(df["department"].dropna().unique())
pick_departments = mid.multiselect("部门 department", departments, key="findings_departments")
pick_severity = right.multiselect("严重程度 severity", sorted(df["severity"].unique()),
                                  format_func=lambda s: f"{'错误' if s == 'error' else '警告'} ({s})",
                                  key="findings_severity")
year_options = sorted(df["budget_year"].dropna().astype(int).unique().tolist(), reverse=True)
pick_years = yr.multiselect("预算年度 budget_year", year_options, key="findings_years")
text = st.text_input("搜索说明或文件 search message or file", key="findings_text")

shown = df
if pick_checks:
    shown = shown[shown["check"].isin(pick_checks)]
if pick_departments:
    shown = shown[shown["department"].isin(pick_departments)]
if pick_severity:
    shown = shown[shown["severity"].isin(pick_severity)]
if pick_years:
    shown = shown[shown["budget_year"].isin(pick_years)]
if text:
    shown = shown[shown["message"].str.contains(text, regex=False, na=False)
                  | shown["path"].str.contains(text, regex=False, na=False)]

a, b, c = st.columns(3)
a.metric("问题 findings", len(shown))
b.metric("部门 departments", shown["department"].nunique())
c.metric("文件 files", shown["path"].nunique())

by_check = shown.groupby(["check_zh", "severity"], as_index=False).size().rename(columns={"size": "findings"})
st.bar_chart(by_check, x="check_zh", y="findings", color="severity", horizontal=True, height=260)
by_department = (shown.groupby(["department", "severity"], as_index=False, dropna=False).size()
                      .rename(columns={"size": "findings"}))
table(by_department, english, key="findings_by_department")

cols = ["path", "department", "project_name", "check", "check_zh", "severity", "severity_zh",
        "table", "row", "column", "location", "message", "budget_year", "submission_id"]
table(shown[cols], english, key="findings_table")
st.download_button("下载 CSV / download CSV", shown[cols].to_csv(index=False).encode("utf-8-sig"),
                   file_name="quality_issues.csv", mime="text/csv", key="findings_csv")
