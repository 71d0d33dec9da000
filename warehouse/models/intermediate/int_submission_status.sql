-- int_submission_status (grain, key and invariants in int_submission_status.toml)
-- key: (budget_year, department).
-- status: submitted (every expected form is current, no findings) | with_findings (complete, and
-- its forms have warnings in quality_issues) | partial (some expected forms are current, not all)
-- | rejected (nothing current, a rejected file names it) | missing (nothing at all) |
-- not_in_registry (filed, but the registry does not expect it).
WITH joined AS (
    SELECT
        coalesce(e.budget_year, f.budget_year)       AS budget_year,
        coalesce(e.department, f.department)         AS department,
        coalesce(e.department_key, f.department_key) AS department_key,
        coalesce(e.province, f.province)             AS province,
        coalesce(e.city, f.city)                     AS city,
        coalesce(e.county, f.county)                 AS county,
        coalesce(e.level, f.admin_level)             AS admin_level,
        coalesce(e.region_code, f.region_code)       AS region_code,
        e.department_key IS NOT NULL                 AS in_registry,
        e.department_form                            AS expected_department_form,
        CAST(e.project_forms AS INTEGER)             AS expected_project_forms,
        CAST(coalesce(f.department_forms, 0) AS INTEGER) AS department_forms,
        CAST(coalesce(f.project_forms, 0) AS INTEGER)    AS project_forms,
        CAST(coalesce(f.findings, 0) AS INTEGER)         AS findings,
        f.last_modified_at,
        f.paths,
        e.contact
    FROM staging.stg_registry_expected AS e
    FULL OUTER JOIN staging.stg_department_filings AS f
      ON f.budget_year = e.budget_year AND f.department_key = e.department_key
),
rejections AS (
    SELECT budget_year, department_key, count(*) AS n, string_agg(path, '；' ORDER BY path) AS paths
    FROM staging.stg_registry_rejections
    GROUP BY budget_year, department_key
),
classified AS (
    SELECT
        j.*,
        CAST(coalesce(r.n, 0) AS INTEGER) AS rejected_files,
        r.paths AS rejected_paths,
        CASE
            WHEN NOT j.in_registry THEN 'not_in_registry'
            WHEN j.department_forms + j.project_forms = 0 AND coalesce(r.n, 0) > 0 THEN 'rejected'
            WHEN j.department_forms + j.project_forms = 0 THEN 'missing'
            WHEN (j.expected_department_form AND j.department_forms = 0)
                 OR j.project_forms < j.expected_project_forms THEN 'partial'
            WHEN j.findings > 0 THEN 'with_findings'
            ELSE 'submitted'
        END AS status
    FROM joined AS j
    LEFT JOIN rejections AS r ON r.budget_year = j.budget_year AND r.department_key = j.department_key
)
SELECT
    CAST(budget_year AS INTEGER) AS budget_year,
    department,
    province,
    city,
    county,
    admin_level,
    region_code,
    status,
    CASE status
        WHEN 'submitted' THEN '已报送'
        WHEN 'with_findings' THEN '已报送（有审核问题）'
        WHEN 'partial' THEN '部分报送'
        WHEN 'rejected' THEN '被退回'
        WHEN 'missing' THEN '未报送'
        ELSE '名单外报送'
    END AS status_zh,
    in_registry,
    expected_department_form,
    expected_project_forms,
    department_forms,
    project_forms,
    findings,
    rejected_files,
    last_modified_at,
    paths,
    rejected_paths,
    contact
FROM classified
