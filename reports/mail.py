"""Build the weekly email (HTML + plain text + inline PNG charts + CSVs) and deliver it:
through SMTP when a connection is configured, else to the outbox folder. The only module
that sends mail."""
from __future__ import annotations

import copy
import hashlib
import os
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, time as clock_time, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from reports.data import ReportData
from reports.render import dosing_csv, render_html, render_text, terms_csv

DOMAIN = "claimwatch.invalid"


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    login: str | None = None
    password: str | None = None
    use_ssl: bool = False
    starttls: bool = False
    timeout: float = 30.0


class DeliveryError(RuntimeError):
    """The mail server refused or could not be reached; the message is kept in the outbox.
    permanent: the server said no for good (5xx), so retrying the same message is useless."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def build_message(data: ReportData, pngs: dict[str, bytes], sender: str,
                  recipients: tuple[str, ...], tz: str = "UTC") -> EmailMessage:
    """The week's message: multipart/mixed[alternative[text/plain, related[text/html,
    image/png…]], text/csv, text/csv]. Same data, same bytes."""
    msg = EmailMessage()
    recurring, new = len(data.recurring_terms), len(data.new_terms)
    msg["Subject"] = (f"claimwatch {data.label}: {recurring} recurring unsupported "
                      f"term{'s' if recurring != 1 else ''}, {new} new")
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    # Dated by the week (Monday 06:00 after it, in the report's timezone), not the clock.
    sent = datetime.combine(data.week_start + timedelta(weeks=1), clock_time(6),
                            tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = f"<claimwatch-{data.label}@{DOMAIN}>"
    msg.set_content(render_text(data, tz))
    cids = {name: f"{name}-{data.label}@claimwatch" for name in pngs}
    msg.add_alternative(render_html(data, {k: f"cid:{v}" for k, v in cids.items()}, tz),
                        subtype="html")
    html_part = msg.get_payload()[1]
    for name, png in pngs.items():
        html_part.add_related(png, "image", "png", cid=f"<{cids[name]}>",
                              filename=f"{name}.png", disposition="inline")
    msg.add_attachment(terms_csv(data).encode(), "text", "csv",
                       filename=f"claimwatch-{data.label}-terms.csv")
    msg.add_attachment(dosing_csv(data).encode(), "text", "csv",
                       filename=f"claimwatch-{data.label}-dosing.csv")
    for i, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"==claimwatch-{data.label}-{i}==")  # deterministic bytes
    return msg


def for_recipients(msg: EmailMessage, label: str, recipients: tuple[str, ...],
                   send_number: int = 1) -> EmailMessage:
    """A copy addressed to these recipients. One recipient gets a Message-ID of their own
    (stable, so a duplicate would be recognisable; a forced re-send gets a new one)."""
    copy_ = copy.deepcopy(msg)
    copy_.replace_header("To", ", ".join(recipients))
    if len(recipients) == 1:
        tag = hashlib.sha256(recipients[0].lower().encode()).hexdigest()[:12]
        resend = f".{send_number}" if send_number > 1 else ""
        copy_.replace_header("Message-ID", f"<claimwatch-{label}.{tag}{resend}@{DOMAIN}>")
    return copy_


def write_outbox(msg: EmailMessage, outbox: Path, label: str) -> Path:
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{label}.eml"
    tmp = path.with_suffix(".eml.tmp")
    tmp.write_bytes(bytes(msg))
    os.replace(tmp, path)
    return path


def send_smtp(msg: EmailMessage, config: SmtpConfig) -> None:
    try:
        client_class = smtplib.SMTP_SSL if config.use_ssl else smtplib.SMTP
        with client_class(config.host, config.port, timeout=config.timeout) as client:
            if config.starttls and not config.use_ssl:
                client.starttls()
            if config.login:
                client.login(config.login, config.password or "")
            client.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise DeliveryError(f"SMTP {config.host}:{config.port}: recipients refused {exc.recipients}",
                            permanent=all(c >= 500 for c in codes)) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"SMTP {config.host}:{config.port}: {exc.smtp_code} {exc.smtp_error!r}",
                            permanent=exc.smtp_code >= 500) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP {config.host}:{config.port}: {exc}") from exc


def send_with_retries(msg: EmailMessage, config: SmtpConfig, attempts: int = 3,
                      backoff_seconds: float = 10.0,
                      sleep: Callable[[float], None] = time.sleep) -> int:
    """Send, retrying transient failures (no connection, 4xx) up to `attempts` times, waiting
    backoff, 2×backoff, …; a permanent refusal (5xx) is not retried. Returns the attempts
    made; raises DeliveryError (with .attempts) when the last one fails."""
    for attempt in range(1, attempts + 1):
        try:
            send_smtp(msg, config)
            return attempt
        except DeliveryError as exc:
            exc.attempts = attempt
            if exc.permanent or attempt == attempts:
                raise
            sleep(backoff_seconds * 2 ** (attempt - 1))
    raise AssertionError("unreachable")
