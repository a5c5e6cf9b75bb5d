import json

import pytest

from tests.conftest import page_html, write_batch
from warehouse.load import LoadError, assign_group, load_batch

TABLES = ["fetches", "pages", "documents", "document_sightings", "term_groups", "term_variants",
          "term_mentions", "dosing_mentions", "claims", "document_flags", "loads", "extract_errors",
          "sources", "term_stats", "term_week_stats", "term_host_stats", "host_term_stats"]


def snapshot(con) -> dict:
    return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in TABLES}


def test_loading_the_same_batch_twice_changes_nothing(tmp_path, warehouse):
    batch = write_batch(tmp_path / "run", [
        ("https://fernleaf.example/blog/quiet-evenings.html", page_html("vendor_blog.html")),
        ("https://eastbrook.example/sleep.html", page_html("clinic_page.html"))],
        "2026-11-16T00:00:00+00:00")
    first = load_batch(warehouse, *batch)
    before = snapshot(warehouse)
    second = load_batch(warehouse, *batch)
    assert first == second
    assert snapshot(warehouse) == before
    assert warehouse.execute("SELECT count(*) FROM documents").fetchone()[0] == 2


def test_loaded_rows_carry_terms_dosing_and_claims(two_week_warehouse):
    con = two_week_warehouse
    terms = dict(con.execute(
        "SELECT group_key, bool_or(supported) FROM term_mentions GROUP BY group_key").fetchall())
    assert terms["dusk spiral"] is False
    assert terms["rwt"] is False
    assert terms["cows"] is True
    units = {r[0] for r in con.execute("SELECT DISTINCT unit FROM dosing_mentions WHERE unit IS NOT NULL").fetchall()}
    assert {"g", "mg"} <= units
    cited = dict(con.execute("SELECT host, bool_or(cited) FROM v_claims GROUP BY host").fetchall())
    assert cited["eastbrook.example"] is True
    assert cited["fernleaf.example"] is False


def test_jargon_is_swept_into_later_documents(two_week_warehouse):
    rows = two_week_warehouse.execute("""
        SELECT week_start, term, documents, variants FROM weekly_unsupported_terms
        WHERE group_key = 'dusk spiral' ORDER BY week_start""").fetchall()
    assert [(str(r[0]), r[2]) for r in rows] == [("2026-11-16", 1), ("2026-11-23", 1)]
    # The forum writes "Dusk Spiral" without quotes or a cue: only the sweep can find it there.
    origins = dict(two_week_warehouse.execute("""
        SELECT d.host, t.origin FROM term_mentions t JOIN documents d USING (doc_id)
        WHERE t.group_key = 'dusk spiral'""").fetchall())
    assert origins == {"fernleaf.example": "extractor", "harborlights.example": "known_term"}


def test_near_identical_coinages_join_an_existing_group():
    groups, kinds = {"black recall": "black recall"}, {"black recall": "coinage"}
    assert assign_group("black recoil", "coinage", groups, kinds) == "black recall"
    assert assign_group("leaf fog", "coinage", groups, kinds) == "leaf fog"
    assert assign_group("opms", "acronym", groups, kinds) == "opms"
    assert groups["black recoil"] == "black recall"


