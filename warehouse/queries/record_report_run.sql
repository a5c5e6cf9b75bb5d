-- record_report_run: the week's report run (its files and how it was delivered), upserted.
INSERT INTO report_runs VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (week_start) DO UPDATE SET html_path = excluded.html_path,
    email_path = coalesce(excluded.email_path, report_runs.email_path),
    delivery = excluded.delivery, recipients = excluded.recipients,
    terms = excluded.terms, dosing = excluded.dosing;
