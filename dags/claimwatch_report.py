"""
### claimwatch_report
Every Monday, builds the weekly trend report for the last full week (Monday 00:00 to Monday
00:00): recurring unsupported terms and dosing language, as HTML in `data/reports/` and as an
email through the `smtp_default` connection, or to `data/outbox/` when none is configured.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow.sdk import CronTriggerTimetable, dag, get_current_context, task

WAREHOUSE_POOL = "claimwatch_warehouse"
# The demo and tests run with no retries, so a failure surfaces at once.
RETRIES = int(os.environ.get("CLAIMWATCH_TASK_RETRIES", "2"))


@dag(
    dag_id="claimwatch_report",
    # Runs after the ingest of the same Monday; the week comes from the data interval's end.
    schedule=CronTriggerTimetable("0 6 * * 1", timezone="UTC", interval=timedelta(days=7)),
    start_date=datetime(2026, 10, 5, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": RETRIES, "retry_delay": timedelta(minutes=10)},
    tags=["claimwatch"],
    doc_md=__doc__,
)
def claimwatch_report():
    @task(pool=WAREHOUSE_POOL)
    def report() -> dict:
        from claimwatch import pipeline, settings
        from claimwatch.airflow_support import smtp_from_connection

        context = get_current_context()
        return pipeline.report_for(settings.load(), context["data_interval_end"],
                                   smtp_from_connection("smtp_default"))

    report()


claimwatch_report()
