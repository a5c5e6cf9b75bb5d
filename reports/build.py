"""Build one week's report: the HTML file, the email, and its delivery record."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb

from reports.data import build_report_data
from reports.mail import DeliveryError, SmtpConfig, build_message, send_smtp, write_outbox
from reports.render import charts, data_uris, render_html


def build_report(con: duckdb.DuckDBPyConnection, week_start: date, reports_dir: Path,
                 sender: str, recipients: tuple[str, ...], tz: str = "UTC",
                 quality_docs: Path | None = None):
    """Write data/reports/<YYYY>-W<ww>.html and return (data, message, html path)."""
    data = build_report_data(con, week_start)
    if quality_docs is not None and quality_docs.exists():
        data.quality_docs = quality_docs.resolve().as_uri()
    pngs = charts(data)
    reports_dir.mkdir(parents=True, exist_ok=True)
    html_path = reports_dir / f"{data.label}.html"
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_text(render_html(data, data_uris(pngs), tz), encoding="utf-8")
    os.replace(tmp, html_path)
    message = build_message(data, pngs, sender, recipients, tz)
    return data, message, html_path


def already_sent(con: duckdb.DuckDBPyConnection, week_start: date) -> bool:
    row = con.execute("SELECT delivery FROM report_runs WHERE week_start = ?", [week_start]).fetchone()
    return bool(row) and row[0] == "smtp"


def deliver(con: duckdb.DuckDBPyConnection, data, message, html_path: Path, outbox: Path,
            smtp: SmtpConfig | None) -> dict:
    """Send once per week: SMTP when configured (skipped if this week already went out),
    else the outbox. A failed send keeps the message in the outbox and raises."""
    eml_path, delivery = None, "outbox"
    if smtp is None:
        eml_path = write_outbox(message, outbox, data.label)
    elif already_sent(con, data.week_start):
        delivery = "smtp"
    else:
        try:
            send_smtp(message, smtp)
            delivery = "smtp"
        except DeliveryError:
            write_outbox(message, outbox, data.label)
            raise
    # A week once sent by SMTP stays recorded as sent, so a later outbox run cannot re-arm it.
    con.execute("""INSERT INTO report_runs VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (week_start) DO UPDATE SET html_path = excluded.html_path,
                       email_path = excluded.email_path, delivery = excluded.delivery,
                       recipients = excluded.recipients, terms = excluded.terms,
                       dosing = excluded.dosing
                   WHERE report_runs.delivery <> 'smtp'""", [
        data.week_start, str(html_path), str(eml_path) if eml_path else None, delivery,
        message["To"], len(data.terms), len(data.dosing)])
    return {"html": str(html_path), "eml": str(eml_path) if eml_path else None,
            "delivery": delivery, "terms": len(data.terms), "dosing": len(data.dosing)}
