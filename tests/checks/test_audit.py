"""Write–audit–publish: each corrupted batch is blocked (critical) or quarantined row by row
(warning), and analysts never see what failed."""
from datetime import datetime

import pytest

from checks import validate
from checks.audit import audit_staged
from checks.validate import CriticalCheckFailed
from tests.conftest import page_html, write_batch
from warehouse.load import load_batch, merge_staged, stage, staged_load_id

AUDITED_AT = datetime(2026, 12, 8, 12, 0)
WEEK3 = "2026-11-30T00:00:00+00:00"
PAGES = [("https://fernleaf.example/blog/quiet-evenings.html", "vendor_blog.html"),
         ("https://harborlights.example/t/evenings.html", "forum_thread.html"),
         ("https://eastbrook.example/sleep.html", "clinic_page.html")]


@pytest.fixture
def history(tmp_path, warehouse):
    """Two loaded weeks of the same three pages: the volume the third week is compared with."""
    for week in ("2026-11-16T00:00:00+00:00", "2026-11-23T00:00:00+00:00"):
        load_batch(warehouse, *write_batch(tmp_path / week[:10], [(u, page_html(f)) for u, f in PAGES],
                                           week, "2026-11-29T09:00:00+00:00"))
    return warehouse


def stage_week3(con, tmp_path, pages=PAGES):
    """Week 3 brings new pages (new URLs), so every staged document is new."""
    batch = write_batch(tmp_path / "w3", [(u + "?week=3", page_html(f)) for u, f in pages], WEEK3,
                        "2026-12-06T09:00:00+00:00")
    return stage(con, *batch)


def counts(con) -> tuple:
    return con.execute("""SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM fetches),
                                 (SELECT count(*) FROM claims), (SELECT count(*) FROM dosing_mentions)""").fetchone()


def quarantined(con) -> list[tuple]:
    return con.execute("SELECT relation, suite, expectation, column_name, severity FROM quarantine "
                       "ORDER BY ALL").fetchall()


def test_a_clean_batch_is_audited_then_published(history, tmp_path):
    con = history
    stage_week3(con, tmp_path)
    before = counts(con)
    assert counts(con) == before  # staged, not yet visible
    result = audit_staged(con, AUDITED_AT)
    assert result["failed"] == 0 and result["quarantined"] == 0
    merge_staged(con)
    assert counts(con)[0] == before[0] + 3
    assert staged_load_id(con) is None


@pytest.mark.parametrize("corrupt, suite, expectation", [
    ("UPDATE staging.batch_fetches SET url_hash = NULL WHERE kind = 'page' AND url LIKE '%sleep%'",
     "fetches", "expect_column_values_to_not_be_null"),                                 # a null URL
    ("INSERT INTO staging.batch_documents SELECT * FROM staging.batch_documents LIMIT 1",
     "documents", "expect_column_values_to_be_unique"),                                 # duplicate hashes
    ("UPDATE staging.batch_fetches SET fetched_at = TIMESTAMP '2030-01-01' WHERE url LIKE '%sleep%'",
     "fetches", "expect_column_values_to_be_between"),                                  # the future
    ("UPDATE staging.batch_fetches SET fetched_at = TIMESTAMP '2026-11-01' WHERE url LIKE '%sleep%'",
     "fetches", "expect_column_values_to_be_between"),                                  # before the window
    ("UPDATE staging.batch_dosing SET amount_low = amount_high * 3 WHERE amount_high IS NOT NULL",
     "dosing", "expect_column_pair_values_a_to_be_greater_than_b"),                     # low > high
    ("UPDATE staging.batch_dosing SET unit = 'kg' WHERE unit IS NOT NULL",
     "dosing", "expect_column_values_to_be_in_set"),                                    # unknown unit
    ("UPDATE staging.batch_dosing SET amount_low = amount_low * 1000, amount_high = amount_high * 1000 "
     "WHERE unit = 'g'", "dosing", "expect_column_pair_values_a_to_be_greater_than_b"),  # 1000× grams
])
def test_a_critical_failure_blocks_the_whole_batch(history, tmp_path, corrupt, suite, expectation):
    con = history
    stage_week3(con, tmp_path)
    con.execute(corrupt)
    before = counts(con)
    with pytest.raises(CriticalCheckFailed, match="nothing published"):
        audit_staged(con, AUDITED_AT)
    assert counts(con) == before  # nothing of the batch is visible
    assert staged_load_id(con) is not None  # the stage waits for a fix and a re-run
    failed = con.execute("""SELECT c.suite, r.expectation, r.severity FROM check_results r
                            JOIN check_runs c USING (check_run_id) WHERE NOT r.success""").fetchall()
    assert (suite, expectation, "critical") in failed
    rows = quarantined(con)
    if suite != "documents":  # uniqueness reports values, not rows
        assert any(r[1] == suite and r[2] == expectation and r[4] == "critical" for r in rows)


