from datetime import date

import pytest

from checks.validate import check_load
from claimwatch.pipeline import ReportNotReady, ensure_week_ready
from tests.conftest import page_html, write_batch
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
