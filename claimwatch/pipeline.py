"""Stage entry points the DAGs call: each wires settings to one stage's functions and returns
small dicts (paths and counts) fit for XCom. Callable without Airflow."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from claimwatch.settings import Settings
from crawler.models import Window


def run_dir(settings: Settings, window: Window) -> Path:
    """One folder per crawl window: re-running a window overwrites its own files."""
    return settings.runs_dir / window.key


def crawl_window(settings: Settings, window: Window) -> dict:
    from crawler.archive import Archive
    from crawler.crawl import crawl
    from crawler.fetch import Fetcher, FetchPolicy
    from crawler.sources import load_sources

    sources = load_sources(settings.sources_path)
    fetcher = Fetcher(FetchPolicy(allow_private_networks=settings.allow_private_networks))
    return crawl(sources, window, fetcher, Archive(settings.archive_dir), run_dir(settings, window))


def extract_window(settings: Settings, fetches_path: str) -> dict:
    from crawler.archive import Archive
    from extractors.batch import extract_run

    out = Path(fetches_path).with_name("analyses.jsonl")
    return extract_run(Path(fetches_path), Archive(settings.archive_dir).get, out)


def migrate_warehouse(settings: Settings) -> list[str]:
    from warehouse.db import connect, migrate

    with connect(settings.warehouse_path) as con:
        return migrate(con)


def load_window(settings: Settings, fetches_path: str, analyses_path: str) -> dict:
    from warehouse.db import connect, migrate
    from warehouse.load import load_batch

    with connect(settings.warehouse_path) as con:
        migrate(con)
        return load_batch(con, Path(fetches_path), Path(analyses_path))


def check_batch(settings: Settings, load_id: str | None) -> dict:
    from checks.validate import check_load
    from warehouse.db import connect

    if load_id is None:  # nothing was crawled (no sources, or nothing in the window)
        return {"evaluated": 0, "failed": 0, "warnings": 0}
    with connect(settings.warehouse_path) as con:
        return check_load(con, load_id)


class ReportNotReady(RuntimeError):
    """The week's ingest has not loaded, or its batch failed a critical check: retry later."""


def ensure_week_ready(con, week: date) -> None:
    from warehouse.db import query_text

    loads, checked, critical = con.execute(query_text("select_week_readiness"), [week]).fetchone()
    if loads == 0 or checked < loads:
        raise ReportNotReady(f"week of {week}: {loads} loads, {checked} checked; the ingest for "
                             "this week has not finished")
    if critical:
        raise ReportNotReady(f"week of {week}: {critical} critical expectations failed; fix the "
                             "batch and re-run the ingest before reporting")


def report_for(settings: Settings, interval_end: datetime, smtp=None) -> dict:
    """Build and deliver the report of the last full week before `interval_end`."""
    from reports.build import build_report, deliver
    from reports.window import report_week
    from warehouse.db import connect, migrate

    # Weeks are Monday 00:00 to Monday 00:00 UTC, as the crawl windows and views are.
    week: date = report_week(interval_end, "UTC")
    with connect(settings.warehouse_path) as con:
        migrate(con)
        ensure_week_ready(con, week)
        data, message, html_path = build_report(
            con, week, settings.reports_dir, settings.report_from, settings.report_to)
        result = deliver(con, data, message, html_path, settings.outbox_dir, smtp)
    return {"week_start": week.isoformat(), **result}
