-- funding
SELECT
    s.*,  -- submission_id … budget_year (staging/stg_current_forms)
    f.fiscal_year,
    f.direction,
    f.category,
    f.is_total,
    f.amount_wan,
    f.share_pct,
    f.source_table,
    f.source_row,
    f.source_col
FROM raw.raw_funding AS f
JOIN staging.stg_current_forms AS s ON s.submission_id = f.submission_id
