-- Staging layer: stg_* views resolve which content is present, which path is primary,
-- which form version is current, and which findings count. The marts read only these.
-- Internal (not part of the contract); plain scalar column types only.

-- stg_runs — grain: one run; key: run_id.
-- run_seq orders runs by start time, so run ids (Prefect UUIDs) never have to sort.
CREATE OR REPLACE VIEW stg_runs AS
SELECT
    run_id,
    started_at,
    finished_at,
    status,
    CAST(row_number() OVER (ORDER BY started_at, run_id) AS INTEGER) AS run_seq
FROM runs;
COMMENT ON VIEW stg_runs IS 'grain: one ingestion run; key: run_id; run_seq = order of start';

-- stg_inbox_files — grain: one path of the latest scan; key: path.
-- A path is a candidate when it is not ignored and has a sha256. Among the candidate paths of
-- one sha256 the primary is the first by (first_seen_run, modified_at, path); others are copies.
CREATE OR REPLACE VIEW stg_inbox_files AS
WITH f AS (
    SELECT
        i.*,
        r.run_seq AS first_seen_seq,
        (coalesce(i.kind, '') <> 'ignored' AND i.sha256 IS NOT NULL) AS is_candidate
    FROM inbox_files AS i
    LEFT JOIN stg_runs AS r ON r.run_id = i.first_seen_run
),
ranked AS (
    SELECT
        f.*,
        CASE WHEN is_candidate THEN row_number() OVER (
            PARTITION BY sha256, is_candidate
            ORDER BY first_seen_seq ASC NULLS LAST, modified_at ASC NULLS LAST, path
        ) END AS copy_rank
    FROM f
)
SELECT
    path,
    sha256,
    size_bytes,
    modified_at,
    first_seen_run,
    last_seen_run,
    kind,
    ignore_reason,
    is_candidate,
    coalesce(copy_rank = 1, false) AS is_primary
FROM ranked;
COMMENT ON VIEW stg_inbox_files IS 'grain: one inbox path of the latest scan; key: path; is_primary = first path of its sha256 by (first_seen_run, modified_at, path)';

-- stg_contents — grain: one present content (a sha256 some non-ignored inbox path holds) that
-- has been processed; key: sha256. Carries its primary path and that path's modification time.
CREATE OR REPLACE VIEW stg_contents AS
SELECT
    c.sha256,
    c.outcome,
    c.reason,
    c.message,
    c.forms,
    c.processed_run,
    r.run_seq     AS processed_seq,
    p.path        AS primary_path,
    p.modified_at AS primary_modified_at
FROM contents AS c
JOIN stg_inbox_files AS p ON p.sha256 = c.sha256 AND p.is_primary
LEFT JOIN stg_runs AS r ON r.run_id = c.processed_run;
COMMENT ON VIEW stg_contents IS 'grain: one present, processed content; key: sha256; primary_path = the path shown for it';

-- stg_findings — grain: one finding of a present content; no key.
-- is_file_level: submission_id NULL, or naming a form that has no raw_submissions row (a form
-- dropped by the transforms), or any finding of a rejected content — these follow the file.
CREATE OR REPLACE VIEW stg_findings AS
SELECT
    f.sha256,
    f.submission_id,
    f.severity,
    f."check",
    f.location,
    f.message,
    c.primary_path AS path,
    (s.submission_id IS NULL) AS is_file_level
FROM raw_findings AS f
JOIN stg_contents AS c ON c.sha256 = f.sha256
LEFT JOIN raw_submissions AS s
    ON s.submission_id = f.submission_id AND s.sha256 = f.sha256 AND c.outcome <> 'rejected';
COMMENT ON VIEW stg_findings IS 'grain: one finding of a present content; no key; is_file_level when not attached to a loaded form';

