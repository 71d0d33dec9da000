-- Publish step: the rollups and submission_status are materialised at the end of every run (and
-- every registry load), so dashboards read plain tables and never recompute the joins. The public
-- names stay views (the contract), each a SELECT * over its table; the computing views of
-- 25_status.sql / 30_rollups.sql are replaced by them here. Tables mat_* are internal.

CREATE OR REPLACE TABLE mat_submission_status AS SELECT * FROM submission_status;
CREATE OR REPLACE TABLE mat_city_rollup AS SELECT * FROM city_rollup;
CREATE OR REPLACE TABLE mat_province_rollup AS SELECT * FROM province_rollup;

CREATE OR REPLACE VIEW submission_status AS SELECT * FROM mat_submission_status;
COMMENT ON VIEW submission_status IS 'grain: one (budget_year, department) expected by the registry or with a current form; key: (budget_year, department); materialised at publish';
CREATE OR REPLACE VIEW city_rollup AS SELECT * FROM mat_city_rollup;
COMMENT ON VIEW city_rollup IS 'grain: one (budget_year, province, city) with a current submission; key: (budget_year, province, city); materialised at publish';
CREATE OR REPLACE VIEW province_rollup AS SELECT * FROM mat_province_rollup;
COMMENT ON VIEW province_rollup IS 'grain: one (budget_year, province) with a current submission; key: (budget_year, province); materialised at publish';
