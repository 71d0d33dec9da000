-- tasks
SELECT
    s.*,  -- submission_id … budget_year (staging/stg_current_forms)
    t.seq,
    t.task,
    t.content,
    t.amount_total_wan,
    t.amount_fiscal_wan,
    t.amount_other_wan,
    t.source_table,
    t.source_row
FROM raw.raw_tasks AS t
JOIN staging.stg_current_forms AS s ON s.submission_id = t.submission_id
