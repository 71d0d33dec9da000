-- stg_inbox_files
WITH f AS (
    SELECT
        i.*,
        r.run_seq AS first_seen_seq,
        (coalesce(i.kind, '') <> 'ignored' AND i.sha256 IS NOT NULL) AS is_candidate
    FROM raw.inbox_files AS i
    LEFT JOIN staging.stg_runs AS r ON r.run_id = i.first_seen_run
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
FROM ranked
