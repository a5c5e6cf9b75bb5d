-- report_quality: one row per suite for the batches of the week $1.
WITH runs AS (
    SELECT DISTINCT suite, check_run_id, rows_checked FROM v_check_results WHERE week_start = $1
)
SELECT
    r.suite,
    (SELECT sum(rows_checked) FROM runs WHERE runs.suite = r.suite) AS rows_checked,
    count(*) FILTER (WHERE r.success) AS passed,
    count(*) FILTER (WHERE NOT r.success AND r.severity = 'critical') AS failed_critical,
    count(*) FILTER (WHERE NOT r.success AND r.severity <> 'critical') AS failed_warning
FROM v_check_results r
WHERE r.week_start = $1
GROUP BY r.suite
ORDER BY r.suite
