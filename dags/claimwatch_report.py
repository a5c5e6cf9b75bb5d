"""
### claimwatch_report
Every Monday at 06:00 (in the report's timezone, `config/report.yaml`), builds the weekly
trend report for the week that has just ended (Monday 00:00 to Monday 00:00, taken from the
run's data interval): HTML in `data/reports/<YYYY>-W<ww>.html`, and an email to each
recipient through the `smtp_default` connection, or to `data/outbox/` when none is configured.
Each week goes to each recipient once (`v_report_deliveries`); a re-run or an
`airflow backfill create` rebuilds the same HTML and sends only to recipients still waiting.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml
from airflow.sdk import CronTriggerTimetable, dag, get_current_context, task

WAREHOUSE_POOL = "claimwatch_warehouse"
# Celery: only the worker beside the DuckDB file consumes this queue (docker-compose.yml).
WAREHOUSE_QUEUE = "warehouse"
# The demo and tests run with no retries, so a failure surfaces at once.
RETRIES = int(os.environ.get("CLAIMWATCH_TASK_RETRIES", "2"))


def _report_timezone() -> str:
    """The schedule's timezone: config/report.yaml (a local file read, no DB or network),
    overridden like the report's own settings by CLAIMWATCH_REPORT_TIMEZONE."""
    home = Path(os.environ.get("CLAIMWATCH_HOME", Path(__file__).resolve().parents[1]))
    path = Path(os.environ.get("CLAIMWATCH_REPORT_CONFIG", home / "config" / "report.yaml"))
    try:
        configured = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("timezone")
    except (OSError, yaml.YAMLError, AttributeError):
        configured = None
    return os.environ.get("CLAIMWATCH_REPORT_TIMEZONE", configured or "UTC")


@dag(
    dag_id="claimwatch_report",
    # An explicit 7-day interval: a bare CronTriggerTimetable has start == end (stack-facts).
    schedule=CronTriggerTimetable("0 6 * * 1", timezone=_report_timezone(),
                                  interval=timedelta(days=7)),
    start_date=datetime(2026, 10, 5, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": RETRIES, "retry_delay": timedelta(minutes=10)},
    tags=["claimwatch"],
    doc_md=__doc__,
)
def claimwatch_report():
    @task(pool=WAREHOUSE_POOL, queue=WAREHOUSE_QUEUE)
    def report() -> dict:
        from claimwatch import pipeline, settings
        from claimwatch.airflow_support import smtp_from_connection

        context = get_current_context()
        force = bool((context["dag_run"].conf or {}).get("force", False))  # trigger with {"force": true}
        return pipeline.report_for(settings.load(), context["data_interval_end"],
                                   smtp_from_connection("smtp_default"), force=force)

    report()


claimwatch_report()
