-- Rollups: what the finance office (财政局 / 财政厅) reads per city and per province.
-- Both add up stg_submission_measures (one row per current form), so a measure means the same
-- thing at every level. Money: department forms only, 合计 rows, fiscal_year = budget_year;
-- NULL when no department form of the area states such a total.

-- city_rollup — grain: one (budget_year, province, city) with at least one current submission
-- whose city is known; key: (budget_year, province, city). County forms roll up to their city;
-- provincial departments (city NULL) appear only in province_rollup.
CREATE OR REPLACE VIEW city_rollup AS
SELECT
    m.budget_year,
    m.province,
    m.city,
    any_value(c.region_code) AS region_code,
    CAST(count(*) FILTER (WHERE m.form_type = 'department') AS BIGINT) AS departments,
    CAST(count(*) FILTER (WHERE m.form_type = 'project') AS BIGINT)    AS projects,
    CAST(sum(m.income_total_wan) AS DECIMAL(18,4))      AS income_total_wan,
    CAST(sum(m.expenditure_total_wan) AS DECIMAL(18,4)) AS expenditure_total_wan,
    CAST(sum(m.indicators) AS BIGINT)           AS indicators,
    CAST(sum(m.target_values) AS BIGINT)        AS target_values,
    CAST(sum(m.quantitative_targets) AS BIGINT) AS quantitative_targets,
    CAST(sum(m.quantitative_targets) AS DOUBLE) / nullif(CAST(sum(m.target_values) AS DOUBLE), 0)
        AS quantitative_share,
    CAST(sum(m.warnings) AS BIGINT)             AS warnings,
    -- registry counts (25_status.sql): expected departments, those with a current form, the rest
    CAST(coalesce(any_value(sc.expected), 0) AS BIGINT)  AS expected,
    CAST(coalesce(any_value(sc.submitted), 0) AS BIGINT) AS submitted,
    CAST(coalesce(any_value(sc.missing), 0) AS BIGINT)   AS missing
FROM stg_submission_measures AS m
LEFT JOIN stg_city_codes AS c
    ON c.province IS NOT DISTINCT FROM m.province AND c.city = m.city
LEFT JOIN stg_status_counts_city AS sc
    ON sc.budget_year = m.budget_year AND sc.province IS NOT DISTINCT FROM m.province AND sc.city = m.city
WHERE m.city IS NOT NULL
GROUP BY m.budget_year, m.province, m.city;
COMMENT ON VIEW city_rollup IS 'grain: one (budget_year, province, city) with a current submission; key: (budget_year, province, city)';

-- province_rollup — grain: one (budget_year, province) with at least one current submission
-- whose province is known; key: (budget_year, province). Cities, counties and provincial
-- departments together; region_code = first 2 digits of the region codes + '0000'.
CREATE OR REPLACE VIEW province_rollup AS
SELECT
    m.budget_year,
    m.province,
    min(left(m.region_code, 2) || '0000')
        FILTER (WHERE regexp_full_match(m.region_code, '[0-9]{6}')) AS region_code,
    CAST(count(*) FILTER (WHERE m.form_type = 'department') AS BIGINT) AS departments,
    CAST(count(*) FILTER (WHERE m.form_type = 'project') AS BIGINT)    AS projects,
    CAST(sum(m.income_total_wan) AS DECIMAL(18,4))      AS income_total_wan,
    CAST(sum(m.expenditure_total_wan) AS DECIMAL(18,4)) AS expenditure_total_wan,
    CAST(sum(m.indicators) AS BIGINT)           AS indicators,
    CAST(sum(m.target_values) AS BIGINT)        AS target_values,
    CAST(sum(m.quantitative_targets) AS BIGINT) AS quantitative_targets,
    CAST(sum(m.quantitative_targets) AS DOUBLE) / nullif(CAST(sum(m.target_values) AS DOUBLE), 0)
        AS quantitative_share,
    CAST(sum(m.warnings) AS BIGINT)             AS warnings,
    CAST(count(DISTINCT m.city) AS BIGINT)      AS cities,
    CAST(count(*) FILTER (WHERE m.form_type = 'department' AND m.admin_level = 'province') AS BIGINT)
        AS provincial_departments,
    CAST(coalesce(any_value(sp.expected), 0) AS BIGINT)  AS expected,
    CAST(coalesce(any_value(sp.submitted), 0) AS BIGINT) AS submitted,
    CAST(coalesce(any_value(sp.missing), 0) AS BIGINT)   AS missing
FROM stg_submission_measures AS m
LEFT JOIN stg_status_counts_province AS sp
    ON sp.budget_year = m.budget_year AND sp.province = m.province
WHERE m.province IS NOT NULL
GROUP BY m.budget_year, m.province;
COMMENT ON VIEW province_rollup IS 'grain: one (budget_year, province) with a current submission; key: (budget_year, province)';
