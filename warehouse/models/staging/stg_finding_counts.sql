-- stg_finding_counts (grain, key and invariants in stg_finding_counts.toml)
-- Findings counted once for every status and count column: per form (submission_id) and, for
-- file-level findings, per content (sha256). read_warnings are the read/consistency warnings that
-- make a status loaded_with_warnings (catalog affects_status); review_findings never do.
SELECT
    is_file_level,
    CASE WHEN NOT is_file_level THEN submission_id END AS submission_id,
    CASE WHEN is_file_level THEN sha256 END AS sha256,
    count(*) FILTER (WHERE severity = 'warning') AS warnings,
    count(*) FILTER (WHERE severity = 'warning' AND affects_status) AS read_warnings,
    count(*) FILTER (WHERE NOT affects_status) AS review_findings
FROM staging.stg_findings
GROUP BY ALL