-- stg_submissions — grain: one form version of a present, accepted content; key: submission_id.
-- Versions share resolution_key (logical_key, else the submission itself). The current version is
-- the one whose primary path has the newest modified_at; ties: the later processed content, then
-- the larger path, then the later form in the document. warnings = the form's warning findings
-- plus the file-level warnings of its content.
CREATE OR REPLACE VIEW stg_submissions AS
WITH s AS (
    SELECT
        rs.*,
        coalesce(rs.logical_key, rs.submission_id) AS resolution_key,
        c.primary_path        AS path,
        c.primary_modified_at AS path_modified_at,
        c.processed_seq
    FROM raw_submissions AS rs
    JOIN stg_contents AS c ON c.sha256 = rs.sha256 AND c.outcome <> 'rejected'
),
ranked AS (
    SELECT
        s.*,
        row_number() OVER w           AS version_rank,
        first_value(submission_id) OVER w AS current_submission_id,
        first_value(path) OVER w          AS current_path
    FROM s
    WINDOW w AS (
        PARTITION BY resolution_key
        ORDER BY path_modified_at DESC NULLS LAST, processed_seq DESC NULLS LAST,
                 path DESC, form_index DESC
    )
),
form_warnings AS (
    SELECT submission_id, count(*) AS n
    FROM stg_findings
    WHERE NOT is_file_level AND severity = 'warning'
    GROUP BY submission_id
),
file_warnings AS (
    SELECT sha256, count(*) AS n
    FROM stg_findings
    WHERE is_file_level AND severity = 'warning'
    GROUP BY sha256
)
SELECT
    r.submission_id,
    r.path,
    r.sha256,
    r.form_index,
    r.form_type,
    r.layout,
    r.budget_year,
    r.year_source,
    r.department,
    r.province,
    r.city,
    r.county,
    r.admin_level,
    r.region_code,
    r.filer,
    r.phone,
    r.project_name,
    r.project_code,
    r.supervising_department,
    r.executing_unit,
    r.implementation_period,
    r.long_term_until,
    r.logical_key,
    r.path_modified_at,
    (r.version_rank = 1) AS is_current,
    CASE WHEN r.version_rank > 1 THEN r.current_submission_id END AS superseded_by,
    CASE WHEN r.version_rank > 1 THEN r.current_path END          AS superseded_by_path,
    CAST(coalesce(fw.n, 0) AS INTEGER) AS form_warnings,
    CAST(coalesce(fw.n, 0) + coalesce(lw.n, 0) AS INTEGER) AS warnings,
    CASE
        WHEN r.version_rank > 1 THEN 'superseded'
        WHEN coalesce(fw.n, 0) + coalesce(lw.n, 0) > 0 THEN 'loaded_with_warnings'
        ELSE 'loaded'
    END AS status
FROM ranked AS r
LEFT JOIN form_warnings AS fw ON fw.submission_id = r.submission_id
LEFT JOIN file_warnings AS lw ON lw.sha256 = r.sha256;
COMMENT ON VIEW stg_submissions IS 'grain: one form version of a present accepted content; key: submission_id; is_current = newest version of its logical_key';

-- stg_current_submissions — grain: one current form; key: submission_id.
CREATE OR REPLACE VIEW stg_current_submissions AS
SELECT * FROM stg_submissions WHERE is_current;
COMMENT ON VIEW stg_current_submissions IS 'grain: one current form (newest version of its logical submission); key: submission_id';

