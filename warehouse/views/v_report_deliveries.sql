-- v_report_deliveries: one row per weekly report and recipient: sent, in the outbox, or failed.
CREATE OR REPLACE VIEW v_report_deliveries AS
SELECT
    d.week_start, strftime(d.week_start, '%G-W%V') AS week, d.recipient, d.status, d.attempts,
    d.sends, d.message_id, d.email_path, d.error, r.html_path
FROM report_deliveries d
LEFT JOIN report_runs r USING (week_start);