def test_a_whole_host_of_near_empty_pages_blocks_the_batch(history, tmp_path):
    con = history
    pages = [(f"https://fernleaf.example/blog/p{i}.html", "vendor_blog.html") for i in range(3)]
    stage_week3(con, tmp_path, pages + PAGES[1:])
    con.execute("UPDATE staging.batch_documents SET text = 'Menu', text_length = 4 "
                "WHERE host = 'fernleaf.example'")  # a template change: only boilerplate left
    with pytest.raises(CriticalCheckFailed, match="near_empty_share"):
        audit_staged(con, AUDITED_AT)
    assert ("hosts", "hosts", "expect_column_values_to_be_between", "near_empty_share", "critical") \
        in quarantined(con)


def test_a_warning_quarantines_rows_and_publishes_the_rest(history, tmp_path):
    con = history
    stage_week3(con, tmp_path)
    claims_staged = con.execute("SELECT count(*) FROM staging.batch_claims").fetchone()[0]
    con.execute("""UPDATE staging.batch_claims SET condition = NULL
                   WHERE (doc_id, ordinal) IN (SELECT (doc_id, min(ordinal)) FROM staging.batch_claims
                                                GROUP BY doc_id LIMIT 1)""")
    short = con.execute("SELECT doc_id FROM staging.batch_documents WHERE url LIKE '%sleep%'").fetchone()[0]
    con.execute("UPDATE staging.batch_documents SET text_length = 10 WHERE doc_id = ?", [short])
    before = counts(con)
    result = audit_staged(con, AUDITED_AT)
    assert result["warnings"] == 2 and result["quarantined"] >= 2
    merge_staged(con)
    after = counts(con)
    assert after[0] == before[0] + 2  # the short document stayed out
    assert con.execute("SELECT count(*) FROM documents WHERE doc_id = ?", [short]).fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM claims WHERE condition IS NULL").fetchone()[0] == 0
    assert after[2] < before[2] + claims_staged  # the broken claim (and the short page's) withheld
    rows = quarantined(con)
    assert ("claims", "claims", "expect_column_values_to_not_be_null", "condition", "warning") in rows
    assert ("documents", "documents", "expect_column_values_to_be_between", "text_length", "warning") in rows
    cascaded = {r[0] for r in rows if r[1] == "cascade"}
    assert "sightings" in cascaded  # the short page's mentions and sighting went with it
    reason = con.execute("SELECT reason, row_json FROM quarantine WHERE column_name = 'text_length'").fetchone()
    assert "text_length=10" in reason[0] and short in reason[1]


def test_a_volume_collapse_warns_and_still_publishes(history, tmp_path):
    con = history
    stage_week3(con, tmp_path, PAGES[:1])  # 1 page where the last weeks had 3
    con.execute("DELETE FROM staging.batch_fetches WHERE kind = 'page'")
    result = audit_staged(con, AUDITED_AT)
    assert result["warnings"] == 1
    failed = con.execute("""SELECT c.suite, r.detail FROM check_results r JOIN check_runs c USING (check_run_id)
                            WHERE NOT r.success""").fetchall()
    assert failed == [("volume", "observed 0")]
    merge_staged(con)


def test_severity_is_configuration(history, tmp_path, monkeypatch):
    """Retuned to a warning, the unknown unit is quarantined and the batch published."""
    config = dict(validate._config())
    config["severity"] = {**config["severity"], "dosing.expect_column_values_to_be_in_set.unit": "warning"}
    monkeypatch.setattr(validate, "_config", lambda: config)
    con = history
    stage_week3(con, tmp_path)
    con.execute("UPDATE staging.batch_dosing SET unit = 'kg' WHERE ordinal = 0 AND unit IS NOT NULL")
    result = audit_staged(con, AUDITED_AT)
    assert result["warnings"] >= 1
    merge_staged(con)
    assert con.execute("SELECT count(*) FROM dosing_mentions WHERE unit = 'kg'").fetchone()[0] == 0