-- stg_content_status — grain: one present, processed content; key: sha256.
-- The status its primary path shows in `files`: rejected; superseded when it holds forms and
-- none is current; loaded_with_warnings when a current form or the file itself has a warning.
CREATE OR REPLACE VIEW stg_content_status AS
WITH forms AS (
    SELECT
        sha256,
        count(*) AS forms_found,
        count(*) FILTER (WHERE is_current) AS current_forms,
        sum(form_warnings) FILTER (WHERE is_current) AS current_form_warnings,
        string_agg(DISTINCT superseded_by_path, '、' ORDER BY superseded_by_path)
            FILTER (WHERE NOT is_current) AS superseded_by_paths
    FROM stg_submissions
    GROUP BY sha256
),
file_warnings AS (
    SELECT sha256, count(*) AS n
    FROM stg_findings
    WHERE is_file_level AND severity = 'warning'
    GROUP BY sha256
),
resolved AS (
    SELECT
        c.sha256,
        c.primary_path,
        c.outcome,
        c.reason       AS rejected_reason,
        c.message      AS rejected_message,
        CAST(coalesce(c.forms, f.forms_found, 0) AS INTEGER) AS forms,
        CAST(coalesce(f.current_forms, 0) AS INTEGER) AS current_forms,
        CAST(coalesce(f.current_form_warnings, 0) + coalesce(w.n, 0) AS INTEGER) AS warnings,
        f.superseded_by_paths,
        CASE
            WHEN c.outcome = 'rejected' THEN 'rejected'
            WHEN coalesce(f.forms_found, 0) > 0 AND coalesce(f.current_forms, 0) = 0 THEN 'superseded'
            WHEN coalesce(f.current_form_warnings, 0) + coalesce(w.n, 0) > 0 THEN 'loaded_with_warnings'
            ELSE 'loaded'
        END AS status
    FROM stg_contents AS c
    LEFT JOIN forms AS f ON f.sha256 = c.sha256
    LEFT JOIN file_warnings AS w ON w.sha256 = c.sha256
)
SELECT
    sha256,
    primary_path,
    status,
    CASE status
        WHEN 'rejected' THEN coalesce(rejected_reason, 'rejected')
        WHEN 'superseded' THEN 'superseded'
    END AS reason,
    CASE status
        WHEN 'rejected' THEN coalesce(rejected_message,
            '文件未能入库（' || coalesce(rejected_reason, 'rejected') || '），请检查后重新提交。')
        WHEN 'superseded' THEN '本文件中的表已被更新的版本取代：'
            || coalesce(superseded_by_paths, '同一文件中后面的表') || '。'
        WHEN 'loaded_with_warnings' THEN '已入库（' || forms || ' 张表），有 ' || warnings
            || ' 条警告，详见 quality_issues。'
        ELSE '已入库（' || forms || ' 张表）。'
    END AS message,
    forms,
    current_forms,
    warnings
FROM resolved;
COMMENT ON VIEW stg_content_status IS 'grain: one present processed content; key: sha256; status/reason/message as its primary path shows them';

-- stg_file_status — grain: one inbox path of the latest scan; key: path.
-- status NULL = a document not processed yet (cannot happen after a completed run); files hides it.
CREATE OR REPLACE VIEW stg_file_status AS
WITH classified AS (
    SELECT
        f.*,
        c.sha256 IS NOT NULL AS is_processed,
        c.primary_path,
        c.status  AS content_status,
        c.reason  AS content_reason,
        c.message AS content_message,
        c.forms   AS content_forms,
        CASE
            WHEN NOT f.is_candidate THEN 'ignored'
            WHEN c.sha256 IS NULL THEN CASE WHEN f.kind = 'docx' THEN NULL ELSE 'ignored' END
            WHEN NOT f.is_primary THEN 'duplicate'
            ELSE c.status
        END AS status
    FROM stg_inbox_files AS f
    LEFT JOIN stg_content_status AS c ON c.sha256 = f.sha256
)
SELECT
    path,
    sha256,
    size_bytes,
    modified_at,
    status,
    CASE status
        WHEN 'ignored' THEN coalesce(ignore_reason,
            CASE WHEN sha256 IS NULL THEN 'unreadable' ELSE 'not_a_document' END)
        WHEN 'duplicate' THEN 'duplicate'
        ELSE content_reason
    END AS reason,
    CASE status
        WHEN 'ignored' THEN CASE
            WHEN regexp_matches(path, '(^|/)~[$][^/]*$')
                THEN '《' || regexp_extract(path, '[^/]*$') || '》是 Word 临时锁定文件（~$ 开头），不是申报文件，已忽略。'
            WHEN ignore_reason = 'unreadable'
                THEN '《' || regexp_extract(path, '[^/]*$') || '》无法读取（没有读取权限或正被其他程序占用），本次未入库，下次运行时会再次读取。'
            ELSE '《' || regexp_extract(path, '[^/]*$') || '》不是需要入库的 Word 文档（'
                || coalesce(ignore_reason, kind, 'unknown') || '），已忽略。'
        END
        WHEN 'duplicate' THEN '《' || regexp_extract(path, '[^/]*$') || '》与已收文件 ' || primary_path
            || ' 内容完全相同，按重复文件处理，未再次入库。'
        ELSE content_message
    END AS message,
    CAST(CASE WHEN status = 'ignored' THEN 0 ELSE coalesce(content_forms, 0) END AS INTEGER) AS forms,
    primary_path,
    kind,
    first_seen_run,
    last_seen_run
