"""Stage entry points the DAGs call: each wires settings to one stage's functions and returns
small dicts (paths and counts) fit for XCom. Callable without Airflow."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from claimwatch.settings import Settings
from crawler.models import Window


def run_dir(settings: Settings, window: Window) -> Path:
    """One folder per crawl window: re-running a window overwrites its own files."""
    return settings.runs_dir / window.key


def _crawl_parts(settings: Settings):
    from crawler.fetch import Fetcher, FetchPolicy
    from crawler.sources import load_sources
    from crawler.state import CrawlState
    from crawler.warc import WarcArchive

    sources = load_sources(settings.sources_path)
    fetcher = Fetcher(FetchPolicy())  # sources loosen it one by one (allow_private_networks)
    return sources, fetcher, WarcArchive(settings.archive_dir), CrawlState(settings.crawl_state_path)


def plan_crawl(settings: Settings, shards: int) -> list[list[str]]:
    """Source names in shards for parallel crawl tasks (sources sharing a host together)."""
    from crawler.crawl import shard_sources
    from crawler.sources import load_sources

    return shard_sources(load_sources(settings.sources_path), shards)


def crawl_shard(settings: Settings, window: Window, names: list[str], run_id: str = "") -> dict:
    from crawler.crawl import crawl_sources

    sources, fetcher, archive, state = _crawl_parts(settings)
    chosen = [s for s in sources if s.name in set(names)]
    try:
        return crawl_sources(chosen, window, fetcher, archive, state, run_id)
    finally:
        state.close()


def finish_crawl(settings: Settings, window: Window) -> dict:
    from crawler.crawl import write_fetch_log

    sources, _, _, state = _crawl_parts(settings)
    try:
        return write_fetch_log(state, window, sources, run_dir(settings, window))
    finally:
        state.close()


def crawl_window(settings: Settings, window: Window, run_id: str = "", fresh: bool = False) -> dict:
    """The whole crawl in one process (the CLI, and tests): shards and fetch log."""
    from crawler.crawl import crawl

    sources, fetcher, archive, state = _crawl_parts(settings)
    try:
        return crawl(sources, window, fetcher, archive, run_dir(settings, window), state,
                     run_id=run_id, fresh=fresh)
    finally:
        state.close()


def extract_window(settings: Settings, fetches_path: str) -> dict:
    from crawler.warc import WarcArchive
    from extractors.batch import extract_run, pages_to_analyse

    archive = WarcArchive(settings.archive_dir)
    fetches = Path(fetches_path)
    known = _analysed_versions(settings, pages_to_analyse(fetches))
    return extract_run(fetches, archive.read_body, fetches.with_name("analyses.jsonl"), known)


def _analysed_versions(settings: Settings, pages: list[dict]) -> set[tuple[str, str]]:
    """(url, content hash) of the unchanged pages (304 or same bytes) that the warehouse has
    already analysed with this extractor version: those are not analysed again. Read-only;
    when the warehouse is missing or busy the answer is "none", which costs only CPU."""
    import duckdb

    from extractors import EXTRACTOR_VERSION
    from warehouse.db import connect, query_text

    hashes = sorted({p["content_hash"] for p in pages if p["outcome"] != "fetched"})
    if not hashes or not settings.warehouse_path.exists():
        return set()
    try:
        with connect(settings.warehouse_path, read_only=True) as con:
            rows = con.execute(query_text("select_analysed_versions"),
                               [EXTRACTOR_VERSION, hashes]).fetchall()
    except duckdb.Error:
        return set()
    return {(url, content_hash) for url, content_hash in rows}


def migrate_warehouse(settings: Settings) -> list[str]:
    from warehouse.db import connect, migrate

    with connect(settings.warehouse_path) as con:
        return migrate(con)


def stage_window(settings: Settings, fetches_path: str, analyses_path: str) -> dict:
    """Write–audit–publish, the write: the batch into the warehouse's staging schema."""
    from crawler.sources import SourcesError, load_sources
    from warehouse.db import connect, migrate
    from warehouse.load import stage

    try:
        sources = load_sources(settings.sources_path)
    except (OSError, SourcesError):
        sources = []  # the file changed since the crawl: the batch still loads
    with connect(settings.warehouse_path) as con:
        migrate(con)
        return stage(con, Path(fetches_path), Path(analyses_path), sources)


def audit_batch(settings: Settings) -> dict:
    """The audit: Great Expectations on the staged batch; quarantine; block on critical."""
    from checks.audit import audit_staged
    from warehouse.db import connect

    with connect(settings.warehouse_path) as con:
        # The audit's own time bounds "fetched in the future"; it is not a window.
        return audit_staged(con, datetime.now(timezone.utc).replace(tzinfo=None),
                            settings.quality_dir)