# Every other expectation, each tripped by its own corruption of a staged batch:
# (SQL, suite, expectation, column).
EVERY = [
    ("UPDATE staging.batch_fetches SET url = 'not a url' WHERE kind = 'page' AND url LIKE '%sleep%'",
     "fetches", "expect_column_values_to_match_regex", "url"),
    ("UPDATE staging.batch_fetches SET status = 999 WHERE kind = 'page'", "fetches",
     "expect_column_values_to_be_in_set", "status"),
    ("UPDATE staging.batch_fetches SET outcome = 'teleported' WHERE kind = 'page'", "fetches",
     "expect_column_values_to_be_in_set", "outcome"),
    ("INSERT INTO staging.batch_fetches SELECT * REPLACE (window_start + INTERVAL 1 SECOND AS window_start) "
     "FROM staging.batch_fetches LIMIT 1", "fetches", "expect_compound_columns_to_be_unique", "url_hash+kind"),
    ("UPDATE staging.batch_documents SET doc_id = NULL WHERE url LIKE '%sleep%'", "documents",
     "expect_column_values_to_not_be_null", "doc_id"),
    ("UPDATE staging.batch_documents SET content_hash = NULL WHERE url LIKE '%sleep%'", "documents",
     "expect_column_values_to_not_be_null", "content_hash"),
    ("UPDATE staging.batch_documents SET url = 'ftp:/x' WHERE url LIKE '%sleep%'", "documents",
     "expect_column_values_to_match_regex", "url"),
    ("UPDATE staging.batch_documents SET text = NULL WHERE url LIKE '%sleep%'", "documents",
     "expect_column_values_to_not_be_null", "text"),
    ("UPDATE staging.batch_documents SET language = 'xx'", "documents",
     "expect_column_values_to_be_in_set", "language"),
    ("UPDATE staging.batch_documents SET published = DATE '2027-06-01'", "documents",
     "expect_column_pair_values_a_to_be_greater_than_b", "fetched_date>published"),
    ("UPDATE staging.batch_term_mentions SET normalized = NULL WHERE normalized = "
     "(SELECT min(normalized) FROM staging.batch_term_mentions)", "terms",
     "expect_column_values_to_not_be_null", "normalized"),
    ("UPDATE staging.batch_term_mentions SET group_key = NULL", "terms",
     "expect_column_values_to_not_be_null", "group_key"),
    ("UPDATE staging.batch_term_mentions SET kind = 'slogan'", "terms",
     "expect_column_values_to_be_in_set", "kind"),
    ("UPDATE staging.batch_term_mentions SET mention_count = 0", "terms",
     "expect_column_values_to_be_between", "mention_count"),
    ("INSERT INTO staging.batch_term_mentions SELECT * FROM staging.batch_term_mentions LIMIT 1", "terms",
     "expect_compound_columns_to_be_unique", "doc_id+normalized"),
    ("UPDATE staging.batch_dosing SET kind = 'guess'", "dosing",
     "expect_column_values_to_be_in_set", "kind"),
    ("UPDATE staging.batch_dosing SET amount_low = -1 WHERE amount_low IS NOT NULL", "dosing",
     "expect_column_values_to_be_between", "amount_low"),
    ("UPDATE staging.batch_claims SET sentence = '   '", "claims",
     "expect_column_values_to_match_regex", "sentence"),
    ("UPDATE staging.batch_claims SET sentence = NULL", "claims",
     "expect_column_values_to_not_be_null", "sentence"),
    ("UPDATE staging.batch_claims SET substance = NULL", "claims",
     "expect_column_values_to_not_be_null", "substance"),
    ("UPDATE staging.batch_claims SET effect = NULL", "claims",
     "expect_column_values_to_not_be_null", "effect"),
]


@pytest.mark.parametrize("corrupt, suite, expectation, column", EVERY,
                         ids=[f"{s}.{e}.{c}" for _, s, e, c in EVERY])
def test_every_expectation_trips_on_its_corruption(history, tmp_path, corrupt, suite, expectation, column):
    con = history
    stage_week3(con, tmp_path)
    con.execute(corrupt)
    try:
        audit_staged(con, AUDITED_AT)
    except CriticalCheckFailed:
        pass  # critical or warning, the result is recorded either way
    failed = con.execute("""SELECT c.suite, r.expectation, r.column_name FROM check_results r
                            JOIN check_runs c USING (check_run_id) WHERE NOT r.success""").fetchall()
    assert (suite, expectation, column) in failed
