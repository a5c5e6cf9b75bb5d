-- v_check_results: one row per expectation per check run, with the week of the batch checked.
CREATE OR REPLACE VIEW v_check_results AS
SELECT
    date_trunc('week', l.window_start)::DATE AS week_start, r.check_run_id, c.suite,
    c.rows_checked, r.expectation, r.column_name, r.severity, r.success, r.unexpected_count,
    r.detail, c.load_id
FROM check_results r
JOIN check_runs c USING (check_run_id)
JOIN loads l USING (load_id);
