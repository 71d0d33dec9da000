-- int_status_counts_province
SELECT
    budget_year, province,
    CAST(count(*) AS BIGINT) AS expected,
    CAST(count(*) FILTER (WHERE status IN ('submitted', 'with_findings', 'partial')) AS BIGINT) AS submitted,
    CAST(count(*) FILTER (WHERE status IN ('missing', 'rejected')) AS BIGINT) AS missing
FROM intermediate.int_submission_status
WHERE in_registry AND province IS NOT NULL
GROUP BY budget_year, province