def publish_batch(settings: Settings) -> dict:
    """The publish: merge the audited batch (one transaction), then the analysts' snapshot."""
    from warehouse.db import connect
    from warehouse.load import merge_staged
    from warehouse.snapshot import publish

    from checks.rules import evaluate

    with connect(settings.warehouse_path) as con:
        merged = merge_staged(con)
        seen = [r[0] for r in con.execute("SELECT doc_id FROM document_sightings WHERE load_id = ?",
                                          [merged["load_id"]]).fetchall()]
        rules = evaluate(con, doc_ids=seen) if seen else {"flags": 0}
        return {**merged, "rule_flags": rules["flags"], **publish(con, settings.snapshot_path)}


def load_window(settings: Settings, fetches_path: str, analyses_path: str) -> dict:
    """Stage, audit and publish one batch in one call (the CLI and tests; the DAG runs the
    three as tasks)."""
    staged = stage_window(settings, fetches_path, analyses_path)
    audited = audit_batch(settings)
    return {**publish_batch(settings), "load_id": staged["load_id"], "audit": audited}


def check_batch(settings: Settings, load_id: str | None) -> dict:
    from checks.validate import check_load
    from warehouse.db import connect

    if load_id is None:  # nothing was crawled (no sources, or nothing in the window)
        return {"evaluated": 0, "failed": 0, "warnings": 0}
    with connect(settings.warehouse_path) as con:
        return check_load(con, load_id)


def reprocess(settings: Settings, since: datetime | None = None, force: bool = False) -> dict:
    """Re-analyse archived pages with the current extractor version (no crawling)."""
    from crawler.warc import WarcArchive
    from warehouse.db import connect, migrate
    from warehouse.reprocess import reprocess as run

    with connect(settings.warehouse_path) as con:
        migrate(con)
        return run(con, WarcArchive(settings.archive_dir).read_body, since, force)


def run_rules(settings: Settings, since: datetime | None = None) -> dict:
    """Re-run the claim rules (config/rules.yaml) over documents first seen since `since`,
    then republish the snapshot: a retuned rule reaches past weeks without recrawling."""
    from checks.rules import evaluate
    from warehouse.db import connect, migrate
    from warehouse.snapshot import publish

    with connect(settings.warehouse_path) as con:
        migrate(con)
        result = evaluate(con, since=since)
        return {**result, **publish(con, settings.snapshot_path)}


def run_recent_rules(settings: Settings, weeks: int, anchor: datetime | None = None) -> dict:
    """run_rules over the `weeks` before `anchor` (the end of a loaded window); without one,
    before the end of the newest loaded window. Never the wall clock."""
    from warehouse.db import connect, query_text

    if anchor is None:
        if not settings.warehouse_path.exists():
            return {"rule_flags": 0, "reason": "no warehouse yet"}
        with connect(settings.warehouse_path, read_only=True) as con:
            anchor = con.execute(query_text("select_latest_window_end")).fetchone()[0]
        if anchor is None:
            return {"rule_flags": 0, "reason": "nothing loaded yet"}
        anchor = anchor.replace(tzinfo=timezone.utc)
    return {**run_rules(settings, anchor - timedelta(weeks=weeks)), "anchor": anchor.isoformat()}


def publish_snapshot(settings: Settings) -> dict:
    """Copy the checked warehouse to the analysts' snapshot (warehouse/snapshot.py)."""
    from warehouse.db import connect
    from warehouse.snapshot import publish

    with connect(settings.warehouse_path) as con:
        return publish(con, settings.snapshot_path)


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


def report_for(settings: Settings, interval_end: datetime, smtp=None, force: bool = False) -> dict:
    """Build and deliver the report of the last full week (Monday to Monday in the report's
    timezone, config/report.yaml) that ends at or before `interval_end`, the run's data
    interval end. Never the clock."""
    from reports.config import load_report_config
    from reports.window import report_week

    config = load_report_config(settings.home)
    return build_week(settings, report_week(interval_end, config.timezone), send=True,
                      smtp=smtp, force=force, config=config)


def build_week(settings: Settings, week: date, send: bool = False, smtp=None,
               force: bool = False, config=None) -> dict:
    """Rebuild the report of the week starting on Monday `week` (data/reports/<YYYY>-W<ww>.html);
    with `send`, deliver it to every recipient that has not had it (all of them if `force`)."""
    from reports.build import build_report
    from reports.config import load_report_config
    from reports.delivery import deliver
    from warehouse.db import connect, migrate

    config = config or load_report_config(settings.home)
    with connect(settings.warehouse_path) as con:
        migrate(con)
        ensure_week_ready(con, week)
        report = build_report(con, week, settings.reports_dir, config,
                              quality_docs=_data_docs_link(settings, config))
        result = {"week_start": week.isoformat(), "week": report.data.label,
                  "html": str(report.html_path)}
        if send:
            result.update(deliver(con, report, config.recipients, settings.outbox_dir, smtp,
                                  force=force, attempts=config.send_attempts,
                                  backoff_seconds=config.backoff_seconds))
    return result


def _data_docs_link(settings: Settings, config) -> Path | str:
    """Where the report links the Data Docs: a configured URL, else the local site's index."""
    return config.data_docs_url or settings.quality_dir / "index.html"
