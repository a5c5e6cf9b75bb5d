"""End to end under Airflow (issue 9, item 5): one weekly window of a local multi-host site
(bench/crawl_site.py, every page dated inside the week) through the real DAGs, crawl →
extract → stage → audit → publish → checks → report, each DAG run with `airflow dags test`
against a temporary AIRFLOW_HOME on SQLite, as `claimwatch demo` runs them.

Orchestration overhead = total wall time ÷ the sum of the task instances' durations (stage
compute) read back from Airflow's metadata DB. What is not stage compute: starting the
`airflow` CLI, parsing the DAG files, scheduling and recording each task, XCom.

    python -m bench.e2e_airflow [--hosts 40 --pages 250]     # 10,000 pages"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench import harness

ROOT = harness.ROOT
WEEK = date(2026, 11, 16)  # a Monday: the ingest's data interval is this week
DAGS = ("claimwatch_ingest", "claimwatch_checks", "claimwatch_report")


def _env(tmp: Path, sources: Path) -> dict:
    airflow_home = tmp / "airflow"
    return {**os.environ,
            "AIRFLOW_HOME": str(airflow_home), "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home}/airflow.db",
            "CLAIMWATCH_HOME": str(tmp / "home"), "CLAIMWATCH_SOURCES": str(sources),
            "CLAIMWATCH_REPORT_CONFIG": str(ROOT / "config" / "report.yaml"),
            "CLAIMWATCH_TASK_RETRIES": "0",
            # `airflow dags test` runs mapped tasks one after another: one shard crawls every
            # host side by side (as `claimwatch demo` does); a scheduler would run shards at once.
            "CLAIMWATCH_CRAWL_SHARDS": "1"}


def _airflow(env: dict, log: Path, *args: str) -> float:
    t0 = time.perf_counter()
    with open(log, "a") as fh:
        fh.write(f"\n$ airflow {' '.join(args)}\n")
        fh.flush()
        code = subprocess.run([str(Path(sys.executable).with_name("airflow")), *args], env=env,
                              cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT).returncode
    if code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"`airflow {' '.join(args)}` failed ({code}):\n{tail}")
    return time.perf_counter() - t0


def sources_yaml(bases: list[str], pages: int) -> str:
    lines = ["defaults:", "  delay_seconds: 0", "  max_depth: 0", f"  max_pages: {pages + 10}",
             "  allow_private_networks: true  # the benchmark site is on 127.0.0.1", "sources:"]
    for i, base in enumerate(bases):
        lines += [f"  - name: site{i:02d}", f"    sitemaps: [{base}/sitemap.xml]"]
    return "\n".join(lines) + "\n"


def task_durations(db: Path) -> list[dict]:
    with sqlite3.connect(db) as con:
        rows = con.execute("""SELECT dag_id, task_id, map_index, state, duration
                              FROM task_instance ORDER BY start_date""").fetchall()
    return [{"dag_id": d, "task_id": t, "map_index": m, "state": s, "seconds": dur or 0.0}
            for d, t, m, s, dur in rows]


def measure(hosts: int, pages: int) -> dict:
    import duckdb

    from bench.crawl_site import serve_site

    tmp = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    log = tmp / "airflow.log"
    try:
        with serve_site(hosts, pages, week=WEEK) as bases:
            sources = tmp / "sources.yaml"
            sources.write_text(sources_yaml(bases, pages))
            env = _env(tmp, sources)
            (tmp / "airflow").mkdir()
            setup = _airflow(env, log, "db", "migrate")
            setup += _airflow(env, log, "pools", "set", "claimwatch_warehouse", "1", "DuckDB: one writer")
            week_end = WEEK + timedelta(days=7)
            walls = {}
            t0 = time.perf_counter()
            walls["claimwatch_ingest"] = _airflow(env, log, "dags", "test", "claimwatch_ingest",
                                                  f"{week_end}T00:00:00+00:00")
            walls["claimwatch_checks"] = _airflow(env, log, "dags", "test", "claimwatch_checks",
                                                  f"{week_end}T00:00:00+00:00")
            walls["claimwatch_report"] = _airflow(env, log, "dags", "test", "claimwatch_report",
                                                  f"{week_end}T06:00:00+00:00")
            total = time.perf_counter() - t0
        tasks = task_durations(tmp / "airflow" / "airflow.db")
        failed = [t for t in tasks if t["state"] != "success"]
        compute = sum(t["seconds"] for t in tasks)
        home = tmp / "home" / "data"
        with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
            fetched = con.execute("""SELECT count(*) FROM v_fetch_log WHERE kind = 'page'
                                     AND outcome = 'fetched'""").fetchone()[0]
            documents = con.execute("SELECT count(*) FROM v_documents").fetchone()[0]
        reports = sorted(p.name for p in (home / "reports").glob("*.html"))
        by_task: dict[str, float] = {}
        for t in tasks:
            by_task[t["task_id"]] = by_task.get(t["task_id"], 0.0) + t["seconds"]
        return {"hosts": hosts, "pages": hosts * pages, "fetched": fetched, "documents": documents,
                "reports": reports, "setup_s": setup, "wall_s": total, "dag_wall_s": walls,
                "compute_s": compute, "overhead_ratio": total / compute if compute else None,
                "tasks": by_task, "failed_tasks": failed}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(quick: bool = False) -> dict:
    return measure(4, 50) if quick else measure(40, 250)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=40)
    ap.add_argument("--pages", type=int, default=250)
    args = ap.parse_args()
    print(json.dumps(measure(args.hosts, args.pages), indent=1))


if __name__ == "__main__":
    main()
