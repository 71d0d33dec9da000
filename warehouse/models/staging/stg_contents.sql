-- stg_contents
SELECT
    c.sha256,
    c.outcome,
    c.reason,
    c.message,
    c.forms,
    c.processed_run,
    r.run_seq     AS processed_seq,
    -- the run that first processed it (before first_run existed: the processing run)
    coalesce(fr.run_seq, r.run_seq) AS first_seq,
    p.path        AS primary_path,
    p.modified_at AS primary_modified_at
FROM raw.contents AS c
JOIN staging.stg_inbox_files AS p ON p.sha256 = c.sha256 AND p.is_primary
LEFT JOIN staging.stg_runs AS r ON r.run_id = c.processed_run
LEFT JOIN staging.stg_runs AS fr ON fr.run_id = c.first_run
