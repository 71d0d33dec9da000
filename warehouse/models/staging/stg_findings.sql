-- stg_findings (grain, key and invariants in stg_findings.toml)
-- is_file_level: submission_id NULL, or naming a form that has no raw_submissions row (a form
-- dropped by the transforms), or any finding of a rejected content — these follow the file.
SELECT
    f.sha256,
    f.submission_id,
    f.severity,
    f."check",
    f.location,
    f.message,
    c.primary_path AS path,
    (s.submission_id IS NULL) AS is_file_level,
    -- a read/consistency warning (counts in `warnings`, sets loaded_with_warnings) or a review
    -- finding about the content (counts in `findings`); jixiao/catalog.py says which. A code the
    -- catalog does not know (an old warehouse's) counts as a warning, so it is never hidden.
    coalesce(k.affects_status, true) AS affects_status
FROM raw.raw_findings AS f
JOIN staging.stg_contents AS c ON c.sha256 = f.sha256
LEFT JOIN raw.raw_submissions AS s
    ON s.submission_id = f.submission_id AND s.sha256 = f.sha256 AND c.outcome <> 'rejected'
LEFT JOIN raw.catalog AS k ON k.code = f."check"
