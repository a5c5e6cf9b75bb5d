"""The derived term tables (term_stats, term_week_stats, term_host_stats, host_term_stats)
hold exactly what the base tables say: each is compared with the same figures computed the
slow way, straight from term_mentions, documents and document_sightings."""
from datetime import date

import pytest

from tests.conftest import page_html, write_batch
from warehouse.db import query_text
from warehouse.load import load_batch

SIGHTINGS = """SELECT DISTINCT s.doc_id, date_trunc('week', s.window_start)::DATE AS week_start, d.host, d.url
               FROM document_sightings s JOIN documents d USING (doc_id)"""
UNSUPPORTED = f"""SELECT t.group_key, t.doc_id, t.origin = 'extractor' AS detected, t.mention_count,
                         w.week_start, w.host, w.url
                  FROM term_mentions t JOIN ({SIGHTINGS}) w USING (doc_id) WHERE NOT t.supported"""

# term_stats as it was computed before it shared a temp table with the others.
TERM_STATS = f"""
SELECT group_key,
       coalesce(min(week_start) FILTER (WHERE detected), min(week_start)) AS first_seen_week,
       coalesce(arg_min(url, (week_start, url)) FILTER (WHERE detected),
                arg_min(url, (week_start, url))) AS first_url,
       coalesce(arg_min(host, (week_start, url)) FILTER (WHERE detected),
                arg_min(host, (week_start, url))) AS first_host,
       count(DISTINCT week_start) AS weeks_seen, count(DISTINCT doc_id) AS documents,
       count(DISTINCT host) AS domains
FROM ({UNSUPPORTED}) GROUP BY group_key"""
WEEKLY = f"""
SELECT week_start, group_key, count(DISTINCT doc_id) AS documents, count(DISTINCT host) AS domains,
       sum(mention_count) AS mentions
FROM ({UNSUPPORTED}) GROUP BY ALL"""
# A host's first week with a term: the earliest sighting of any of its documents using it.
# Only documents with sightings count: a reprocess moves them to its new analysis.
TERM_HOSTS = """
SELECT t.group_key, d.host, min(f.first_week) AS first_week, count(DISTINCT t.doc_id) AS documents,
       count(DISTINCT d.url) AS pages, sum(t.mention_count) AS mentions
FROM term_mentions t JOIN documents d USING (doc_id)
JOIN (SELECT doc_id, min(date_trunc('week', window_start))::DATE AS first_week
      FROM document_sightings GROUP BY doc_id) f USING (doc_id)
WHERE NOT t.supported GROUP BY ALL"""
HOST_COUNTS = """
SELECT d.host, min(d.source) AS source, count(DISTINCT t.group_key) AS terms,
       count(DISTINCT d.url) AS pages, count(DISTINCT t.doc_id) AS documents,
       sum(t.mention_count) AS mentions
FROM term_mentions t JOIN documents d USING (doc_id)
WHERE NOT t.supported AND t.doc_id IN (SELECT doc_id FROM document_sightings) GROUP BY d.host"""

DERIVED = {
    "term_first_seen": ("SELECT group_key, first_seen_week, first_url, first_host, weeks_seen, documents, "
                        "domains FROM term_first_seen", TERM_STATS),
    "weekly_term_counts": ("SELECT week_start, group_key, documents, domains, mentions FROM weekly_term_counts",
                           WEEKLY),
    "term_hosts": ("SELECT group_key, host, first_week, documents, pages, mentions FROM term_hosts", TERM_HOSTS),
    "host_term_counts": ("SELECT host, source, terms, pages, documents, mentions FROM host_term_counts",
                         HOST_COUNTS),
}


def rows(con, sql):
    return sorted(tuple(r) for r in con.execute(sql).fetchall())