def test_a_half_written_batch_is_refused_and_changes_nothing(tmp_path, warehouse):
    good = write_batch(tmp_path / "good", [
        ("https://eastbrook.example/sleep.html", page_html("clinic_page.html"))],
        "2026-11-16T00:00:00+00:00")
    load_batch(warehouse, *good)
    before = snapshot(warehouse)
    bad = write_batch(tmp_path / "bad", [
        ("https://fernleaf.example/blog/quiet-evenings.html", page_html("vendor_blog.html"))],
        "2026-11-23T00:00:00+00:00")
    text = bad[1].read_text()
    bad[1].write_text(text[: len(text) // 2])  # cut mid-record, as a killed writer would
    with pytest.raises(LoadError, match="half-written"):
        load_batch(warehouse, *bad)
    assert snapshot(warehouse) == before


def test_duplicate_rows_within_a_batch_are_merged(tmp_path, warehouse):
    fetches, analyses = write_batch(tmp_path / "dup", [
        ("https://eastbrook.example/sleep.html", page_html("clinic_page.html"))],
        "2026-11-16T00:00:00+00:00")
    record = analyses.read_text()
    analyses.write_text(record + record)
    lines = fetches.read_text()
    failed = json.loads(lines)
    failed.update(outcome="network_error", status=None, content_hash=None)
    fetches.write_text(json.dumps(failed) + "\n" + lines)  # a failure, then a success
    load_batch(warehouse, fetches, analyses)
    assert warehouse.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert warehouse.execute("SELECT outcome FROM fetches").fetchall() == [("fetched",)]


def test_extraction_errors_are_recorded_not_lost(tmp_path, warehouse):
    batch = write_batch(tmp_path / "err", [
        ("https://empty.example/", "<html><head><title>x</title></head><body></body></html>")],
        "2026-11-16T00:00:00+00:00")
    result = load_batch(warehouse, *batch)
    assert result["errors"] == 1
    assert warehouse.execute("SELECT url FROM extract_errors").fetchall() == [("https://empty.example/",)]


def test_a_term_is_new_in_the_week_it_is_first_detected_not_the_week_it_was_swept(tmp_path, warehouse):
    filler = "<p>" + "Readers send us questions about sleep and routines every single week. " * 4 + "</p>"
    week1 = f"<html><body><article><h1>One</h1>{filler}<p>The grey drift hit me hard on Tuesday.</p></article></body></html>"
    week2 = (f"<html><body><article><h1>Two</h1>{filler}<p>Users call it ‘grey drift’, a term for "
             "the flat days after stopping.</p></article></body></html>")
    load_batch(warehouse, *write_batch(tmp_path / "1", [("https://a.example/1", week1)], "2026-11-09T00:00:00+00:00"))
    load_batch(warehouse, *write_batch(tmp_path / "2", [("https://b.example/2", week2)], "2026-11-16T00:00:00+00:00"))
    rows = dict(warehouse.execute("""SELECT week_start::VARCHAR, is_new FROM weekly_unsupported_terms
                                     WHERE group_key = 'grey drift'""").fetchall())
    assert rows == {"2026-11-09": False, "2026-11-16": True}


def test_recrawling_an_unchanged_window_keeps_the_first_fetch_times(tmp_path, warehouse):
    page = [("https://eastbrook.example/sleep.html", page_html("clinic_page.html"))]
    load_batch(warehouse, *write_batch(tmp_path / "a", page, "2026-11-16T00:00:00+00:00",
                                       "2026-11-17T09:00:00+00:00"))
    before = snapshot(warehouse)
    load_batch(warehouse, *write_batch(tmp_path / "b", page, "2026-11-16T00:00:00+00:00",
                                       "2026-11-18T10:00:00+00:00"))
    after = snapshot(warehouse)
    assert after["document_sightings"] == before["document_sightings"]
    assert after["fetches"] == before["fetches"]


def test_a_load_killed_mid_transaction_loses_nothing_and_a_rerun_completes(tmp_path):
    """SIGKILL inside the load's transaction (after the merge, before COMMIT): the warehouse
    reopens at the previous load; running the load again completes it."""
    import os
    import signal
    import subprocess
    import sys
    import textwrap
    import time
    from pathlib import Path

    from warehouse.db import connect, migrate

    db = tmp_path / "warehouse.duckdb"
    week1 = write_batch(tmp_path / "w1", [("https://fernleaf.example/a.html", page_html("vendor_blog.html"))],
                        "2026-11-09T00:00:00+00:00")
    week2 = write_batch(tmp_path / "w2", [("https://eastbrook.example/b.html", page_html("clinic_page.html")),
                                         ("https://fernleaf.example/c.html", page_html("forum_thread.html"))],
                        "2026-11-16T00:00:00+00:00")
    with connect(db) as con:
        migrate(con)
        load_batch(con, *week1)
        before = snapshot(con)
    marker = tmp_path / "in-transaction"
    root = Path(__file__).resolve().parents[2]
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(root)!r})
        from pathlib import Path
        import warehouse.load as load
        from warehouse.db import connect
        real = load.query_text
        def slow(name):
            if name == "replace_mentions":  # inside the transaction, after the merge
                Path({str(marker)!r}).touch()
                time.sleep(60)
            return real(name)
        load.query_text = slow
        with connect({str(db)!r}) as con:
            load.load_batch(con, Path({str(week2[0])!r}), Path({str(week2[1])!r}))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the load never reached its transaction"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with connect(db) as con:
        assert snapshot(con) == before  # the killed load left no trace
        result = load_batch(con, *week2)  # and a re-run completes it
        assert result["documents"] == 2
        assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 2
