-- province_rollup (grain, key and invariants in province_rollup.toml; measures in intermediate/int_area_measures)
SELECT
    a.budget_year,
    a.province,
    a.province_code AS region_code,
    a.departments, a.projects, a.income_total_wan, a.expenditure_total_wan,
    a.indicators, a.target_values, a.quantitative_targets, a.quantitative_share, a.warnings,
    a.cities, a.provincial_departments,
    CAST(coalesce(sp.expected, 0) AS BIGINT)  AS expected,
    CAST(coalesce(sp.submitted, 0) AS BIGINT) AS submitted,
    CAST(coalesce(sp.missing, 0) AS BIGINT)   AS missing
FROM intermediate.int_area_measures AS a
LEFT JOIN intermediate.int_status_counts_province AS sp
    ON sp.budget_year = a.budget_year AND sp.province = a.province
WHERE a.area_level = 'province' AND a.province IS NOT NULL
