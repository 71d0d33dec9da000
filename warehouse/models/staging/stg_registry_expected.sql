-- stg_registry_expected
WITH years AS (
    SELECT budget_year FROM staging.stg_current_submissions WHERE budget_year IS NOT NULL
    UNION
    SELECT budget_year FROM raw.registry WHERE budget_year IS NOT NULL
),
expanded AS (
    SELECT y.budget_year, r.*  EXCLUDE (budget_year), r.budget_year AS stated_year
    FROM raw.registry AS r
    JOIN years AS y ON r.budget_year IS NULL OR r.budget_year = y.budget_year
)
SELECT * EXCLUDE (stated_year)
FROM expanded
QUALIFY row_number() OVER (PARTITION BY budget_year, department_key ORDER BY stated_year NULLS LAST) = 1
