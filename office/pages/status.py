"""报送情况: who has filed and who is missing, by city and department, for a chosen year."""
import streamlit as st

from office.ui import frame, header, table, years

english = header("报送情况", "Submission status — who has filed, who is missing (view: submission_status)")
available = years("submission_status")
if not available:
    st.info("仓库里还没有报送记录 / no submissions or registry yet")
    st.stop()
year = st.selectbox("预算年度 budget_year", available, key="status_year")
df = frame("""SELECT budget_year, coalesce(city, '省直') AS city, county, department, status, status_zh,
                     in_registry, department_forms, project_forms, expected_project_forms, findings,
                     rejected_files, last_modified_at, paths, rejected_paths, contact
              FROM submission_status WHERE budget_year = ? ORDER BY city, status, department""", (year,))
filed = df["status"].isin(["submitted", "with_findings", "partial"])
missing = df["status"].isin(["missing", "rejected"])
a, b, c, d = st.columns(4)
a.metric("部门 departments", len(df))
b.metric("已报送 filed", int(filed.sum()))
c.metric("未报送/被退回 missing", int(missing.sum()))
d.metric("有审核问题 with findings", int((df["status"] == "with_findings").sum()))

st.subheader("按市州 by city")
by_city = (df.assign(filed=filed, missing=missing)
             .groupby("city", as_index=False)
             .agg(expected=("in_registry", "sum"), submitted=("filed", "sum"), missing=("missing", "sum"))
             .sort_values("city"))
st.bar_chart(by_city, x="city", y=["submitted", "missing"], stack=True, height=260)
table(by_city, english, key="status_by_city")

st.subheader("未报送 / 被退回 missing or rejected")
chase = df[missing][["city", "county", "department", "status", "status_zh", "rejected_paths", "contact"]]
if chase.empty:
    st.success("全部已报送 / everyone expected has filed")
else:
    table(chase, english, key="status_missing")

st.subheader("按部门 by department")
cities = ["（全部）"] + sorted(df["city"].dropna().unique().tolist())
city = st.selectbox("市州 city", cities, key="status_city")
shown = df if city == "（全部）" else df[df["city"] == city]
table(shown, english, key="status_departments")
