-- Marts: the contract views of /CONTRACT.md (files, submissions, funding, goals, indicators,
-- quality_issues). Public interface: columns may be added, never renamed or removed.
-- Every column is a plain scalar type (dashboards read these through duckdb-engine).

-- files — grain: one file under the inbox in the latest scan; key: path.
-- status: ignored | duplicate (same bytes as the primary path) | rejected | superseded (every form
-- it holds has a newer version) | loaded_with_warnings | loaded.
CREATE OR REPLACE VIEW files AS
SELECT
    path,
    sha256,
    size_bytes,
    modified_at,
    status,
    reason,
    message,
    forms
FROM stg_file_status
WHERE status IS NOT NULL;
COMMENT ON VIEW files IS 'grain: one file under the inbox (latest scan); key: path';

-- submissions — grain: one form found in a present file, every version; key: submission_id.
-- path = the primary path of its content; superseded_by = submission_id of the current version.
CREATE OR REPLACE VIEW submissions AS
SELECT
    submission_id,
    path,
    sha256,
    form_index,
    form_type,
    layout,
    budget_year,
    department,
    province,
    city,
    county,
    admin_level,
    region_code,
    filer,
    phone,
    project_name,
    project_code,
    supervising_department,
    executing_unit,
    implementation_period,
    is_current,
    status,
    warnings,
    year_source,
    long_term_until,
    logical_key,
    superseded_by
FROM stg_submissions;
COMMENT ON VIEW submissions IS 'grain: one form version of a present file; key: submission_id';

-- funding — grain: one funding value of a current submission; key: (submission_id, source_table, source_row, source_col).
CREATE OR REPLACE VIEW funding AS
SELECT
    s.submission_id,
    s.form_type,
    s.department,
    s.province,
    s.city,
    s.county,
    s.budget_year,
    f.fiscal_year,
    f.direction,
    f.category,
    f.is_total,
    f.amount_wan,
    f.share_pct,
    f.source_table,
    f.source_row,
    f.source_col
FROM raw_funding AS f
JOIN stg_current_submissions AS s ON s.submission_id = f.submission_id;
COMMENT ON VIEW funding IS 'grain: one funding value (万元) of a current submission; key: (submission_id, source_table, source_row, source_col)';

-- goals — grain: one goal of a current submission; key: (submission_id, horizon, seq).
CREATE OR REPLACE VIEW goals AS
SELECT
    s.submission_id,
    s.department,
    s.budget_year,
    g.horizon,
    g.code,
    g.text,
    g.seq
FROM raw_goals AS g
JOIN stg_current_submissions AS s ON s.submission_id = g.submission_id;
COMMENT ON VIEW goals IS 'grain: one goal of a current submission; key: (submission_id, horizon, seq)';

-- indicators — grain: one indicator value of a current submission (long format);
-- key: (submission_id, source_table, source_row, source_col).
CREATE OR REPLACE VIEW indicators AS
SELECT
    s.submission_id,
    s.form_type,
    s.department,
    s.province,
    s.city,
    s.county,
    s.budget_year,
    i.horizon,
    i.goal,
    i.level1,
    i.level2,
    i.name,
    i.basis,
    i.category,
    i.fiscal_year,
    i.is_target,
    i.value_raw,
    i.value_num,
    i.value_unit,
    i.comparator,
    i.value_kind,
    i.source_table,
    i.source_row,
    i.source_col,
    i.value_num_max
FROM raw_indicators AS i
JOIN stg_current_submissions AS s ON s.submission_id = i.submission_id;
COMMENT ON VIEW indicators IS 'grain: one indicator value of a current submission; key: (submission_id, source_table, source_row, source_col)';

-- tasks — grain: one 年度主要任务 row (national department template) of a current submission;
-- key: (submission_id, seq). Amounts in 万元; the 金额合计 row is in funding, not here.
CREATE OR REPLACE VIEW tasks AS
SELECT
    s.submission_id,
    s.form_type,
    s.department,
    s.province,
    s.city,
    s.county,
    s.budget_year,
    t.seq,
    t.task,
    t.content,
    t.amount_total_wan,
    t.amount_fiscal_wan,
    t.amount_other_wan,
    t.source_table,
    t.source_row
FROM raw_tasks AS t
JOIN stg_current_submissions AS s ON s.submission_id = t.submission_id;
COMMENT ON VIEW tasks IS 'grain: one 年度主要任务 row of a current submission; key: (submission_id, seq)';

-- quality_issues — grain: one finding; no key.
-- Findings of current submissions, plus file-level findings (submission_id NULL) of files shown
-- as rejected, loaded or loaded_with_warnings — not of duplicates or fully superseded files.
CREATE OR REPLACE VIEW quality_issues AS
SELECT
    f.submission_id,
    f.path,
    f.severity,
    f."check",
    f.location,
    f.message,
    f.sha256
FROM stg_findings AS f
JOIN stg_content_status AS c ON c.sha256 = f.sha256
LEFT JOIN stg_submissions AS s ON s.submission_id = f.submission_id AND NOT f.is_file_level
WHERE (NOT f.is_file_level AND s.is_current)
   OR (f.is_file_level AND c.status IN ('rejected', 'loaded', 'loaded_with_warnings'));
COMMENT ON VIEW quality_issues IS 'grain: one finding of a current submission or of a rejected/loaded file; no key';
