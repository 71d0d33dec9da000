-- files (grain, key and invariants in files.toml)
-- status: ignored | duplicate (same bytes as the primary path) | rejected | superseded (every form
-- it holds has a newer version) | loaded_with_warnings | loaded.
SELECT
    path,
    sha256,
    size_bytes,
    modified_at,
    status,
    reason,
    message,
    forms
FROM staging.stg_file_status
WHERE status IS NOT NULL
