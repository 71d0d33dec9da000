-- stg_runs (grain, key and invariants in stg_runs.toml)
-- run_seq orders runs by start time, so run ids (Prefect UUIDs) never have to sort.
SELECT
    run_id,
    started_at,
    finished_at,
    status,
    CAST(row_number() OVER (ORDER BY started_at, run_id) AS INTEGER) AS run_seq
FROM raw.runs
