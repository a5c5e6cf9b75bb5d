"""Report build time (issue 9, item 4): one weekly report, charts included, built by
`claimwatch.pipeline.build_week` (the function the report DAG calls, here without sending) on
a synthetic warehouse (bench/warehouse_queries.py)."""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from bench import harness


def time_report(db_path: Path, week, runs: int, budget_s: float | None = None) -> dict:
    """Median of `runs` builds after a warm-up. Each build reads the views, draws the charts,
    writes the HTML and builds the email; nothing is sent."""
    from claimwatch import pipeline
    from claimwatch.settings import Settings
    from reports.config import load_report_config

    home = db_path.parent / "report-home"
    settings = Settings(home=home, sources_path=home / "sources.yaml",
                        report_to=("analysts@claimwatch.invalid",),
                        report_from="claimwatch@claimwatch.invalid", warehouse_override=db_path)
    config = load_report_config(harness.ROOT)  # the project's report settings
    built: dict = {}

    def one_run() -> dict:
        t0 = time.perf_counter()
        built.update(pipeline.build_week(settings, week, send=False, config=config))
        return {"seconds": time.perf_counter() - t0}

    results = harness.repeat(one_run, runs, warmup=1, budget_s=budget_s)
    html = Path(built["html"])
    out = {"seconds": harness.collect(results, "seconds"), "week": str(week),
           "html_kib": html.stat().st_size / 1024, "label": built.get("week")}
    print(f"  report {out['label']}: {out['seconds']['median']:.2f} s", file=sys.stderr)
    shutil.rmtree(home, ignore_errors=True)
    return out
