-- files (grain, key and invariants in files.toml)
-- status: ignored | duplicate (same bytes as the primary path) | rejected | superseded (every form
-- it holds has a newer version) | loaded_with_warnings (read or consistency warnings: funding
-- that does not add up, a year conflict, a cell that could not be placed) | loaded.
-- warnings: those read warnings; findings: review findings about the content (target below last
-- year, …), which never change status. Which code is which: raw.catalog.affects_status.
SELECT
    path,
    sha256,
    size_bytes,
    modified_at,
    status,
    reason,
    message,
    forms,
    warnings,
    findings
FROM staging.stg_file_status
WHERE status IS NOT NULL
