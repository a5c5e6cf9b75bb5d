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
