-- stg_department_filings
SELECT
    budget_year,
    replace(replace(department, ' ', ''), '　', '') AS department_key,
    any_value(department ORDER BY form_type, submission_id) AS department,
    any_value(province ORDER BY form_type, submission_id) AS province,
    any_value(city ORDER BY form_type, submission_id) AS city,
    any_value(county ORDER BY form_type, submission_id) AS county,
    any_value(admin_level ORDER BY form_type, submission_id) AS admin_level,
    any_value(region_code ORDER BY form_type, submission_id) AS region_code,
    CAST(count(*) FILTER (WHERE form_type = 'department') AS INTEGER) AS department_forms,
    CAST(count(*) FILTER (WHERE form_type = 'project') AS INTEGER) AS project_forms,
    CAST(sum(warnings + findings) AS INTEGER) AS findings,  -- read warnings and review findings
    max(path_modified_at) AS last_modified_at,
    string_agg(DISTINCT path, '；' ORDER BY path) AS paths
FROM staging.stg_current_submissions
WHERE budget_year IS NOT NULL
GROUP BY budget_year, replace(replace(department, ' ', ''), '　', '')
