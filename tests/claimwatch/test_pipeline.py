from datetime import date

import pytest

from checks.validate import check_load
from claimwatch.pipeline import ReportNotReady, ensure_week_ready
from tests.conftest import home_for_one_source, page_html, write_batch
from warehouse.load import load_batch

WEEK = date(2026, 11, 16)


def test_the_report_waits_for_a_loaded_and_checked_week(warehouse, tmp_path):
    with pytest.raises(ReportNotReady, match="has not finished"):
        ensure_week_ready(warehouse, WEEK)
    load_batch(warehouse, *write_batch(tmp_path / "w", [
        ("https://eastbrook.example/sleep.html", page_html("clinic_page.html"))],
        "2026-11-16T00:00:00+00:00"))
    with pytest.raises(ReportNotReady, match="0 checked"):
        ensure_week_ready(warehouse, WEEK)
    load_id = warehouse.execute("SELECT load_id FROM loads").fetchone()[0]
    check_load(warehouse, load_id)
    ensure_week_ready(warehouse, WEEK)  # ready now
    warehouse.execute("UPDATE check_results SET success = false WHERE severity = 'critical'")
    with pytest.raises(ReportNotReady, match="critical"):
        ensure_week_ready(warehouse, WEEK)


def test_a_recrawl_of_a_window_replaces_what_it_saw(warehouse, tmp_path):
    url = "https://fernleaf.example/blog/quiet-evenings.html"
    html = page_html("vendor_blog.html")
    load_batch(warehouse, *write_batch(tmp_path / "a", [(url, html)], "2026-11-16T00:00:00+00:00"))
    changed = html.replace("Most readers start", "Many readers start")
    load_batch(warehouse, *write_batch(tmp_path / "b", [(url, changed)], "2026-11-16T00:00:00+00:00"))
    assert warehouse.execute("SELECT count(*) FROM document_sightings").fetchone()[0] == 1
    assert warehouse.execute(
        "SELECT max(documents) FROM weekly_unsupported_terms").fetchone()[0] == 1


def test_an_empty_crawl_checks_nothing(tmp_path, monkeypatch):
    from claimwatch import pipeline, settings
    monkeypatch.setenv("CLAIMWATCH_HOME", str(tmp_path))
    assert pipeline.check_batch(settings.load(), None) == {"evaluated": 0, "failed": 0, "warnings": 0}


def test_a_second_crawl_of_unchanged_pages_is_conditional_and_analyses_nothing(
        tmp_path, monkeypatch):
    """Window 1 fetches and analyses; window 2 gets 304s (ETag) or the same bytes, analyses
    nothing, and still records that the pages were on the web that week."""
    from datetime import datetime, timezone

    from claimwatch import pipeline
    from crawler.models import Window
    from tests.crawler.conftest import LocalServer

    server = LocalServer()
    try:
        blog = page_html("vendor_blog.html").encode()
        clinic = page_html("clinic_page.html").encode()

        def with_etag(body, etag):
            def route(handler):
                if handler.headers.get("If-None-Match") == etag:
                    return 304, {"ETag": etag}, b"", 0
                return 200, {"Content-Type": "text/html; charset=utf-8", "ETag": etag}, body, 0
            return route

        server.routes["/blog.html"] = with_etag(blog, '"b1"')
        server.route("/clinic.html", clinic)  # no validators: same bytes → duplicate
        server.route("/index.html", "<html><body><main><p>Our evening notes: a blog post on "
                     "routines and a clinic page on sleep, both worth a read this week.</p>"
                     '<a href="/blog.html">b</a> <a href="/clinic.html">c</a></main></body></html>')
        conf = home_for_one_source(tmp_path, monkeypatch, server.url("/index.html"))
        results = []
        for start in (datetime(2026, 11, 2, tzinfo=timezone.utc), datetime(2026, 11, 9, tzinfo=timezone.utc)):
            window = Window(start, start.replace(day=start.day + 7))
            crawled = pipeline.crawl_window(conf, window, run_id="t")
            extracted = pipeline.extract_window(conf, crawled["path"])
            loaded = pipeline.load_window(conf, crawled["path"], extracted["path"])
            results.append((crawled, extracted, loaded))
    finally:
        server.close()

    (_, first, _), (second_crawl, second, _) = results
    assert first["documents"] == 3 and first["unchanged"] == 0
    assert second["documents"] == 0 and second["unchanged"] == 3  # nothing analysed again
    assert second_crawl["pages_unchanged"] == 3
    blog_hits = [h for h in server.hits if h.path == "/blog.html"]
    assert blog_hits[1].headers.get("If-None-Match") == '"b1"'
    from warehouse.db import connect
    with connect(conf.warehouse_path, read_only=True) as con:
        outcomes = dict(con.execute(
            "SELECT url, outcome FROM v_fetch_log WHERE kind = 'page' AND week_start = '2026-11-09'"
        ).fetchall())
        sightings = con.execute("SELECT count(*), count(DISTINCT doc_id) FROM document_sightings").fetchone()
        pointers = con.execute("SELECT count(*) FROM documents WHERE warc_file IS NOT NULL").fetchone()[0]
    assert (tmp_path / "data" / "quality" / "index.html").exists()  # GX Data Docs
    assert outcomes[server.url("/blog.html")] == "not_modified"
    assert outcomes[server.url("/clinic.html")] == "duplicate"
    assert sightings == (6, 3) and pointers == 3


def test_recent_rules_anchor_on_loaded_windows_never_the_clock(tmp_path, monkeypatch):
    """The checks DAG: an Asset event names the window it loaded; a manual run anchors on the
    newest load. Either way the rules cover the weeks before that, whatever today is."""
    from datetime import datetime, timezone

    from claimwatch import pipeline, settings
    from warehouse.db import connect, migrate

    monkeypatch.setenv("CLAIMWATCH_HOME", str(tmp_path))
    conf = settings.load()
    assert pipeline.run_recent_rules(conf, 4)["reason"] == "no warehouse yet"
    with connect(conf.warehouse_path) as con:
        migrate(con)
        for start in ("2026-10-26", "2026-11-02"):
            load_batch(con, *write_batch(tmp_path / start, [
                (f"https://eastbrook.example/{start}.html", page_html("clinic_page.html"))],
                f"{start}T00:00:00+00:00"))
    manual = pipeline.run_recent_rules(conf, 1)
    assert manual["anchor"] == "2026-11-09T00:00:00+00:00"  # end of the newest window
    event = pipeline.run_recent_rules(conf, 1, datetime(2026, 11, 2, tzinfo=timezone.utc))
    assert event["anchor"] == "2026-11-02T00:00:00+00:00"
