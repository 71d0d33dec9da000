-- stg_registry_rejections
SELECT e.budget_year, e.department_key, c.primary_path AS path
FROM staging.stg_registry_expected AS e
JOIN staging.stg_content_status AS c
  ON c.status = 'rejected'
 AND (strpos(replace(c.primary_path, ' ', ''), e.department_key) > 0
      OR strpos(coalesce(c.message, ''), e.department_key) > 0)
 AND coalesce(TRY_CAST(nullif(regexp_extract(c.primary_path, '(?:^|[^0-9])((?:19|20)[0-9]{2})(?:[^0-9]|$)', 1), '') AS INTEGER),
              e.budget_year) = e.budget_year
