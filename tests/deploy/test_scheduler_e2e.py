"""The real scheduler path, end to end: api-server, scheduler and dag-processor processes with
LocalExecutor on SQLite, the demo web and an SMTP sink on 127.0.0.1.

Two weeks of ingest are triggered through the REST API; each publish triggers the checks DAG
through the warehouse Asset; then `airflow backfill create` runs the weekly report for both
weeks. Unlike dag.test(), this exercises the scheduler: pools, mapped shards side by side,
Asset scheduling, backfill, the execution API and the connection made by airflow-init."""
from __future__ import annotations

import email
import email.policy
import json
import sqlite3
import time
from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from tests.deploy.stack import AirflowStack, StackError, airflow_env, free_port

pytestmark = pytest.mark.integration

INGEST, CHECKS, REPORT = "claimwatch_ingest", "claimwatch_checks", "claimwatch_report"
DAG_IDS = [INGEST, CHECKS, REPORT, "claimwatch_reprocess"]
POOL = "claimwatch_warehouse"
# Weeks 3 and 4 of the demo web (its pages are dated 26 Oct – 22 Nov 2026), by their Mondays.
WEEK_STARTS = [datetime(2026, 11, d, tzinfo=timezone.utc) for d in (9, 16)]
WEEKS = {"2026-11-09": "2026-W46", "2026-11-16": "2026-W47"}
# The report runs at 06:00 on the Monday after each week (the backfill's bounds are run times).
REPORT_RUNS_AFTER = [w + timedelta(days=7, hours=6) for w in WEEK_STARTS]
# Generous but bounded: the whole scenario takes about a third of this on two cores.
STARTUP_S, INGEST_S, CHECKS_S, REPORT_S = 120, 300, 120, 180


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def stack(tmp_path, smtp_sink):
    from claimwatch.demo_site import DemoWeb, sources_yaml

    _, smtp_port = smtp_sink
    with DemoWeb(ports={}) as web:  # the demo web, served by this test on 127.0.0.1
        sources = tmp_path / "sources.yaml"
        sources.write_text(sources_yaml(web.origins, delay_seconds=0.0))
        env = airflow_env(tmp_path, free_port(), {
            "CLAIMWATCH_HOME": str(tmp_path / "home"),
            "CLAIMWATCH_SOURCES": str(sources),
            "CLAIMWATCH_CRAWL_SHARDS": "2",
            "CLAIMWATCH_SMTP_CONN": json.dumps({
                "conn_type": "smtp", "host": "127.0.0.1", "port": smtp_port,
                "extra": {"disable_ssl": True, "disable_tls": True, "timeout": 10}}),
        })
        stack = AirflowStack(tmp_path, env)
        stack.run("claimwatch", "airflow-init")  # migrate, pool, smtp_default, as compose does
        try:
            stack.start()
            yield stack
        finally:
            stack.stop()


def test_two_weeks_through_the_real_scheduler(stack, smtp_sink):
    started, marks = time.monotonic(), {}
    stack.wait_for_api(STARTUP_S)
    stack.wait(lambda: _dags_parsed(stack), STARTUP_S, "the dag-processor to serialise the 4 DAGs")
    marks["up"] = time.monotonic()

    for start in WEEK_STARTS:  # queued now; they start once the DAG is unpaused
        # The run the schedule would have made for that week: logical date = window start.
        stack.request("POST", f"/api/v2/dags/{INGEST}/dagRuns", {
            "dag_run_id": f"e2e__{start:%Y-%m-%d}", "logical_date": start.isoformat(),
            "data_interval_start": start.isoformat(),
            "data_interval_end": (start + timedelta(days=7)).isoformat()})
    guards = {INGEST: _hold_the_calendar(stack, INGEST)}
    for dag_id in (INGEST, CHECKS, "claimwatch_reprocess"):
        stack.request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
    stack.wait(lambda: _finished(stack, INGEST, len(WEEK_STARTS) + len(guards[INGEST])),
               INGEST_S, "both ingest runs")
    marks["ingest"] = time.monotonic()
    # Each publish emits an Asset event; the checks DAG runs until every event is consumed.
    stack.wait(lambda: _checks_caught_up(stack), CHECKS_S, "the Asset-triggered checks runs")
    marks["checks"] = time.monotonic()

    # The backfill's runs are created while the report DAG is still paused, so the scheduler's
    # own catch-up run cannot take one of their dates first.
    out = stack.run("airflow", "backfill", "create", "--dag-id", REPORT,
                    "--from-date", REPORT_RUNS_AFTER[0].isoformat(),
                    "--to-date", REPORT_RUNS_AFTER[-1].isoformat(),
                    "--max-active-runs", "2")  # both at once: the pool must still serialise them
    assert len(_runs(stack, REPORT)) == len(WEEK_STARTS), out
    guards[REPORT] = _hold_the_calendar(stack, REPORT)
    stack.request("PATCH", f"/api/v2/dags/{REPORT}", {"is_paused": False})
    stack.wait(lambda: _backfill_done(stack), REPORT_S, "the report backfill to complete")
    marks["reports"] = time.monotonic()
    stack.stop()  # before reading the metadata DB: no process writes it any more

    try:
        db = sqlite3.connect(stack.airflow_home / "airflow.db")
        try:
            _assert_metadata(db, guards)
        finally:
            db.close()
        _assert_warehouse(stack)
        # Each week's report reached the SMTP server through smtp_default exactly once.
        subjects = [str(email.message_from_bytes(m.content, policy=email.policy.default)["Subject"])
                    for m in smtp_sink[0].messages]
        assert len(subjects) == 2 and all(sum(label in s for s in subjects) == 1
                                          for label in WEEKS.values()), subjects
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{stack.report()}") from exc
    steps, last = [], started
    for name, at in marks.items():
        steps.append(f"{name} {at - last:.0f} s")
        last = at
    print(f"\nreal-scheduler scenario: {last - started:.0f} s ({', '.join(steps)})")