@pytest.fixture
def three_week_warehouse(tmp_path, two_week_warehouse):
    """two_week_warehouse, then a third week that fetches the vendor blog again (unchanged: a
    new sighting of an old document) and the forum thread at a second URL (a second page)."""
    week3 = write_batch(tmp_path / "w3", [
        ("https://fernleaf.example/blog/quiet-evenings.html", page_html("vendor_blog.html")),
        ("https://harborlights.example/t/evenings?page=2", page_html("forum_thread.html"))],
        "2026-11-30T00:00:00+00:00", "2026-12-02T09:00:00+00:00")
    load_batch(two_week_warehouse, *week3)
    return two_week_warehouse


@pytest.mark.parametrize("view", sorted(DERIVED))
def test_derived_tables_match_the_base_tables(three_week_warehouse, view):
    stored, reference = DERIVED[view]
    expected = rows(three_week_warehouse, reference)
    assert expected, "the fixture should have unsupported terms"
    assert rows(three_week_warehouse, stored) == expected


def test_the_fixture_exercises_spread_and_repeat_weeks(three_week_warehouse):
    con = three_week_warehouse
    # Some term is on two hosts, and some term was seen in more than one week.
    assert con.execute("SELECT max(domains), max(weeks_seen) FROM term_first_seen").fetchone() >= (2, 2)
    # The vendor blog's terms were first used there in week 1, although it was fetched again in week 3.
    weeks = {r[0] for r in con.execute(
        "SELECT first_week FROM term_hosts WHERE host = 'fernleaf.example'").fetchall()}
    assert weeks == {date(2026, 11, 16)}
    # The forum's two URLs count as two pages of one host.
    assert con.execute("SELECT max(pages) FROM term_hosts WHERE host = 'harborlights.example'").fetchone()[0] == 2


def test_refresh_is_idempotent_and_follows_deletions(three_week_warehouse):
    con = three_week_warehouse
    before = {v: rows(con, stored) for v, (stored, _) in DERIVED.items()}
    con.execute(query_text("refresh_term_stats"))
    assert {v: rows(con, stored) for v, (stored, _) in DERIVED.items()} == before
    # Drop one host's mentions (as a reprocess that no longer finds them would) and refresh.
    assert con.execute("SELECT count(*) FROM term_hosts WHERE host = 'harborlights.example'").fetchone()[0]
    con.execute("""DELETE FROM term_mentions WHERE doc_id IN
                   (SELECT doc_id FROM documents WHERE host = 'harborlights.example')""")
    con.execute(query_text("refresh_term_stats"))
    for view, (stored, reference) in DERIVED.items():
        assert rows(con, stored) == rows(con, reference), view
    assert not con.execute("SELECT count(*) FROM term_hosts WHERE host = 'harborlights.example'").fetchone()[0]
    assert not con.execute("SELECT count(*) FROM host_term_counts WHERE host = 'harborlights.example'").fetchone()[0]


def test_an_analysis_a_reprocess_replaced_is_not_counted(three_week_warehouse):
    """A reprocess leaves the old analysis in place and moves its sightings to the new one.
    Simulated here: a copy of the vendor blog's document and mentions without sightings."""
    con = three_week_warehouse
    before = {v: rows(con, stored) for v, (stored, _) in DERIVED.items()}
    old = con.execute("SELECT doc_id FROM documents WHERE host = 'fernleaf.example'").fetchone()[0]
    con.execute("CREATE TEMP TABLE old_doc AS SELECT * FROM documents WHERE doc_id = ?", [old])
    con.execute("UPDATE old_doc SET doc_id = 'superseded', extractor_version = '0.0.1'")
    con.execute("INSERT INTO documents SELECT * FROM old_doc")
    con.execute("CREATE TEMP TABLE old_terms AS SELECT * FROM term_mentions WHERE doc_id = ?", [old])
    con.execute("UPDATE old_terms SET doc_id = 'superseded'")
    con.execute("INSERT INTO term_mentions SELECT * FROM old_terms")
    con.execute(query_text("refresh_term_stats"))
    assert {v: rows(con, stored) for v, (stored, _) in DERIVED.items()} == before
