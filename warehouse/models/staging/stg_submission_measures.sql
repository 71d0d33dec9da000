-- stg_submission_measures (grain, key and invariants in stg_submission_measures.toml)
-- Per-form measures the rollups add up: money totals of department forms for the budget year
-- (income/expenditure 合计 rows), distinct indicators, target values, quantitative targets,
-- and the form's own warning findings.
WITH money AS (
    SELECT
        f.submission_id,
        sum(f.amount_wan) FILTER (WHERE f.direction = 'income')      AS income_total_wan,
        sum(f.amount_wan) FILTER (WHERE f.direction = 'expenditure') AS expenditure_total_wan
    FROM raw.raw_funding AS f
    JOIN staging.stg_current_submissions AS s ON s.submission_id = f.submission_id
    WHERE f.is_total AND f.fiscal_year = s.budget_year AND s.form_type = 'department'
    GROUP BY f.submission_id
),
distinct_indicators AS (
    SELECT submission_id, count(*) AS n
    FROM (
        SELECT DISTINCT i.submission_id, i.horizon, i.goal, i.level1, i.level2, i.name
        FROM raw.raw_indicators AS i
        JOIN staging.stg_current_submissions AS s ON s.submission_id = i.submission_id
    )
    GROUP BY submission_id
),
targets AS (
    SELECT
        i.submission_id,
        count(*) FILTER (WHERE i.is_target) AS target_values,
        count(*) FILTER (WHERE i.is_target AND i.value_kind = 'quantitative') AS quantitative_targets
    FROM raw.raw_indicators AS i
    JOIN staging.stg_current_submissions AS s ON s.submission_id = i.submission_id
    GROUP BY i.submission_id
)
SELECT
    s.submission_id,
    s.sha256,
    s.form_type,
    s.admin_level,
    s.budget_year,
    s.province,
    s.city,
    s.county,
    s.region_code,
    CAST(m.income_total_wan AS DECIMAL(18,4))      AS income_total_wan,
    CAST(m.expenditure_total_wan AS DECIMAL(18,4)) AS expenditure_total_wan,
    CAST(coalesce(d.n, 0) AS BIGINT)                    AS indicators,
    CAST(coalesce(t.target_values, 0) AS BIGINT)        AS target_values,
    CAST(coalesce(t.quantitative_targets, 0) AS BIGINT) AS quantitative_targets,
    CAST(s.form_warnings AS BIGINT)                     AS warnings
FROM staging.stg_current_submissions AS s
LEFT JOIN money AS m ON m.submission_id = s.submission_id
LEFT JOIN distinct_indicators AS d ON d.submission_id = s.submission_id
LEFT JOIN targets AS t ON t.submission_id = s.submission_id
