-- Submission tracking (催报): who was expected (the registry, loaded by `jixiao registry load`)
-- and who has filed. Public view: submission_status. Plain scalar types only.

-- stg_registry_expected — grain: one expected (budget_year, department); key: (budget_year, department_key).
-- A registry row without budget_year is expected in every budget year the warehouse holds
-- (a year of a current form or of another registry row); a row naming the year wins over it.
CREATE OR REPLACE VIEW stg_registry_expected AS
WITH years AS (
    SELECT budget_year FROM stg_current_submissions WHERE budget_year IS NOT NULL
    UNION
    SELECT budget_year FROM registry WHERE budget_year IS NOT NULL
),
expanded AS (
    SELECT y.budget_year, r.*  EXCLUDE (budget_year), r.budget_year AS stated_year
    FROM registry AS r
    JOIN years AS y ON r.budget_year IS NULL OR r.budget_year = y.budget_year
)
SELECT * EXCLUDE (stated_year)
FROM expanded
QUALIFY row_number() OVER (PARTITION BY budget_year, department_key ORDER BY stated_year NULLS LAST) = 1;
COMMENT ON VIEW stg_registry_expected IS 'grain: one expected (budget_year, department); key: (budget_year, department_key)';

-- stg_department_filings — grain: one (budget_year, department) with a current form; key: (budget_year, department_key).
CREATE OR REPLACE VIEW stg_department_filings AS
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
    CAST(sum(warnings) AS INTEGER) AS findings,
    max(path_modified_at) AS last_modified_at,
    string_agg(DISTINCT path, '；' ORDER BY path) AS paths
FROM stg_current_submissions
WHERE budget_year IS NOT NULL
GROUP BY budget_year, replace(replace(department, ' ', ''), '　', '');
COMMENT ON VIEW stg_department_filings IS 'grain: one (budget_year, department) with a current form; key: (budget_year, department_key)';

-- stg_registry_rejections — grain: one (expected department, rejected file) pair. A rejected file
-- holds no loaded form, so it is attributed by name: its path or its message names the department,
-- and a year in its path (if any) is the budget year.
CREATE OR REPLACE VIEW stg_registry_rejections AS
SELECT e.budget_year, e.department_key, c.primary_path AS path
FROM stg_registry_expected AS e
JOIN stg_content_status AS c
  ON c.status = 'rejected'
 AND (strpos(replace(c.primary_path, ' ', ''), e.department_key) > 0
      OR strpos(coalesce(c.message, ''), e.department_key) > 0)
 AND coalesce(TRY_CAST(nullif(regexp_extract(c.primary_path, '(?:^|[^0-9])((?:19|20)[0-9]{2})(?:[^0-9]|$)', 1), '') AS INTEGER),
              e.budget_year) = e.budget_year;
COMMENT ON VIEW stg_registry_rejections IS 'grain: one (expected department, rejected file naming it); key: (budget_year, department_key, path)';

-- submission_status — grain: one (budget_year, department): every expected department of the
-- registry, plus every department with a current form that the registry does not list;
-- key: (budget_year, department).
-- status: submitted (every expected form is current, no findings) | with_findings (complete, and
-- its forms have warnings in quality_issues) | partial (some expected forms are current, not all)
-- | rejected (nothing current, a rejected file names it) | missing (nothing at all) |
-- not_in_registry (filed, but the registry does not expect it).
CREATE OR REPLACE VIEW submission_status AS
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
    FROM stg_registry_expected AS e
    FULL OUTER JOIN stg_department_filings AS f
      ON f.budget_year = e.budget_year AND f.department_key = e.department_key
),
rejections AS (
    SELECT budget_year, department_key, count(*) AS n, string_agg(path, '；' ORDER BY path) AS paths
    FROM stg_registry_rejections
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
FROM classified;
COMMENT ON VIEW submission_status IS 'grain: one (budget_year, department) expected by the registry or with a current form; key: (budget_year, department)';

-- stg_status_counts_city / _province — expected / submitted / missing per area for the rollups.
-- expected = registry departments of the area; submitted = those with at least one current form
-- (submitted, with_findings, partial); missing = those without (missing, rejected).
CREATE OR REPLACE VIEW stg_status_counts_city AS
SELECT
    budget_year, province, city,
    CAST(count(*) AS BIGINT) AS expected,
    CAST(count(*) FILTER (WHERE status IN ('submitted', 'with_findings', 'partial')) AS BIGINT) AS submitted,
    CAST(count(*) FILTER (WHERE status IN ('missing', 'rejected')) AS BIGINT) AS missing
FROM submission_status
WHERE in_registry AND city IS NOT NULL
GROUP BY budget_year, province, city;
COMMENT ON VIEW stg_status_counts_city IS 'grain: one (budget_year, province, city) with expected departments; key: (budget_year, province, city)';

CREATE OR REPLACE VIEW stg_status_counts_province AS
SELECT
    budget_year, province,
    CAST(count(*) AS BIGINT) AS expected,
    CAST(count(*) FILTER (WHERE status IN ('submitted', 'with_findings', 'partial')) AS BIGINT) AS submitted,
    CAST(count(*) FILTER (WHERE status IN ('missing', 'rejected')) AS BIGINT) AS missing
FROM submission_status
WHERE in_registry AND province IS NOT NULL
GROUP BY budget_year, province;
COMMENT ON VIEW stg_status_counts_province IS 'grain: one (budget_year, province) with expected departments; key: (budget_year, province)';
