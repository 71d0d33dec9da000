-- int_area_measures (grain, key and invariants in int_area_measures.toml)
-- The measures both rollups show, defined once: one row per (budget_year, province, city) and
-- one per (budget_year, province), told apart by area_level. Provincial departments (city NULL)
-- count in their province only; city_rollup leaves their city-level row out.
SELECT
    CASE WHEN grouping(m.city) = 0 THEN 'city' ELSE 'province' END AS area_level,
    m.budget_year,
    m.province,
    m.city,
    min(left(m.region_code, 2) || '0000')
        FILTER (WHERE regexp_full_match(m.region_code, '[0-9]{6}')) AS province_code,
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
        AS provincial_departments
FROM staging.stg_submission_measures AS m
GROUP BY GROUPING SETS ((m.budget_year, m.province, m.city), (m.budget_year, m.province))
