"""
### claimwatch_ingest
Crawls the configured sources for the run's data interval, extracts text, terms, dosing and
claims, then write–audit–publish: stages the batch in DuckDB, audits it with Great
Expectations (quarantining bad rows; a critical failure blocks the batch), and merges it and
refreshes the analysts' snapshot only when it passes.

Stages live in importable packages; each task is a few lines; XCom carries paths and counts.
The crawl is sharded by host (dynamic task mapping; a killed shard resumes). Warehouse writers
share the `claimwatch_warehouse` pool (one slot) and the `warehouse` queue (docs/deploy.md).
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow.sdk import Asset, CronTriggerTimetable, dag, get_current_context, task

WAREHOUSE = Asset("claimwatch://warehouse")
WAREHOUSE_POOL, WAREHOUSE_QUEUE = "claimwatch_warehouse", "warehouse"
# The demo and tests run with no retries, so a failure surfaces at once.
RETRIES = int(os.environ.get("CLAIMWATCH_TASK_RETRIES", "2"))


@dag(
    dag_id="claimwatch_ingest",
    # An explicit 7-day interval: with CronTriggerTimetable alone the data interval is empty.
    schedule=CronTriggerTimetable("0 0 * * 1", timezone="UTC", interval=timedelta(days=7)),
    start_date=datetime(2026, 10, 5, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": RETRIES, "retry_delay": timedelta(minutes=5)},
    tags=["claimwatch"],
    doc_md=__doc__,
)
def claimwatch_ingest():
    @task
    def plan_crawl() -> list[list[str]]:
        from claimwatch import pipeline, settings

        shards = int(os.environ.get("CLAIMWATCH_CRAWL_SHARDS", "4"))
        # One empty shard when there are no sources: the run still loads an (empty) batch.
        return pipeline.plan_crawl(settings.load(), shards) or [[]]

    @task(map_index_template="{{ shard | join(', ') }}")
    def crawl_shard(shard: list[str]) -> dict:
        from claimwatch import pipeline, settings
        from claimwatch.airflow_support import window_from_context

        context = get_current_context()
        context["shard"] = shard  # names the mapped task instance in the UI
        return pipeline.crawl_shard(settings.load(), window_from_context(context), shard,
                                    run_id=context["run_id"])

    @task
    def crawl(shards: list[dict]) -> dict:
        from claimwatch import pipeline, settings
        from claimwatch.airflow_support import window_from_context

        return {**pipeline.finish_crawl(settings.load(), window_from_context(get_current_context())),
                "shards": len(list(shards))}

    @task
    def extract(crawled: dict) -> dict:
        from claimwatch import pipeline, settings

        return pipeline.extract_window(settings.load(), crawled["path"])

    # Write–audit–publish: the batch is staged, audited with Great Expectations, and only then
    # merged where analysts can see it (and copied to their snapshot).
    @task(pool=WAREHOUSE_POOL, queue=WAREHOUSE_QUEUE)
    def stage(crawled: dict, extracted: dict) -> dict:
        from claimwatch import pipeline, settings

        return pipeline.stage_window(settings.load(), crawled["path"], extracted["path"])

    def alert(context):  # imported when it fires, not when the scheduler parses this file
        from claimwatch.airflow_support import alert_on_failure
        alert_on_failure(context)

    @task(pool=WAREHOUSE_POOL, queue=WAREHOUSE_QUEUE, on_failure_callback=alert)
    def audit(staged: dict) -> dict:
        from claimwatch import pipeline, settings

        return pipeline.audit_batch(settings.load())  # raises on a critical failure

    @task(pool=WAREHOUSE_POOL, queue=WAREHOUSE_QUEUE, outlets=[WAREHOUSE])
    def publish(audited: dict, outlet_events=None, data_interval_end=None) -> dict:
        from claimwatch import pipeline, settings

        # The event names the window loaded: the checks DAG anchors on it, not on the clock.
        outlet_events[WAREHOUSE].extra = {"window_end": data_interval_end.isoformat()}
        return pipeline.publish_batch(settings.load())

    crawled = crawl(crawl_shard.expand(shard=plan_crawl()))
    publish(audit(stage(crawled, extract(crawled))))


claimwatch_ingest()
