-- stg_current_forms (grain, key and invariants in stg_current_forms.toml)
-- The columns a row-level mart (funding, indicators, tasks) starts with: which current form the
-- row belongs to, and where it stands. Listed here once; the marts select f.*.
SELECT
    submission_id,
    form_type,
    department,
    province,
    city,
    county,
    budget_year
FROM staging.stg_current_submissions