# ---- waiting ------------------------------------------------------------------------------
def _dags_parsed(stack) -> bool:
    errors = stack.request("GET", "/api/v2/importErrors")
    if errors["total_entries"]:
        raise StackError(f"DAG import errors: {json.dumps(errors, indent=1)[:3000]}")
    dags = stack.request("GET", "/api/v2/dags?dag_id_pattern=claimwatch")["dags"]
    return {d["dag_id"] for d in dags} >= set(DAG_IDS)


def _hold_the_calendar(stack, dag_id: str) -> list[str]:
    """With catchup=False, unpausing a cron DAG makes the scheduler add a run for the latest
    cron time before now: a wall-clock date, outside the demo web's weeks unless the test runs
    in the week after them (and a report of a week never loaded fails). The scheduler skips a
    date that already has a run, so when the next date is not one of this test's, a run is put
    there first and marked success without running anything, as an operator skips an
    interval. Call it while the DAG is paused; returns the ids of such runs."""
    nxt = stack.request("GET", f"/api/v2/dags/{dag_id}")["next_dagrun_logical_date"]
    taken = {datetime.fromisoformat(r["logical_date"])
             for r in _runs(stack, dag_id) if r["logical_date"]}
    if nxt is None or datetime.fromisoformat(nxt) in taken:
        return []
    run_id = f"e2e_calendar_guard__{nxt[:10]}"
    stack.request("POST", f"/api/v2/dags/{dag_id}/dagRuns", {
        "dag_run_id": run_id, "logical_date": nxt, "note": "skipped: outside the test's weeks"})
    stack.request("PATCH", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}", {"state": "success"})
    return [run_id]


def _runs(stack, dag_id: str) -> list[dict]:
    return stack.request("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=100")["dag_runs"]


def _finished(stack, dag_id: str, expected: int) -> list[dict] | None:
    runs = _runs(stack, dag_id)
    if any(r["state"] == "failed" for r in runs):
        _assert_succeeded(stack, runs)  # fail now, with the logs, rather than at the timeout
    done = [r for r in runs if r["state"] == "success"]
    return runs if len(done) >= expected and len(done) == len(runs) else None


def _checks_caught_up(stack) -> bool:
    runs = _runs(stack, CHECKS)
    _assert_succeeded(stack, [r for r in runs if r["state"] == "failed"])
    consumed = 0
    for run in runs:
        if run["state"] != "success":
            return False
        events = stack.request("GET", f"/api/v2/dags/{CHECKS}/dagRuns/{run['dag_run_id']}"
                                      "/upstreamAssetEvents")["asset_events"]
        consumed += len(events)
    return bool(runs) and consumed == len(WEEK_STARTS)  # one event per publish, none left


def _backfill_done(stack) -> bool:
    backfills = stack.request("GET", f"/api/v2/backfills?dag_id={REPORT}")["backfills"]
    runs = [r for r in _runs(stack, REPORT) if r["run_type"] == "backfill"]
    _assert_succeeded(stack, [r for r in runs if r["state"] == "failed"])
    return bool(backfills) and all(b["completed_at"] for b in backfills) and len(runs) == 2


