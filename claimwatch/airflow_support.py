"""Small adapters between Airflow's runtime objects and claimwatch's plain records."""
from __future__ import annotations

import json
import logging

from crawler.models import Window
from reports.mail import SmtpConfig

log = logging.getLogger(__name__)


def window_from_context(context) -> Window:
    """The run's data interval as a Window (never the wall clock)."""
    return Window(start=context["data_interval_start"], end=context["data_interval_end"])


def smtp_from_connection(conn_id: str = "smtp_default") -> SmtpConfig | None:
    """SmtpConfig from an Airflow connection, or None when none is configured (→ outbox)."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = BaseHook.get_connection(conn_id)
    except AirflowNotFoundException:
        return None
    extra = conn.extra_dejson if isinstance(conn.extra_dejson, dict) else json.loads(conn.extra or "{}")
    disable_ssl = _truthy(extra.get("disable_ssl", False))
    disable_tls = _truthy(extra.get("disable_tls", False))
    return SmtpConfig(
        host=conn.host or "localhost", port=int(conn.port or (25 if disable_ssl else 465)),
        login=conn.login or None, password=conn.password or None,
        use_ssl=not disable_ssl, starttls=not disable_tls and disable_ssl,
        timeout=float(extra.get("timeout", 30)))


def _truthy(value) -> bool:
    # In the URI form of a connection, "false" arrives as a non-empty string (stack-facts).
    return value if isinstance(value, bool) else str(value).strip().lower() in {"1", "true", "yes"}


def alert_on_failure(context) -> None:
    """on_failure_callback for the audit: an email saying which batch was blocked and why,
    through `smtp_default`, or into data/outbox/alerts/ when none is configured (the demo).
    A dead SMTP server must not hide the alert: it then goes to the outbox too."""
    from claimwatch import settings
    from reports.mail import DeliveryError, send_smtp, write_outbox

    conf = settings.load()
    msg = alert_message(context["dag_run"].run_id, context["task_instance"].task_id,
                        str(context.get("exception") or "unknown error"), conf)
    smtp = smtp_from_connection("smtp_default")
    label = "alert-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in context["dag_run"].run_id)
    if smtp is not None:
        try:
            send_smtp(msg, smtp)
            return
        except DeliveryError as exc:
            log.error("alert could not be sent, writing it to the outbox: %s", exc)
    write_outbox(msg, conf.outbox_dir / "alerts", label)


def alert_message(run_id: str, task_id: str, error: str, conf):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["Subject"] = f"[claimwatch] batch blocked by data-quality checks ({run_id})"
    msg["From"] = conf.report_from
    msg["To"] = ", ".join(conf.report_to)
    msg.set_content(
        f"The {task_id} task of run {run_id} failed, so nothing of this batch was published.\n\n"
        f"{error}\n\n"
        f"What failed, row by row: SELECT * FROM v_quarantine WHERE severity = 'critical';\n"
        f"All results: SELECT * FROM v_check_results WHERE NOT success;\n"
        f"Data Docs: {conf.quality_dir / 'index.html'}\n"
        "Fix the data or retune config/checks.yaml, then clear the audit task to re-run it.\n")
    return msg
