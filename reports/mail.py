"""Build the weekly email (HTML + plain text + inline PNG charts + CSVs) and deliver it:
through SMTP when a connection is configured, else to the outbox folder. The only module
that sends mail."""
from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from reports.data import ReportData
from reports.render import dosing_csv, render_html, render_text, terms_csv


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
    """The mail server refused or could not be reached; the message is kept in the outbox."""


def build_message(data: ReportData, pngs: dict[str, bytes], sender: str,
                  recipients: tuple[str, ...], tz: str = "UTC") -> EmailMessage:
    msg = EmailMessage()
    new = sum(t["is_new"] for t in data.terms)
    msg["Subject"] = (f"claimwatch {data.label}: {len(data.recurring_terms)} recurring "
                      f"unsupported terms, {new} new")
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    # Dated by the week, not the clock, with a stable id: a rebuild is the same message.
    sent = datetime.combine(data.week_start + timedelta(weeks=1), time(6), tzinfo=timezone.utc)
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = f"<claimwatch-{data.label}@claimwatch.invalid>"
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
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP {config.host}:{config.port}: {exc}") from exc
