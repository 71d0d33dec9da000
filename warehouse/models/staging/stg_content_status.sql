-- stg_content_status
WITH forms AS (
    SELECT
        sha256,
        count(*) AS forms_found,
        count(*) FILTER (WHERE is_current) AS current_forms,
        sum(form_read_warnings) FILTER (WHERE is_current) AS current_form_warnings,
        sum(form_findings) FILTER (WHERE is_current) AS current_form_findings,
        string_agg(DISTINCT superseded_by_path, '、' ORDER BY superseded_by_path)
            FILTER (WHERE NOT is_current) AS superseded_by_paths
    FROM staging.stg_submissions
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
        CAST(coalesce(f.current_form_warnings, 0) + coalesce(w.read_warnings, 0) AS INTEGER) AS warnings,
        CAST(coalesce(f.current_form_findings, 0) + coalesce(w.review_findings, 0) AS INTEGER) AS findings,
        f.superseded_by_paths,
        CASE
            WHEN c.outcome = 'rejected' THEN 'rejected'
            WHEN coalesce(f.forms_found, 0) > 0 AND coalesce(f.current_forms, 0) = 0 THEN 'superseded'
            WHEN coalesce(f.current_form_warnings, 0) + coalesce(w.read_warnings, 0) > 0 THEN 'loaded_with_warnings'
            ELSE 'loaded'
        END AS status
    FROM staging.stg_contents AS c
    LEFT JOIN forms AS f ON f.sha256 = c.sha256
    LEFT JOIN staging.stg_finding_counts AS w ON w.is_file_level AND w.sha256 = c.sha256
),
-- The sentence for a clerk: a rejected content keeps its own; the others fill the catalog's
-- template for their status (raw.catalog, written at publish from jixiao/catalog.py), and a
-- loaded file with review findings says how many (file_review_findings).
coded AS (
    SELECT
        r.*,
        CASE WHEN r.status = 'rejected' THEN coalesce(r.rejected_reason, 'rejected')
             WHEN r.status = 'superseded' THEN 'superseded' END AS reason,
        CASE WHEN r.status IN ('superseded', 'rejected') THEN r.status ELSE 'file_' || r.status END AS message_code
    FROM resolved AS r
),
filled AS (
    SELECT
        c.*,
        replace(replace(replace(replace(replace(t.template,
            '{forms}', CAST(c.forms AS VARCHAR)),
            '{warnings}', CAST(c.warnings AS VARCHAR)),
            '{findings}', CAST(c.findings AS VARCHAR)),
            '{paths}', coalesce(c.superseded_by_paths, '同一文件中后面的表')),
            '{reason}', coalesce(rn.name_zh, c.reason, '')) AS template_filled,
        t.name_zh AS message_name
    FROM coded AS c
    LEFT JOIN raw.catalog AS t ON t.code = c.message_code
    LEFT JOIN raw.catalog AS rn ON rn.code = c.reason
)
SELECT
    c.sha256,
    c.primary_path,
    c.status,
    c.reason,
    CASE WHEN c.status = 'rejected' AND c.rejected_message IS NOT NULL THEN c.rejected_message
         -- a template field SQL does not know is never shown as {field}: the code's name instead
         WHEN c.template_filled IS NULL OR contains(c.template_filled, '{')
             THEN coalesce(c.message_name, c.message_code)
         ELSE c.template_filled
    END || CASE WHEN c.findings > 0 AND c.status IN ('loaded', 'loaded_with_warnings')
                THEN replace(coalesce(ft.template, ''), '{findings}', CAST(c.findings AS VARCHAR))
                ELSE '' END AS message,
    c.forms,
    c.current_forms,
    c.warnings,
    c.findings
FROM filled AS c
LEFT JOIN raw.catalog AS ft ON ft.code = 'file_review_findings'
