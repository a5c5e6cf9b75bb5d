-- record_report_delivery: one (week, recipient) delivery outcome, upserted as it happens.
INSERT INTO report_deliveries (week_start, recipient, status, attempts, sends, message_id,
                               email_path, error)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (week_start, recipient) DO UPDATE SET
    -- A recipient once sent stays sent: an outbox run (no SMTP now) cannot re-arm them.
    status = CASE WHEN report_deliveries.status = 'sent' AND excluded.status <> 'sent'
                  THEN 'sent' ELSE excluded.status END,
    attempts = excluded.attempts, sends = excluded.sends, message_id = excluded.message_id,
    email_path = excluded.email_path, error = excluded.error;
