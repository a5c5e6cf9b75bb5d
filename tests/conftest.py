"""Shared fixtures: fixture pages, synthetic crawl batches, a migrated warehouse, the demo web."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages"


def page_html(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def write_batch(run_dir: Path, pages: list[tuple[str, str]], window_start: str,
                fetched_at: str | None = None, extra_fetches: list[dict] = ()) -> tuple[Path, Path]:
    """Write fetches.jsonl as the crawler would, then run the real extract stage.
    pages: (url, html). Returns (fetches_path, analyses_path)."""
    from extractors.batch import extract_run

    run_dir.mkdir(parents=True, exist_ok=True)
    bodies = {}
    fetches = []
    for url, html in pages:
        body = html.encode("utf-8")
        digest = hashlib.sha256(body).hexdigest()
        bodies[digest] = body
        fetches.append({
            "source": "fixtures", "url": url, "final_url": url, "kind": "page",
            "fetched_at": fetched_at or _crawl_time(window_start), "window_start": window_start,
            "status": 200, "content_type": "text/html", "content_hash": digest,
            "size": len(body), "etag": None, "last_modified": None, "outcome": "fetched",
            "error": None, "redirects": [], "run_id": "fixtures", "elapsed_ms": 5,
            "attempts": 1, "charset": "utf-8", "warc_file": f"fixtures/{digest}.warc.gz",
            "warc_offset": 0})
    fetches += list(extra_fetches)
    fetches_path = run_dir / "fetches.jsonl"
    fetches_path.write_text("".join(json.dumps(f) + "\n" for f in fetches), encoding="utf-8")
    analyses_path = run_dir / "analyses.jsonl"
    # Bodies by WARC pointer, as crawler.warc.WarcArchive.read_body serves them.
    extract_run(fetches_path, lambda pointer: bodies[pointer[0][9:-8]], analyses_path)
    return fetches_path, analyses_path


def _crawl_time(window_start: str) -> str:
    """When a window's crawl plausibly ran: after its week, once the fixture pages (dated up
    to late November 2026) were published."""
    from datetime import datetime, timedelta
    start = datetime.fromisoformat(window_start)
    return max(start + timedelta(days=7), datetime.fromisoformat("2026-11-23T06:00:00+00:00")).isoformat()


def home_for_one_source(tmp_path: Path, monkeypatch, seed: str):
    """A CLAIMWATCH_HOME in tmp_path whose one source crawls `seed` (a 127.0.0.1 page) and
    its links; returns the settings."""
    from claimwatch import settings

    sources = tmp_path / "sources.yaml"
    sources.write_text(f"""sources:
  - name: local
    seeds: [{seed}]
    max_depth: 1
    delay_seconds: 0
    allow_private_networks: true
""")
    monkeypatch.setenv("CLAIMWATCH_HOME", str(tmp_path))
    monkeypatch.setenv("CLAIMWATCH_SOURCES", str(sources))
    return settings.load()


@pytest.fixture
def warehouse(tmp_path):
    """A migrated, empty DuckDB warehouse connection."""
    from warehouse.db import connect, migrate

    con = connect(tmp_path / "warehouse.duckdb")
    migrate(con)
    yield con
    con.close()


@pytest.fixture
def two_week_warehouse(tmp_path, warehouse):
    """Week 1: the vendor blog coins jargon; week 2: a forum repeats it, a clinic page cites."""
    from warehouse.load import load_batch

    week1 = write_batch(tmp_path / "w1", [
        ("https://fernleaf.example/blog/quiet-evenings.html", page_html("vendor_blog.html"))],
        "2026-11-16T00:00:00+00:00", "2026-11-22T09:00:00+00:00")
    week2 = write_batch(tmp_path / "w2", [
        ("https://harborlights.example/t/evenings.html", page_html("forum_thread.html")),
        ("https://eastbrook.example/sleep.html", page_html("clinic_page.html"))],
        "2026-11-23T00:00:00+00:00", "2026-11-27T09:00:00+00:00")
    load_batch(warehouse, *week1)
    load_batch(warehouse, *week2)
    return warehouse
