"""指标: search indicators by name across departments, with their values by year."""
import streamlit as st

from office.ui import frame, header, table, with_zh

english = header("指标", "Indicators — search by name across departments (view: indicators)")
text = st.text_input("指标名称包含 name contains", key="indicator_name", placeholder="例如 满意度、控制率")
pattern = f"%{text.strip()}%" if text.strip() else "%"
df = frame("""SELECT department, city, budget_year, form_type, horizon, level1, level2, name, fiscal_year,
                     is_target, value_raw, value_num, value_unit, value_kind, submission_id
              FROM indicators WHERE name ILIKE ? ORDER BY name, department, fiscal_year NULLS LAST
              LIMIT 5000""", (pattern,))
a, b, c = st.columns(3)
a.metric("指标值 values", len(df))
b.metric("指标 indicators", df["name"].nunique())
c.metric("部门 departments", df["department"].nunique())
if df.empty:
    st.info("没有找到 / nothing found")
    st.stop()

st.subheader("按年度 values by year")
annual = df[df["horizon"] == "annual"].copy()
annual["year"] = annual["fiscal_year"].astype("Int64").astype(str)
by_year = annual.pivot_table(index=["name", "department"], columns="year", values="value_raw",
                             aggfunc="first").reset_index()
by_year.columns = [str(c) for c in by_year.columns]
table(by_year, english, key="indicator_by_year")
numbers = annual.dropna(subset=["value_num"])
if text.strip() and not numbers.empty and numbers["name"].nunique() <= 12:
    st.line_chart(numbers.assign(series=numbers["department"] + " · " + numbers["name"]),
                  x="fiscal_year", y="value_num", color="series", height=260)
st.subheader("全部取值 all values")
table(with_zh(df), english, key="indicator_values")
