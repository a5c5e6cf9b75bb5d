"""`make demo`: the real DAGs, run through Airflow (`airflow dags test`) over the bundled demo web
for the four weeks its pages were published in, then a short summary."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from claimwatch import settings as settings_module
from claimwatch.airflow_sqlite import SQLITE_ENV

# The demo web's pages are dated 26 Oct – 22 Nov 2026; these are the Mondays of those weeks.
DEMO_WEEKS = [date(2026, 10, 26) + timedelta(weeks=i) for i in range(4)]
WAREHOUSE_POOL = ("claimwatch_warehouse", "1", "DuckDB allows one writing process")


def airflow_env(home: Path) -> dict[str, str]:
    """Environment for Airflow on embedded defaults (SQLite metadata in .airflow/)."""
    env = dict(os.environ)
    airflow_home = Path(env.get("AIRFLOW_HOME", home / ".airflow"))
    env.setdefault("AIRFLOW_HOME", str(airflow_home))
    env.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(home / "dags"))
    env.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    env.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{airflow_home}/airflow.db")
    if env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("sqlite"):
        for key, value in SQLITE_ENV.items():  # writers wait for the lock (airflow_sqlite)
            env.setdefault(key, value)
    env.setdefault("CLAIMWATCH_HOME", str(home))
    return env


def _airflow(env: dict, *args: str, quiet: bool = True) -> subprocess.CompletedProcess:
    cmd = [str(Path(sys.executable).with_name("airflow")), *args]
    result = subprocess.run(cmd, env=env, capture_output=quiet, text=True)
    if result.returncode != 0:
        tail = "\n".join(((result.stdout or "") + (result.stderr or "")).splitlines()[-40:])
        raise RuntimeError(f"`airflow {' '.join(args)}` failed ({result.returncode}):\n{tail}")
    return result


def airflow_init() -> None:
    """Migrate the SQLite metadata DB and create the pools the DAGs use. Safe to re-run."""
    settings = settings_module.load()
    env = airflow_env(settings.home)
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    _airflow(env, "db", "migrate")
    _airflow(env, "pools", "set", *WAREHOUSE_POOL)
    print(f"Airflow home ready in {env['AIRFLOW_HOME']} ({time.monotonic() - started:.0f} s); "
          f"pool {WAREHOUSE_POOL[0]} has 1 slot.")


def run_demo() -> int:
    from claimwatch.demo_site import DemoWeb

    settings = settings_module.load()
    env = airflow_env(settings.home)
    env.setdefault("CLAIMWATCH_TASK_RETRIES", "0")
    # `airflow dags test` runs mapped tasks one after another, so shards would crawl the four
    # demo hosts in turn; one shard crawls them side by side (a scheduler runs shards at once).
    env.setdefault("CLAIMWATCH_CRAWL_SHARDS", "1")
    started = time.monotonic()
    with DemoWeb() as web:
        print("Demo web: " + ", ".join(f"{s} {o}" for s, o in web.origins.items()))
        for week in DEMO_WEEKS:
            week_end = week + timedelta(weeks=1)
            t0 = time.monotonic()
            _airflow(env, "dags", "test", "claimwatch_ingest", f"{week_end}T00:00:00+00:00")
            _airflow(env, "dags", "test", "claimwatch_report", f"{week_end}T06:00:00+00:00")
            print(f"  week of {week}: crawled, extracted, loaded, checked, reported "
                  f"({time.monotonic() - t0:.0f} s)")
    print_summary(settings)
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 0


def print_summary(settings) -> None:
    import duckdb

    from reports.window import iso_week_label

    queries = {
        "pages": "SELECT count(*) FROM v_fetch_log WHERE kind = 'page'",
        "documents": "SELECT count(*) FROM v_documents",
        "claims": "SELECT count(*) FROM v_claims",
        "uncited": "SELECT count(*) FROM v_claims WHERE NOT cited",
        "terms": "SELECT count(DISTINCT group_key) FROM v_terms",
        "unsupported": "SELECT count(DISTINCT group_key) FROM v_terms WHERE NOT supported",
        "dosing": "SELECT count(*) FROM v_dosing",
    }
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        n = {key: con.execute(q).fetchone()[0] for key, q in queries.items()}
        top = con.execute("""
            SELECT term, sum(documents) AS docs, count(*) AS weeks
            FROM weekly_unsupported_terms GROUP BY term ORDER BY docs DESC, term LIMIT 6""").fetchall()
    print("\nclaimwatch demo summary")
    print(f"  pages fetched:    {n['pages']}")
    print(f"  documents:        {n['documents']}")
    print(f"  claims:           {n['claims']} ({n['uncited']} uncited)")
    print(f"  terms:            {n['terms']} groups ({n['unsupported']} unsupported)")
    print(f"  dosing mentions:  {n['dosing']}")
    print("  top unsupported terms: " + "; ".join(f"{t} ({d} docs, {w} weeks)" for t, d, w in top))
    reports = [settings.reports_dir / f"{iso_week_label(w)}.html" for w in DEMO_WEEKS]
    print(f"  warehouse:        {settings.warehouse_path} (analysts: {settings.snapshot_path.name})")
    print(f"  reports:          {reports[0].parent}/ ({', '.join(p.name for p in reports)})")
    print(f"  emails:           {settings.outbox_dir}/ (no smtp_default connection configured)")
    print('  try:              .venv/bin/claimwatch sql "SELECT * FROM weekly_unsupported_terms"')
