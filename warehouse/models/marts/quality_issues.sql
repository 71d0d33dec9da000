-- quality_issues (grain, key and invariants in quality_issues.toml)
-- Findings of current submissions, plus file-level findings (submission_id NULL) of files shown
-- as rejected, loaded or loaded_with_warnings — not of duplicates or fully superseded files.
SELECT
    f.submission_id,
    f.path,
    f.severity,
    f."check",
    f.location,
    f.message,
    f.sha256
FROM staging.stg_findings AS f
JOIN staging.stg_content_status AS c ON c.sha256 = f.sha256
LEFT JOIN staging.stg_submissions AS s ON s.submission_id = f.submission_id AND NOT f.is_file_level
WHERE (NOT f.is_file_level AND s.is_current)
   OR (f.is_file_level AND c.status IN ('rejected', 'loaded', 'loaded_with_warnings'))
