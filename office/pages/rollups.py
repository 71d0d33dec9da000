"""汇总: province and city rollups with charts, and the change from the year before."""
import streamlit as st

from office.ui import frame, header, table, years

english = header("汇总", "Rollups — province and cities (views: province_rollup, city_rollup, funding)")
available = years("province_rollup")
if not available:
    st.info("仓库里还没有现行报表 / no current forms yet")
    st.stop()
year = st.selectbox("预算年度 budget_year", available, key="rollup_year")

province = frame("""SELECT * FROM province_rollup WHERE budget_year = ? ORDER BY province""", (year,))
for _, p in province.iterrows():
    st.subheader(f"{p['province']} {year}")
    a, b, c, d, e = st.columns(5)
    a.metric("部门整体表 departments", int(p["departments"]))
    b.metric("项目表 projects", int(p["projects"]))
    c.metric("收入合计（万元）income", f"{float(p['income_total_wan']):,.2f}")
    d.metric("指标数 indicators", int(p["indicators"]))
    e.metric("量化占比 quantitative share", f"{float(p['quantitative_share']):.1%}")

st.subheader("资金构成 funding by category（万元）")
funding = frame("""SELECT direction, category, CAST(sum(amount_wan) AS DOUBLE) AS amount_wan
                   FROM funding WHERE budget_year = ? AND fiscal_year = budget_year AND NOT is_total
                   GROUP BY ALL ORDER BY direction DESC, amount_wan DESC""", (year,))
st.bar_chart(funding, x="category", y="amount_wan", color="direction", horizontal=True, height=280)

city = frame("""SELECT city, region_code, departments, projects, income_total_wan, expenditure_total_wan,
                       indicators, target_values, quantitative_targets, quantitative_share, warnings,
                       expected, submitted, missing
                FROM city_rollup WHERE budget_year = ? ORDER BY region_code, city""", (year,))
left, right = st.columns(2)
with left:
    st.subheader("指标数 indicators by city")
    st.bar_chart(city, x="city", y="indicators", height=260)
with right:
    st.subheader("量化占比 quantitative share by city")
    st.bar_chart(city.assign(quantitative_share=city["quantitative_share"] * 100), x="city",
                 y="quantitative_share", height=260)
st.subheader("市州汇总 city_rollup")
table(city, english, key="rollup_city")

st.subheader("同比 year over year")
yoy = frame("""
    SELECT budget_year, province, departments, projects, income_total_wan, expenditure_total_wan,
           indicators, quantitative_share,
           income_total_wan - lag(income_total_wan) OVER w AS income_change_wan,
           CAST(indicators AS BIGINT) - lag(indicators) OVER w AS indicators_change,
           quantitative_share - lag(quantitative_share) OVER w AS quantitative_share_change
    FROM province_rollup
    WINDOW w AS (PARTITION BY province ORDER BY budget_year)
    ORDER BY province, budget_year""")
if len(yoy) > 1:
    st.line_chart(yoy.assign(income_total_wan=yoy["income_total_wan"].astype(float)),
                  x="budget_year", y="income_total_wan", color="province", height=220)
table(yoy, english, key="rollup_yoy")
