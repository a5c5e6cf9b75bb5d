-- The weekly report goes out once per week and recipient: each (week, recipient) delivery is
-- recorded here, so a re-run sends only to recipients that have not had that week yet.

CREATE TABLE report_deliveries (
    week_start   DATE NOT NULL,
    recipient    VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,
    attempts     INTEGER NOT NULL,
    sends        INTEGER NOT NULL,
    message_id   VARCHAR NOT NULL,
    email_path   VARCHAR,
    error        VARCHAR,
    PRIMARY KEY (week_start, recipient)
);
COMMENT ON TABLE report_deliveries IS 'One row per weekly report and recipient: whether it was sent, left in the outbox, or failed.';
COMMENT ON COLUMN report_deliveries.week_start IS 'The Monday the reported week starts.';
COMMENT ON COLUMN report_deliveries.recipient IS 'One address from the report''s recipients (config/report.yaml).';
COMMENT ON COLUMN report_deliveries.status IS 'sent (the SMTP server accepted it), outbox (no SMTP configured: written to data/outbox/), or failed (retries exhausted: written to data/outbox/, sent on the next run).';
COMMENT ON COLUMN report_deliveries.attempts IS 'SMTP attempts for this week and recipient, over all runs.';
COMMENT ON COLUMN report_deliveries.sends IS 'Times the SMTP server accepted it: 1, or more after forced re-sends.';
COMMENT ON COLUMN report_deliveries.message_id IS 'The Message-ID of the last message built for this recipient.';
COMMENT ON COLUMN report_deliveries.email_path IS 'The .eml in data/outbox/ (outbox and failed deliveries).';
COMMENT ON COLUMN report_deliveries.error IS 'The last SMTP error (failed deliveries).';