def _assert_succeeded(stack, runs: list[dict]) -> None:
    failed = [f"{r['dag_id']}/{r['dag_run_id']}: {r['state']}"
              for r in runs if r["state"] != "success"]
    if failed:
        raise StackError(f"runs did not succeed: {failed}\n{stack.report()}")


# ---- what the scheduler recorded ----------------------------------------------------------
def _assert_metadata(db, guards) -> None:
    guard_ids = {r for ids in guards.values() for r in ids}
    runs = db.execute("SELECT dag_id, run_id, run_type, state FROM dag_run").fetchall()
    real = [r for r in runs if r[1] not in guard_ids]
    assert all(state == "success" for *_, state in real), real
    kinds = {}
    for dag_id, _, run_type, _ in real:
        kinds.setdefault(dag_id, []).append(run_type)
    assert sorted(kinds[INGEST]) == ["manual", "manual"], kinds
    assert set(kinds[CHECKS]) == {"asset_triggered"} and 1 <= len(kinds[CHECKS]) <= 2, kinds
    assert sorted(kinds[REPORT]) == ["backfill", "backfill"], kinds  # each week reported once
    # The calendar guards ran nothing: marking a queued run success skips its tasks.
    ran = db.execute(f"""SELECT count(*) FROM task_instance WHERE run_id IN
                         ({','.join('?' * len(guard_ids)) or "''"})
                         AND (try_number > 0 OR state <> 'skipped')""",
                     sorted(guard_ids)).fetchone()[0]
    assert ran == 0, guard_ids

    # The crawl was mapped over two shards in each ingest run.
    shards = db.execute("""SELECT run_id, count(*) FROM task_instance WHERE dag_id = ?
                           AND task_id = 'crawl_shard' AND state = 'success' GROUP BY run_id""",
                        [INGEST]).fetchall()
    assert sorted(n for _, n in shards) == [2, 2], shards

    # The pool kept warehouse writers one at a time: no two pool tasks' run times overlap,
    # though the two report runs ran side by side (the backfill allowed two at once).
    pooled = db.execute("""SELECT dag_id, run_id, task_id, queue, start_date, end_date
                           FROM task_instance WHERE pool = ? AND start_date IS NOT NULL
                           ORDER BY start_date""", [POOL]).fetchall()
    assert {row[0] for row in pooled} == {INGEST, CHECKS, REPORT}, pooled
    assert len(pooled) >= 3 * 2 + 2 + 1, pooled  # stage/audit/publish ×2, two reports, ≥1 rules
    assert {row[3] for row in pooled} == {"warehouse"}, pooled  # the Celery writer's queue
    for before, after in zip(pooled, pooled[1:]):
        assert before[5] <= after[4], f"pool tasks overlap: {before} and {after}"
    reports = db.execute("""SELECT start_date, end_date FROM dag_run WHERE dag_id = ?
                            AND run_type = 'backfill' ORDER BY start_date""", [REPORT]).fetchall()
    assert reports[1][0] < reports[0][1], f"report runs did not overlap: {reports}"
    others = db.execute("SELECT DISTINCT queue FROM task_instance WHERE pool <> ?",
                        [POOL]).fetchall()
    assert others == [("default",)], others  # crawl and extract shards: any worker


def _assert_warehouse(stack) -> None:
    data = stack.home / "home" / "data"
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        weeks = [str(r[0]) for r in q("SELECT DISTINCT week_start FROM v_fetch_log ORDER BY 1")]
        assert weeks == sorted(WEEKS), weeks
        loads = q("SELECT count(DISTINCT load_id), bool_and(success) FROM check_runs")[0]
        assert loads == (2, True), loads  # one audited batch per week, each passed
        docs, distinct = q("SELECT count(*), count(DISTINCT url) FROM v_documents")[0]
        assert docs > 0 and docs == distinct, (docs, distinct)  # no duplicates across weeks
        first_seen = [str(r[0])[:10] for r in
                      q("SELECT DISTINCT first_seen_window FROM documents ORDER BY 1")]
        assert first_seen == sorted(WEEKS), first_seen  # each week brought new pages
        fetched = dict(q("""SELECT week_start::VARCHAR, count(*) FROM v_fetch_log
                            WHERE kind = 'page' GROUP BY 1"""))
        assert all(fetched[w] > 0 for w in WEEKS), fetched
        unsupported = {r[0] for r in q("SELECT DISTINCT group_key FROM weekly_unsupported_terms")}
        assert "opms" in unsupported, unsupported
    html = sorted(p.name for p in (data / "reports").glob("*.html"))
    assert html == [f"{label}.html" for label in sorted(WEEKS.values())], html
    assert not list(data.glob("outbox/*.eml")), "sent through smtp_default, not the outbox"
