-- indicators (grain, key and invariants in indicators.toml)
-- key: (submission_id, source_table, source_row, source_col).
SELECT
    s.*,  -- submission_id … budget_year (staging/stg_current_forms)
    i.horizon,
    i.goal,
    i.level1,
    i.level2,
    i.name,
    i.basis,
    i.category,
    i.fiscal_year,
    i.is_target,
    i.value_raw,
    i.value_num,
    i.value_unit,
    i.comparator,
    i.value_kind,
    i.source_table,
    i.source_row,
    i.source_col,
    i.value_num_max
FROM raw.raw_indicators AS i
JOIN staging.stg_current_forms AS s ON s.submission_id = i.submission_id
