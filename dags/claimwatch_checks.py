"""
### claimwatch_checks
Runs whenever the ingest publishes to the warehouse (scheduled on its Asset), and by hand
after `config/rules.yaml` changes: re-runs the claim rules over the last weeks (so
definitions that now conflict across sites, or a retuned threshold, reach older pages), then
republishes the analysts' snapshot. Nothing is crawled or extracted again.

Param `weeks`: how far back to re-run (default 4).
"""
from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import Asset, Param, dag, task

WAREHOUSE = Asset("claimwatch://warehouse")
WAREHOUSE_POOL = "claimwatch_warehouse"
# Celery: only the worker beside the DuckDB file consumes this queue (docker-compose.yml).
WAREHOUSE_QUEUE = "warehouse"


@dag(
    dag_id="claimwatch_checks",
    schedule=[WAREHOUSE],
    start_date=datetime(2026, 10, 5, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    params={"weeks": Param(4, type="integer", minimum=1, description="weeks to re-run")},
    tags=["claimwatch"],
    doc_md=__doc__,
)
def claimwatch_checks():
    @task(pool=WAREHOUSE_POOL, queue=WAREHOUSE_QUEUE)
    def rules(params=None, triggering_asset_events=None) -> dict:
        from claimwatch import pipeline, settings

        # Anchored on the windows the triggering loads covered (the events' extra); a manual
        # run anchors on the newest load in the warehouse. Never on the wall clock.
        events = (triggering_asset_events or {}).get(WAREHOUSE, [])
        ends = [datetime.fromisoformat(e.extra["window_end"]) for e in events
                if (e.extra or {}).get("window_end")]
        return pipeline.run_recent_rules(settings.load(), int(params["weeks"]), max(ends, default=None))

    rules()


claimwatch_checks()
