-- city_rollup (grain, key and invariants in city_rollup.toml; measures in intermediate/int_area_measures)
-- provincial departments (city NULL) appear only in province_rollup.
SELECT
    a.budget_year,
    a.province,
    a.city,
    c.region_code,
    a.departments, a.projects, a.income_total_wan, a.expenditure_total_wan,
    a.indicators, a.target_values, a.quantitative_targets, a.quantitative_share, a.warnings,
    -- registry counts (intermediate/int_status_counts_*): expected departments, those with a current form, the rest
    CAST(coalesce(sc.expected, 0) AS BIGINT)  AS expected,
    CAST(coalesce(sc.submitted, 0) AS BIGINT) AS submitted,
    CAST(coalesce(sc.missing, 0) AS BIGINT)   AS missing
FROM intermediate.int_area_measures AS a
LEFT JOIN staging.stg_city_codes AS c
    ON c.province IS NOT DISTINCT FROM a.province AND c.city = a.city
LEFT JOIN intermediate.int_status_counts_city AS sc
    ON sc.budget_year = a.budget_year AND sc.province IS NOT DISTINCT FROM a.province AND sc.city = a.city
WHERE a.area_level = 'city' AND a.city IS NOT NULL
