"""Crawl configured sources for one window: discover, filter, fetch politely, archive."""
from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from crawler.archive import Archive
from crawler.discover import DiscoveryError, extract_links, parse_feed, parse_sitemap
from crawler.fetch import HTML_TYPES, XML_TYPES, Fetcher, Response
from crawler.models import Discovered, FetchRecord, Source, Window
from crawler.robots import RobotsCache
from crawler.urls import normalize_url

MAX_SITEMAPS = 50  # per source and run, including children of sitemap indexes


class HostThrottle:
    """One request at a time per host, with at least `delay` seconds between requests."""

    def __init__(self):
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._guard = threading.Lock()
        self._next: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str, delay: float):
        with self._guard:
            lock = self._locks[host]
        with lock:
            wait = self._next.get(host, 0.0) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._next[host] = time.monotonic() + delay


class SourceCrawl:
    """The crawl of one source within one window."""

    def __init__(self, source: Source, window: Window, fetcher: Fetcher, archive: Archive,
                 throttle: HostThrottle):
        self.source, self.window, self.fetcher = source, window, fetcher
        self.archive, self.throttle = archive, throttle
        self.robots = RobotsCache(fetcher, on_response=lambda resp: self._log(resp, "robots"))
        self.records: list[FetchRecord] = []
        starts = source.seeds + source.sitemaps + source.feeds
        # Fix: compare hosts in normal form (discovered URLs are normalised; a configured
        # "https://Example.com:443/" used to put every page out of scope).
        self.hosts = {urlsplit(normalize_url(u) or u).netloc.lower() for u in starts}
        self.skipped_out_of_window = 0

    def run(self) -> list[FetchRecord]:
        known: dict[str, Discovered] = {}
        for url in self.source.sitemaps:
            self._walk_sitemap(url, known, budget=[MAX_SITEMAPS])
        for url in self.source.feeds:
            body = self._fetch(url, "feed", XML_TYPES)
            if body:
                self._parse_into(parse_feed, body, url, known)
        frontier = deque()
        for url in self.source.seeds:
            frontier.append(Discovered(normalize_url(url) or url, None, "seed", 0))
        frontier.extend(d for d in known.values())
        self._fetch_pages(frontier, known)
        return self.records

    def _walk_sitemap(self, url: str, known: dict, budget: list[int]) -> None:
        if budget[0] <= 0:
            return
        budget[0] -= 1
        body = self._fetch(url, "sitemap", XML_TYPES)
        if not body:
            return
        try:
            pages, children = parse_sitemap(body, url)
        except DiscoveryError as exc:
            self._note(url, "sitemap", "parse_error", str(exc))
            return
        for page in pages:
            _remember(known, page)
        for child in children:
            # Fix: a sitemap index may only list sitemaps of the same site; children on other
            # hosts were fetched although those hosts are out of the source's scope.
            if urlsplit(child).netloc.lower() in self.hosts:
                self._walk_sitemap(child, known, budget)
            else:
                self._note(child, "sitemap", "out_of_scope", f"listed in {url}")

    def _parse_into(self, parser, body: bytes, url: str, known: dict) -> None:
        try:
            for item in parser(body, url):
                _remember(known, item)
        except DiscoveryError as exc:
            self._note(url, "feed", "parse_error", str(exc))

    def _fetch_pages(self, frontier: deque, known: dict) -> None:
        seen: set[str] = set()
        pages = 0
        while frontier and pages < self.source.max_pages:
            item = frontier.popleft()
            if item.url in seen or not self._in_scope(item.url):
                continue
            seen.add(item.url)
            dated = known.get(item.url)
            if dated and dated.lastmod and not self.window.contains(dated.lastmod):
                self.skipped_out_of_window += 1  # unchanged in this window: not fetched
                continue
            pages += 1
            body = self._fetch(item.url, "page", HTML_TYPES)
            if body and item.depth < self.source.max_depth:
                for link in extract_links(body, item.url):
                    if link not in seen:
                        frontier.append(Discovered(link, None, "link", item.depth + 1))

    def _in_scope(self, url: str) -> bool:
        if urlsplit(url).netloc.lower() not in self.hosts:
            return False
        if self.source.allow and not any(re.search(p, url) for p in self.source.allow):
            return False
        return not any(re.search(p, url) for p in self.source.deny)

    def _fetch(self, url: str, kind: str, types) -> bytes | None:
        """Fetch one URL within robots rules and the host's politeness slot; log it."""
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        host = parts.netloc.lower()
        if not self.robots.cached(base):
            with self.throttle.slot(host, self.source.delay_seconds):
                self.robots.rules_for(base)  # robots.txt is fetched once per host and run
        if not self.robots.allowed(base, url):
            self._note(url, kind, "blocked_robots", "disallowed by robots.txt")
            return None
        delay = max(self.source.delay_seconds, self.robots.crawl_delay(base))
        with self.throttle.slot(host, delay):
            resp = self.fetcher.get(url, allowed_types=types, may_follow=self._may_follow)
        self._log(resp, kind)
        return resp.body if resp.outcome == "ok" and resp.body else None

    def _may_follow(self, target: str):
        """Fix: robots.txt applies to redirect targets too (it was checked only for the URL
        asked for). For another host this may fetch its robots.txt outside its throttle slot."""
        parts = urlsplit(target)
        if not self.robots.allowed(f"{parts.scheme}://{parts.netloc}", target):
            return "blocked_robots", f"redirect to {target} disallowed by robots.txt"
        return None

    def _log(self, resp: Response, kind: str) -> None:
        if resp.outcome == "ok" and resp.body:
            self.archive.put(resp.content_hash, resp.body)
        self.records.append(FetchRecord(
            source=self.source.name, url=resp.url, final_url=resp.final_url, kind=kind,
            fetched_at=_utc_now(), window_start=self.window.start.isoformat(),
            status=resp.status, content_type=resp.content_type or None,
            content_hash=resp.content_hash if resp.outcome == "ok" else None,
            size=len(resp.body), etag=resp.headers.get("etag"),
            last_modified=resp.headers.get("last-modified"), outcome=resp.outcome,
            error=resp.error, redirects=tuple(resp.redirects)))

    def _note(self, url: str, kind: str, outcome: str, error: str) -> None:
        self.records.append(FetchRecord(
            source=self.source.name, url=url, final_url=url, kind=kind, fetched_at=_utc_now(),
            window_start=self.window.start.isoformat(), outcome=outcome, error=error))


