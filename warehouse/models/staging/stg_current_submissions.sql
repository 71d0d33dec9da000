-- stg_current_submissions
SELECT * FROM staging.stg_submissions WHERE is_current
