"""
### claimwatch_checks
Runs whenever the ingest publishes to the warehouse (scheduled on its Asset), and by hand
after `config/rules.yaml` changes: re-runs the claim rules over the last weeks (so
definitions that now conflict across sites, or a retuned threshold, reach older pages), then
republishes the analysts' snapshot. Nothing is crawled or extracted again.

Param `weeks`: how far back to re-run (default 4).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import Asset, Param, dag, task

WAREHOUSE = Asset("claimwatch://warehouse")
WAREHOUSE_POOL = "claimwatch_warehouse"


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
    @task(pool=WAREHOUSE_POOL)
    def rules(params=None, dag_run=None) -> dict:
        from claimwatch import pipeline, settings

        # Anchored on the run's logical date (the Asset event), never the wall clock.
        anchor = dag_run.logical_date or dag_run.run_after
        since = anchor - timedelta(weeks=int(params["weeks"]))
        return pipeline.run_rules(settings.load(), since)

    rules()


claimwatch_checks()