def _remember(known: dict, item: Discovered) -> None:
    """Keep the newest date seen for a URL across sitemaps and feeds."""
    old = known.get(item.url)
    if old is None or (item.lastmod and (old.lastmod is None or item.lastmod > old.lastmod)):
        known[item.url] = item


def _utc_now() -> str:
    # The moment a response arrived is an observation, not a window: the window comes from
    # Airflow's data interval.
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def crawl(sources: list[Source], window: Window, fetcher: Fetcher, archive: Archive,
          run_dir: Path, max_workers: int = 8) -> dict:
    """Crawl every source concurrently (politeness is per host) and write fetches.jsonl.

    The file is written to a temp name and renamed, so a killed crawl leaves no half file.
    Returns counts for XCom."""
    throttle = HostThrottle()
    crawls = [SourceCrawl(s, window, fetcher, archive, throttle) for s in sources]
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(crawls)))) as pool:
        results = list(pool.map(lambda c: c.run(), crawls))
    run_dir.mkdir(parents=True, exist_ok=True)
    out = run_dir / "fetches.jsonl"
    tmp = out.with_suffix(".jsonl.tmp")
    records = [r for batch in results for r in batch]
    with open(tmp, "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record.to_json(), sort_keys=True) + "\n")
    tmp.replace(out)
    pages = [r for r in records if r.kind == "page"]
    return {
        "fetches": len(records),
        "pages": len(pages),
        "pages_ok": sum(r.outcome == "ok" for r in pages),
        "skipped_out_of_window": sum(c.skipped_out_of_window for c in crawls),
        "path": str(out),
    }
