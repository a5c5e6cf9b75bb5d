"""The real DAGs, run with dag.test() against the demo web on 127.0.0.1."""
from datetime import datetime, timezone

import duckdb
import pytest

from tests.dags.test_dagbag import DAGS

pytestmark = pytest.mark.integration
WEEK_ENDS = [datetime(2026, 11, d, tzinfo=timezone.utc) for d in (2, 9, 16, 23)]


def _bag():
    from airflow.dag_processing.dagbag import DagBag
    return DagBag(dag_folder=str(DAGS))


def _checksums(path) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every row of every warehouse table."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute("""SELECT table_name FROM duckdb_tables()
                                               WHERE schema_name = 'main' ORDER BY 1""").fetchall()]
        return {t: con.execute(f"""SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), ''))
                                   FROM (SELECT md5(CAST(x AS VARCHAR)) AS h FROM "{t}" x)""").fetchone()
                for t in tables}


def test_four_weeks_of_ingest_and_a_weekly_report(airflow_db, demo_env):
    from airflow.utils.state import DagRunState

    bag = _bag()
    ingest, report = bag.dags["claimwatch_ingest"], bag.dags["claimwatch_report"]
    for week_end in WEEK_ENDS:
        run = ingest.test(logical_date=week_end)
        assert run.state == DagRunState.SUCCESS, f"ingest for {week_end:%Y-%m-%d} failed"
        shards = [ti for ti in run.get_task_instances() if ti.task_id == "crawl_shard"]
        assert sorted(ti.map_index for ti in shards) == [0, 1]  # the crawl, mapped over 2 shards
    run = report.test(logical_date=WEEK_ENDS[-1].replace(hour=6))
    assert run.state == DagRunState.SUCCESS

    warehouse = demo_env / "data" / "warehouse.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        terms = {r[0]: r for r in con.execute("""
            SELECT group_key, sum(documents), count(*), flatten(list(variants))
            FROM weekly_unsupported_terms GROUP BY group_key""").fetchall()}
        assert "opms" in terms and terms["opms"][2] == 4          # unsupported in all 4 weeks
        assert "black recall" in terms
        assert "Black Recoil" in terms["black recall"][3]         # grouped with its misspelling
        assert "cows" not in terms and "oud" not in terms         # real medical vocabulary
        expansions = con.execute("""SELECT list_distinct(flatten(list(expansions))) FROM v_terms
                                    WHERE group_key = 'opms'""").fetchone()[0]
        assert {e.lower() for e in expansions} >= {
            "opioid withdrawal management", "opioid-induced mood changes and sleep disturbances"}
        weeks = [r[0] for r in con.execute(
            "SELECT DISTINCT week_start FROM weekly_dosing_language ORDER BY 1").fetchall()]
        assert len(weeks) == 4
        blocked = con.execute("""SELECT count(*) FROM v_fetch_log WHERE url LIKE '%/members/%'
                                 AND outcome <> 'robots_disallowed'""").fetchone()[0]
        assert blocked == 0                                       # robots.txt honoured
        # Home pages are fetched every week: from the second on they answer 304 (ETag), and
        # their documents are seen again without being analysed again.
        unchanged = con.execute("""SELECT count(*) FROM v_fetch_log WHERE kind = 'page'
                                   AND outcome = 'not_modified' AND week_start > '2026-10-26'""").fetchone()[0]
        assert unchanged >= 3 * 4
        seen_again = con.execute("""SELECT count(*) FROM document_sightings s JOIN documents d
                                    USING (doc_id) WHERE s.window_start > d.first_seen_window""").fetchone()[0]
        assert seen_again >= 3 * 4  # at least the four home pages in weeks 2–4
        assert con.execute("SELECT bool_and(success) FROM check_runs").fetchone()[0]
        # Issue 6: a run per batch, and the seed-style guide carries the core rule flags.
        assert con.execute("SELECT count(DISTINCT load_id) FROM check_runs").fetchone()[0] == 4
        guide = {r[0] for r in con.execute("""SELECT kind FROM v_flags WHERE origin = 'rules'
                 AND url LIKE '%kratom-opioid-withdrawal-guide%'""").fetchall()}
        assert {"unsupported_term", "inconsistent_definition", "vague_attribution",
                "unapproved_use"} <= guide, guide
    assert (demo_env / "data" / "reports" / "2026-W47.html").exists()
    assert (demo_env / "data" / "quality" / "index.html").exists()
    assert "Data Docs" in (demo_env / "data" / "reports" / "2026-W47.html").read_text()
    assert (demo_env / "data" / "outbox" / "2026-W47.eml").exists()

    # Re-running a week's DAGs changes nothing: every table has the same rows (issue 10). The
    # checks DAG (asset-triggered in production) runs by hand here: it anchors on the newest load.
    checks = bag.dags["claimwatch_checks"]
    assert checks.test().state == DagRunState.SUCCESS
    before = _checksums(warehouse)
    assert ingest.test(logical_date=WEEK_ENDS[-1]).state == DagRunState.SUCCESS
    assert report.test(logical_date=WEEK_ENDS[-1].replace(hour=6)).state == DagRunState.SUCCESS
    assert checks.test().state == DagRunState.SUCCESS
    after = _checksums(warehouse)
    assert {t for t in before if before[t] != after.get(t)} == set()


def test_an_analyst_session_on_the_snapshot_survives_a_full_load(airflow_db, demo_env):
    """Issue 5: an analyst keeps a session open, querying all along, while the next week's
    ingest (crawl → load → check → publish) runs. Neither waits for nor breaks the other."""
    import threading

    from airflow.utils.state import DagRunState

    ingest = _bag().dags["claimwatch_ingest"]
    assert ingest.test(logical_date=WEEK_ENDS[0]).state == DagRunState.SUCCESS
    snapshot = demo_env / "data" / "warehouse-snapshot.duckdb"
    session = duckdb.connect(str(snapshot), read_only=True)
    query = "SELECT count(*) FROM v_fetch_log JOIN v_documents USING (url)"
    before = session.execute(query).fetchone()[0]
    answers, errors, done = [], [], threading.Event()

    def analyst():
        while not done.is_set():
            try:
                answers.append(session.execute(query).fetchone()[0])
            except Exception as exc:  # any error here is the failure this test exists for
                errors.append(exc)
            done.wait(0.05)

    worker = threading.Thread(target=analyst)
    worker.start()
    try:
        run = ingest.test(logical_date=WEEK_ENDS[1])
    finally:
        done.set()
        worker.join()
    assert run.state == DagRunState.SUCCESS
    assert errors == [] and len(answers) > 10
    assert set(answers) == {before}  # the open session saw one consistent state throughout
    session.close()
    with duckdb.connect(str(snapshot), read_only=True) as fresh:  # a new session sees week 2
        assert fresh.execute(query).fetchone()[0] > before
        assert fresh.execute("SELECT count(DISTINCT week_start) FROM v_fetch_log").fetchone()[0] == 2
