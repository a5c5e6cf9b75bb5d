-- select_week_readiness: one row for the week starting $1: loads in it, loads whose checks
-- ran, and failed critical expectations. The report waits until every load is checked clean.
SELECT
    count(DISTINCT l.load_id) AS loads,
    count(DISTINCT c.load_id) AS checked,
    count(r.expectation) FILTER (WHERE r.severity = 'critical' AND NOT r.success) AS critical_failures
FROM loads l
LEFT JOIN check_runs c USING (load_id)
LEFT JOIN check_results r USING (check_run_id)
WHERE l.window_start >= $1 AND l.window_start < $1 + INTERVAL 7 DAY
