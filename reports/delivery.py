"""Deliver a built report once per week and recipient, recorded in report_deliveries.

With SMTP, each recipient gets their own copy; a failure is retried (bounded), then the
message is kept in data/outbox/ and the run fails, so the next run (Airflow's retry) sends to
the recipients still waiting and to nobody else. Without SMTP, the week's message is written
to data/outbox/<YYYY>-W<ww>.eml. A recipient recorded as sent is skipped unless forced."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import duckdb

from reports.build import BuiltReport
from warehouse.db import query_text
from reports.mail import DeliveryError, SmtpConfig, for_recipients, send_with_retries, write_outbox



def deliveries(con: duckdb.DuckDBPyConnection, week) -> dict[str, dict]:
    cursor = con.execute(query_text("select_report_deliveries"), [week])
    return {r: {"status": s, "attempts": a, "sends": n} for r, s, a, n in cursor.fetchall()}


def deliver(con: duckdb.DuckDBPyConnection, report: BuiltReport, recipients: tuple[str, ...],
            outbox: Path, smtp: SmtpConfig | None, force: bool = False, attempts: int = 3,
            backoff_seconds: float = 10.0, sleep: Callable[[float], None] = time.sleep) -> dict:
    """Send (or write to the outbox) for every recipient not yet sent; record each outcome
    as it happens. Raises DeliveryError when a recipient could not be reached."""
    data, label = report.data, report.data.label
    known = deliveries(con, data.week_start)
    blank = {"status": None, "attempts": 0, "sends": 0}
    pending = [r for r in recipients if force or known.get(r, blank)["status"] != "sent"]
    result = {"html": str(report.html_path), "eml": None, "sent": [], "outbox": [],
              "failed": [], "already_sent": [r for r in recipients if r not in pending],
              "terms": len(data.terms), "dosing": len(data.dosing)}

    def record(recipient, status, tries, sends, message_id, path=None, error=None):
        con.execute(query_text("record_report_delivery"), [data.week_start, recipient, status, tries, sends, message_id,
                              str(path) if path else None, error])

    if pending and smtp is None:
        message = for_recipients(report.message, label, tuple(pending))
        path = write_outbox(message, outbox, label)
        result.update(eml=str(path), outbox=pending)
        for r in pending:
            prev = known.get(r, blank)
            record(r, "outbox", prev["attempts"], prev["sends"], message["Message-ID"], path)
    failures: list[tuple[str, DeliveryError]] = []
    for r in pending if smtp is not None else []:
        prev = known.get(r, blank)
        message = for_recipients(report.message, label, (r,), prev["sends"] + 1)
        if failures and not failures[-1][1].permanent:
            # The server is down (not refusing one address): leave the rest for the retry.
            failures.append((r, DeliveryError(f"not tried: {failures[-1][1]}")))
            failures[-1][1].attempts = 0
            continue
        try:
            tries = send_with_retries(message, smtp, attempts, backoff_seconds, sleep)
        except DeliveryError as exc:
            failures.append((r, exc))
            continue
        record(r, "sent", prev["attempts"] + tries, prev["sends"] + 1, message["Message-ID"])
        result["sent"].append(r)
    if failures:
        failed = tuple(r for r, _ in failures)
        path = write_outbox(for_recipients(report.message, label, failed), outbox, label)
        result.update(eml=str(path), failed=list(failed))
        for r, exc in failures:
            prev = known.get(r, blank)
            record(r, "failed", prev["attempts"] + exc.attempts, prev["sends"],
                   for_recipients(report.message, label, (r,), prev["sends"] + 1)["Message-ID"],
                   path, str(exc))
    result["delivery"] = _record_run(con, report, recipients, result["eml"])
    if failures:
        raise DeliveryError(f"{label}: {len(failures)} of {len(pending)} recipients not reached "
                            f"({failures[0][1]}); the message is kept in {result['eml']} and "
                            "the next run sends to them only")
    return result


def _run_delivery(con, week, recipients) -> str:
    known = deliveries(con, week)
    return "smtp" if all(known.get(r, {}).get("status") == "sent" for r in recipients) else "outbox"


def _record_run(con, report: BuiltReport, recipients, eml) -> str:
    """Upsert the week's report_runs row; returns how it was delivered (smtp or outbox)."""
    data = report.data
    delivery = _run_delivery(con, data.week_start, recipients)
    con.execute(query_text("record_report_run"), [
        data.week_start, str(report.html_path), eml, delivery, ", ".join(recipients),
        len(data.terms), len(data.dosing)])
    return delivery
