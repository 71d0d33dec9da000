-- city_rollup (grain, key and invariants in city_rollup.toml)
-- provincial departments (city NULL) appear only in province_rollup.
SELECT
    m.budget_year,
    m.province,
    m.city,
    any_value(c.region_code) AS region_code,
    CAST(count(*) FILTER (WHERE m.form_type = 'department') AS BIGINT) AS departments,
    CAST(count(*) FILTER (WHERE m.form_type = 'project') AS BIGINT)    AS projects,
    CAST(coalesce(sum(m.income_total_wan), 0) AS DECIMAL(18,4))      AS income_total_wan,
    CAST(coalesce(sum(m.expenditure_total_wan), 0) AS DECIMAL(18,4)) AS expenditure_total_wan,
    CAST(sum(m.indicators) AS BIGINT)           AS indicators,
    CAST(sum(m.target_values) AS BIGINT)        AS target_values,
    CAST(sum(m.quantitative_targets) AS BIGINT) AS quantitative_targets,
    -- 0, never NULL, when the area states no target value (a dashboard sums it without surprises)
    coalesce(CAST(sum(m.quantitative_targets) AS DOUBLE) / nullif(CAST(sum(m.target_values) AS DOUBLE), 0), 0.0)
        AS quantitative_share,
    CAST(sum(m.warnings) AS BIGINT)             AS warnings,
    -- registry counts (intermediate/int_status_counts_*): expected departments, those with a current form, the rest
    CAST(coalesce(any_value(sc.expected), 0) AS BIGINT)  AS expected,
    CAST(coalesce(any_value(sc.submitted), 0) AS BIGINT) AS submitted,
    CAST(coalesce(any_value(sc.missing), 0) AS BIGINT)   AS missing
FROM staging.stg_submission_measures AS m
LEFT JOIN staging.stg_city_codes AS c
    ON c.province IS NOT DISTINCT FROM m.province AND c.city = m.city
LEFT JOIN intermediate.int_status_counts_city AS sc
    ON sc.budget_year = m.budget_year AND sc.province IS NOT DISTINCT FROM m.province AND sc.city = m.city
WHERE m.city IS NOT NULL
GROUP BY m.budget_year, m.province, m.city
