-- stg_submissions (grain, key and invariants in stg_submissions.toml)
-- Versions of one logical submission: the current one is the version first processed in the
-- latest run, then the newest (clamped) mtime, then the larger path, then the later form in the
-- document. warnings = the read/consistency warnings of the form plus the file-level ones of its
-- content (they make status loaded_with_warnings); findings = its review findings, form and
-- file-level (they never change status). form_warnings = every warning finding of the form
-- (the rollups' measure).
WITH s AS (
    SELECT
        rs.*,
        coalesce(rs.logical_key, rs.submission_id) AS resolution_key,
        c.primary_path        AS path,
        c.primary_modified_at AS path_modified_at,
        c.processed_seq,
        c.first_seq
    FROM raw.raw_submissions AS rs
    JOIN staging.stg_contents AS c ON c.sha256 = rs.sha256 AND c.outcome <> 'rejected'
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
        -- a later run's version wins whatever its mtime says (a PC dated 2099 must not pin the
        -- first version, issue 12.2); within one run the (run-start-clamped) mtime decides
        ORDER BY first_seq DESC NULLS LAST, path_modified_at DESC NULLS LAST,
                 path DESC, form_index DESC
    )
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
    coalesce(r.source_format, 'docx') AS source_format,
    r.long_term_until,
    r.logical_key,
    r.path_modified_at,
    (r.version_rank = 1) AS is_current,
    CASE WHEN r.version_rank > 1 THEN r.current_submission_id END AS superseded_by,
    CASE WHEN r.version_rank > 1 THEN r.current_path END          AS superseded_by_path,
    CAST(coalesce(fw.warnings, 0) AS INTEGER) AS form_warnings,
    CAST(coalesce(fw.read_warnings, 0) AS INTEGER) AS form_read_warnings,
    CAST(coalesce(fw.review_findings, 0) AS INTEGER) AS form_findings,
    CAST(coalesce(fw.read_warnings, 0) + coalesce(lw.read_warnings, 0) AS INTEGER) AS warnings,
    CAST(coalesce(fw.review_findings, 0) + coalesce(lw.review_findings, 0) AS INTEGER) AS findings,
    CASE
        WHEN r.version_rank > 1 THEN 'superseded'
        WHEN coalesce(fw.read_warnings, 0) + coalesce(lw.read_warnings, 0) > 0 THEN 'loaded_with_warnings'
        ELSE 'loaded'
    END AS status
FROM ranked AS r
LEFT JOIN staging.stg_finding_counts AS fw ON NOT fw.is_file_level AND fw.submission_id = r.submission_id
LEFT JOIN staging.stg_finding_counts AS lw ON lw.is_file_level AND lw.sha256 = r.sha256
