"""Reprocessing: after an extractor version bump, history is re-analysed from the WARC
archive, nothing is fetched, and the analysts' answers stay whole."""
from datetime import datetime, timezone

import pytest

import extractors
from claimwatch import pipeline, settings
from claimwatch.cli import main
from crawler.models import Window
from tests.conftest import home_for_one_source, page_html
from tests.crawler.conftest import LocalServer
from warehouse.db import connect

WEEKS = [datetime(2026, 11, 2, tzinfo=timezone.utc), datetime(2026, 11, 9, tzinfo=timezone.utc)]
SNAPSHOT_QUERIES = {
    "terms": "SELECT week_start, group_key, documents, mentions FROM weekly_unsupported_terms ORDER BY ALL",
    "dosing": "SELECT week_start, kind, phrase, mentions FROM weekly_dosing_language ORDER BY ALL",
    "sightings": "SELECT week_start, url FROM v_weekly_sightings ORDER BY ALL",
    "claims": "SELECT url, substance, effect, condition FROM v_claims ORDER BY ALL",
}


@pytest.fixture
def crawled_home(tmp_path, monkeypatch):
    """Two weeks crawled and loaded from a local site; the second week changes one page."""
    server = LocalServer()
    blog, clinic = page_html("vendor_blog.html"), page_html("clinic_page.html")
    server.route("/blog.html", blog)
    server.route("/clinic.html", clinic)
    server.route("/index.html", '<a href="/blog.html">b</a> <a href="/clinic.html">c</a>')
    conf = home_for_one_source(tmp_path, monkeypatch, server.url("/index.html"))
    for i, start in enumerate(WEEKS):
        if i == 1:
            server.route("/blog.html", blog.replace("Most readers start", "Many readers start"))
        window = Window(start, start.replace(day=start.day + 7))
        crawled = pipeline.crawl_window(conf, window, run_id="t")
        extracted = pipeline.extract_window(conf, crawled["path"])
        pipeline.load_window(conf, crawled["path"], extracted["path"])
    yield conf, server
    server.close()


def _answers(conf):
    with connect(conf.warehouse_path, read_only=True) as con:
        return {k: con.execute(q).fetchall() for k, q in SNAPSHOT_QUERIES.items()}


def test_a_version_bump_reanalyses_the_archive_without_fetching(crawled_home, monkeypatch):
    conf, server = crawled_home
    before, hits = _answers(conf), len(server.hits)
    with connect(conf.warehouse_path, read_only=True) as con:
        docs_before = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    monkeypatch.setattr(extractors, "EXTRACTOR_VERSION", "9.9.9-test")

    result = pipeline.reprocess(conf)

    assert result["reanalysed"] == result["candidates"] == docs_before
    assert result["failed"] == result["not_archived"] == 0 and result["windows"] == 2
    assert len(server.hits) == hits  # nothing fetched
    with connect(conf.warehouse_path, read_only=True) as con:
        versions = con.execute("SELECT DISTINCT extractor_version FROM documents").fetchall()
        assert versions == [("9.9.9-test",)]
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == docs_before
        orphans = con.execute("""SELECT count(*) FROM term_mentions WHERE doc_id NOT IN
                                 (SELECT doc_id FROM documents)""").fetchone()[0]
        assert orphans == 0
    # Same extractor code under a new version number: every analyst answer is unchanged.
    assert _answers(conf) == before
    # Nothing left to do: a second run is a no-op.
    assert pipeline.reprocess(conf)["candidates"] == 0


def test_since_limits_the_windows(crawled_home, monkeypatch):
    conf, _ = crawled_home
    monkeypatch.setattr(extractors, "EXTRACTOR_VERSION", "9.9.9-test")
    result = pipeline.reprocess(conf, since=WEEKS[1])
    assert result["windows"] == 1 and result["reanalysed"] == 1  # only the changed blog page
    with connect(conf.warehouse_path, read_only=True) as con:
        assert con.execute("""SELECT count(*) FROM documents WHERE extractor_version = '9.9.9-test'
                              """).fetchone()[0] == 1


def test_a_failed_merge_changes_nothing(crawled_home, monkeypatch):
    conf, _ = crawled_home
    before = _answers(conf)
    monkeypatch.setattr(extractors, "EXTRACTOR_VERSION", "9.9.9-test")
    import warehouse.reprocess as rp
    real = rp.query_text
    monkeypatch.setattr(rp, "query_text", lambda name: real(name) + (
        "\nSELECT error('disk full');" if name == "replace_mentions" else ""))
    with pytest.raises(Exception, match="disk full"):
        pipeline.reprocess(conf)
    monkeypatch.setattr(extractors, "EXTRACTOR_VERSION", extractors.EXTRACTOR_VERSION)
    assert _answers(conf) == before
    with connect(conf.warehouse_path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents WHERE extractor_version = '9.9.9-test'"
                           ).fetchone()[0] == 0


def test_reprocess_command_republishes_the_snapshot(crawled_home, monkeypatch, capsys):
    conf, _ = crawled_home
    monkeypatch.setattr(extractors, "EXTRACTOR_VERSION", "9.9.9-test")
    assert main(["reprocess", "--since", "2026-11-01"]) == 0
    out = capsys.readouterr().out
    # clinic and two blog versions; the link-only index page was quarantined (too little text)
    assert '"reanalysed": 3' in out and "snapshot" in out
    with connect(conf.snapshot_path, read_only=True) as con:
        assert con.execute("SELECT DISTINCT extractor_version FROM v_documents").fetchall() == [("9.9.9-test",)]


@pytest.mark.integration
def test_reprocess_reanalyses_the_demo_archive_after_a_version_bump(demo_warehouse, tmp_path,
                                                                    monkeypatch, capsys):
    """The done-when of issue 5, on a copy of the session's demo home (data/ and its archive)."""
    import json
    import shutil

    home = tmp_path / "home"
    shutil.copytree(demo_warehouse.parents[1], home)
    monkeypatch.setenv("CLAIMWATCH_HOME", str(home))
    conf = settings.load()
    before = _answers(conf)
    with connect(conf.warehouse_path, read_only=True) as con:
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    monkeypatch.setattr(extractors, "EXTRACTOR_VERSION", "9.9.9-test")
    assert main(["reprocess"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["reanalysed"] == documents > 20 and result["windows"] == 4
    assert result["failed"] == result["not_archived"] == 0
    assert _answers(conf) == before
