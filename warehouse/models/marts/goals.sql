-- goals
SELECT
    s.submission_id,
    s.department,
    s.budget_year,
    g.horizon,
    g.code,
    g.text,
    g.seq
FROM raw.raw_goals AS g
JOIN staging.stg_current_submissions AS s ON s.submission_id = g.submission_id
