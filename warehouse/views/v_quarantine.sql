-- v_quarantine: one row per staged row withheld from the warehouse and the expectation it broke (critical: its whole batch was blocked).
CREATE OR REPLACE VIEW v_quarantine AS
SELECT q.load_id, l.window_start, q.relation, q.suite, q.expectation, q.column_name, q.severity,
       q.reason, q.row_key, q.row_json
FROM quarantine q LEFT JOIN loads l USING (load_id);
