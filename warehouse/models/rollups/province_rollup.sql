-- province_rollup
SELECT
    m.budget_year,
    m.province,
    min(left(m.region_code, 2) || '0000')
        FILTER (WHERE regexp_full_match(m.region_code, '[0-9]{6}')) AS region_code,
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
    CAST(count(DISTINCT m.city) AS BIGINT)      AS cities,
    CAST(count(*) FILTER (WHERE m.form_type = 'department' AND m.admin_level = 'province') AS BIGINT)
        AS provincial_departments,
    CAST(coalesce(any_value(sp.expected), 0) AS BIGINT)  AS expected,
    CAST(coalesce(any_value(sp.submitted), 0) AS BIGINT) AS submitted,
    CAST(coalesce(any_value(sp.missing), 0) AS BIGINT)   AS missing
FROM staging.stg_submission_measures AS m
LEFT JOIN intermediate.int_status_counts_province AS sp
    ON sp.budget_year = m.budget_year AND sp.province = m.province
WHERE m.province IS NOT NULL
GROUP BY m.budget_year, m.province
