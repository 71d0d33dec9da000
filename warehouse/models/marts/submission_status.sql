-- submission_status — the registry against the current forms (催报); computed in
-- intermediate/int_submission_status.sql, which the rollups' registry counts read too.
SELECT * FROM intermediate.int_submission_status
