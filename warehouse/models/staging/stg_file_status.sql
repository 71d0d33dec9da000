-- stg_file_status
WITH classified AS (
    SELECT
        f.*,
        c.sha256 IS NOT NULL AS is_processed,
        c.primary_path,
        c.status  AS content_status,
        c.reason  AS content_reason,
        c.message AS content_message,
        c.forms   AS content_forms,
        c.warnings AS content_warnings,
        c.findings AS content_findings,
        CASE
            WHEN NOT f.is_candidate THEN 'ignored'
            WHEN c.sha256 IS NULL THEN CASE WHEN f.kind = 'docx' THEN NULL ELSE 'ignored' END
            WHEN NOT f.is_primary THEN 'duplicate'
            ELSE c.status
        END AS status
    FROM staging.stg_inbox_files AS f
    LEFT JOIN staging.stg_content_status AS c ON c.sha256 = f.sha256
),
coded AS (
    SELECT
        c.*,
        CASE status
            WHEN 'ignored' THEN coalesce(ignore_reason,
                CASE WHEN sha256 IS NULL THEN 'unreadable' ELSE 'not_a_document' END)
            WHEN 'duplicate' THEN 'duplicate'
            ELSE content_reason
        END AS reason,
        CASE
            WHEN status = 'ignored' AND regexp_matches(path, '(^|/)~[$][^/]*$') THEN 'word_lock_file'
            WHEN status = 'ignored' THEN coalesce(ignore_reason, 'not_a_document')
            WHEN status = 'duplicate' THEN 'duplicate'
        END AS message_code
    FROM classified AS c
)
-- ignored files and duplicates: the catalog's sentence naming the file; the rest: their content's
SELECT
    c.path,
    c.sha256,
    c.size_bytes,
    c.modified_at,
    c.status,
    c.reason,
    CASE WHEN c.message_code IS NULL THEN c.content_message
    ELSE '《' || regexp_extract(c.path, '[^/]*$') || '》' || CASE
        -- a field SQL cannot fill (or a code the catalog lacks) is never shown as {field}
        WHEN t.template IS NULL OR contains(replace(replace(t.template, '{primary_path}', ''), '{reason}', ''), '{')
            THEN coalesce(t.name_zh, c.message_code)
        ELSE replace(replace(t.template,
            '{primary_path}', coalesce(c.primary_path, '')),
            '{reason}', coalesce(c.ignore_reason, c.kind, 'unknown'))
        END
    END AS message,
    CAST(CASE WHEN c.status = 'ignored' THEN 0 ELSE coalesce(c.content_forms, 0) END AS INTEGER) AS forms,
    -- a duplicate shows its original's counts; ignored files have none
    CAST(CASE WHEN c.status = 'ignored' THEN 0 ELSE coalesce(c.content_warnings, 0) END AS INTEGER) AS warnings,
    CAST(CASE WHEN c.status = 'ignored' THEN 0 ELSE coalesce(c.content_findings, 0) END AS INTEGER) AS findings,
    c.primary_path,
    c.kind,
    c.first_seen_run,
    c.last_seen_run
FROM coded AS c
LEFT JOIN raw.catalog AS t ON t.code = c.message_code