FROM classified;
COMMENT ON VIEW stg_file_status IS 'grain: one inbox path of the latest scan; key: path; status NULL while its content is unprocessed';

-- stg_submission_measures — grain: one current form; key: submission_id.
-- Per-form measures the rollups add up: money totals of department forms for the budget year
-- (income/expenditure 合计 rows), distinct indicators, target values, quantitative targets,
-- and the form's own warning findings.
CREATE OR REPLACE VIEW stg_submission_measures AS
WITH money AS (
    SELECT
        f.submission_id,
        sum(f.amount_wan) FILTER (WHERE f.direction = 'income')      AS income_total_wan,
        sum(f.amount_wan) FILTER (WHERE f.direction = 'expenditure') AS expenditure_total_wan
    FROM raw_funding AS f
    JOIN stg_current_submissions AS s ON s.submission_id = f.submission_id
    WHERE f.is_total AND f.fiscal_year = s.budget_year AND s.form_type = 'department'
    GROUP BY f.submission_id
),
distinct_indicators AS (
    SELECT submission_id, count(*) AS n
    FROM (
        SELECT DISTINCT i.submission_id, i.horizon, i.goal, i.level1, i.level2, i.name
        FROM raw_indicators AS i
        JOIN stg_current_submissions AS s ON s.submission_id = i.submission_id
    )
    GROUP BY submission_id
),
targets AS (
    SELECT
        i.submission_id,
        count(*) FILTER (WHERE i.is_target) AS target_values,
        count(*) FILTER (WHERE i.is_target AND i.value_kind = 'quantitative') AS quantitative_targets
    FROM raw_indicators AS i
    JOIN stg_current_submissions AS s ON s.submission_id = i.submission_id
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
FROM stg_current_submissions AS s
LEFT JOIN money AS m ON m.submission_id = s.submission_id
LEFT JOIN distinct_indicators AS d ON d.submission_id = s.submission_id
LEFT JOIN targets AS t ON t.submission_id = s.submission_id;
COMMENT ON VIEW stg_submission_measures IS 'grain: one current form; key: submission_id; additive measures for the rollups';

-- stg_city_codes — grain: one (province, city) seen in any present form; key: (province, city).
-- The city's GB/T 2260 code: the code of a city-level form of that city (this also covers
-- province-administered units such as 仙桃市 429004), else the prefecture of a county-level
-- form (first 4 digits + '00': 大冶市 420281 → 420200).
CREATE OR REPLACE VIEW stg_city_codes AS
SELECT
    province,
    city,
    coalesce(
        min(region_code) FILTER (WHERE admin_level = 'city'),
        min(left(region_code, 4) || '00') FILTER (WHERE admin_level = 'county')
    ) AS region_code
FROM stg_submissions
WHERE city IS NOT NULL AND regexp_full_match(region_code, '[0-9]{6}')
GROUP BY province, city;
COMMENT ON VIEW stg_city_codes IS 'grain: one (province, city); key: (province, city); region_code = the city''s own code';
