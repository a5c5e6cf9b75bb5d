"""
### claimwatch_reprocess
Triggered by hand after an extractor improvement: re-analyses archived pages (the WARC files
in `data/archive/`) with the current extractor version, replacing the derived rows of each
affected document one crawl window at a time, then republishes the analysts' snapshot.
Nothing is fetched again.

Params: `since` (a date; only documents first seen on or after it) and `all` (also documents
already analysed by the current version).
"""
from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import Param, dag, task

WAREHOUSE_POOL = "claimwatch_warehouse"
# Celery: only the worker beside the DuckDB file consumes this queue (docker-compose.yml).
WAREHOUSE_QUEUE = "warehouse"


@dag(
    dag_id="claimwatch_reprocess",
    schedule=None,  # manual only
    start_date=datetime(2026, 10, 5, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    params={"since": Param(None, type=["null", "string"], format="date",
                           description="only documents first seen on or after this date"),
            "all": Param(False, type="boolean",
                         description="also documents the current version analysed")},
    tags=["claimwatch"],
    doc_md=__doc__,
)
def claimwatch_reprocess():
    @task(pool=WAREHOUSE_POOL, queue=WAREHOUSE_QUEUE)
    def reprocess(params=None) -> dict:
        from claimwatch import pipeline, settings

        since = params.get("since")
        start = datetime.fromisoformat(since).replace(tzinfo=timezone.utc) if since else None
        return pipeline.reprocess(settings.load(), start, force=bool(params.get("all")))

    @task(pool=WAREHOUSE_POOL, queue=WAREHOUSE_QUEUE)
    def publish(reprocessed: dict) -> dict:
        from claimwatch import pipeline, settings

        return pipeline.publish_snapshot(settings.load())

    publish(reprocess())


claimwatch_reprocess()
