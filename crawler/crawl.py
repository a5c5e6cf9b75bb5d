"""Crawl configured sources for one window: discover, filter, fetch politely, archive.

Every fetch is saved to the crawl state as it happens (crawler/state.py) and every body to
the WARC archive (crawler/warc.py), so a killed crawl resumes where it stopped: a URL this
run already fetched is answered from the archive, not the network."""
from __future__ import annotations

import dataclasses
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

from crawler.discover import DiscoveryError, extract_links, parse_feed, parse_sitemap
from crawler.fetch import HTML_TYPES, XML_TYPES, Fetcher, Response
from crawler.models import WITH_BODY, Discovered, FetchRecord, Source, Window
from crawler.robots import MAX_ROBOTS_BYTES, RobotsCache
from crawler.state import CrawlState
from crawler.urls import normalize_url
from crawler.warc import ArchiveError, WarcArchive

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

    def __init__(self, source: Source, window: Window, fetcher: Fetcher, archive: WarcArchive,
                 throttle: HostThrottle, state: CrawlState, run_id: str = ""):
        self.source, self.window, self.fetcher = source, window, _fetcher_for(source, fetcher)
        self._own_fetcher = self.fetcher is not fetcher
        self.archive, self.throttle, self.state, self.run_id = archive, throttle, state, run_id
        self.run_key = window.key
        self.warc = archive.writer(window.key, re.sub(r"[^\w.-]", "_", source.name))
        self.robots = RobotsCache(fetch=self._robots_fetch)
        starts = source.seeds + source.sitemaps + source.feeds
        # Fix: compare hosts in normal form (discovered URLs are normalised; a configured
        # "https://Example.com:443/" used to put every page out of scope).
        self.hosts = {urlsplit(normalize_url(u) or u).netloc.lower() for u in starts}
        self.skipped_out_of_window = 0
        self.skipped_out_of_scope = 0
        self.resumed = 0  # fetches answered from this run's earlier, interrupted attempt

    def run(self, fresh: bool = False) -> None:
        if self.state.finished(self.run_key, self.source.name) and not fresh:
            return  # this window was crawled to the end already: re-running changes nothing
        self.state.start(self.run_key, self.source.name, fresh=fresh)
        try:
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
        finally:
            self.warc.close()
            if self._own_fetcher:
                # Fix (bench/soak.py): a source's own fetcher kept a socket per host open until
                # the garbage collector found it, after the whole crawl: one per source with
                # overrides, so a few thousand such sources ran out of file descriptors.
                self.fetcher.close()
        self.state.finish(self.run_key, self.source.name, _utc_now())

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
            self._note(url, "sitemap", "decode_error", str(exc))
            return
        for page in pages:
            _remember(known, page)
        for child in children:
            # Fix: a sitemap index may only list sitemaps of the same site; children on other
            # hosts were fetched although those hosts are out of the source's scope.
            if urlsplit(child).netloc.lower() in self.hosts:
                self._walk_sitemap(child, known, budget)
            else:
                self.skipped_out_of_scope += 1

    def _parse_into(self, parser, body: bytes, url: str, known: dict) -> None:
        try:
            for item in parser(body, url):
                _remember(known, item)
        except DiscoveryError as exc:
            self._note(url, "feed", "decode_error", str(exc))

    def _fetch_pages(self, frontier: deque, known: dict) -> None:
        seen: set[str] = set()
        pages = 0
        while frontier and pages < self.source.max_pages:
            item = frontier.popleft()
            if item.url in seen:
                continue
            seen.add(item.url)
            if not self._in_scope(item.url):
                self.skipped_out_of_scope += 1
                continue
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
        """Fetch one URL within robots rules and the host's politeness slot; log it. Returns
        the body for fetched, not-modified and duplicate responses."""
        prior = self.state.done(self.run_key, self.source.name, url, kind)
        if prior is not None:  # fetched before this run was interrupted
            self.resumed += 1
            return self._archived_body(prior)
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        host = parts.netloc.lower()
        refused, why, _ = self.fetcher.check(url)
        if refused:  # before robots.txt: its request would be refused the same way
            self._note(url, kind, refused, why)
            return None
        if not self.robots.cached(base):
            with self.throttle.slot(host, self.source.delay_seconds):
                self.robots.rules_for(base)  # robots.txt is fetched once per host and TTL
        if not self.robots.allowed(base, url):
            self._note(url, kind, "robots_disallowed", "disallowed by robots.txt")
            return None
        last = self.state.last_good(url)
        delay = max(self.source.delay_seconds, self.robots.crawl_delay(base))
        with self.throttle.slot(host, delay):
            resp = self.fetcher.get(url, allowed_types=types, headers=_conditional(last),
                                    may_follow=self._may_follow)
        return self._log(resp, kind, last, types)

    def _robots_fetch(self, url: str) -> Response:
        prior = self.state.done(self.run_key, self.source.name, url, "robots")
        if prior is not None:
            self.resumed += 1
            return Response(url=url, final_url=prior["final_url"], status=prior["status"],
                            outcome=prior["outcome"], body=self._archived_body(prior) or b"")
        # Fix (tests/hostile): a robots.txt over the source's max_bytes was refused as
        # too_large, and so the whole host was disallowed; RFC 9309 2.5 asks crawlers to parse
        # the first 500 KiB (at least) instead.
        resp = self.fetcher.get(url, allowed_types=None, keep_first=MAX_ROBOTS_BYTES)
        self._log(resp, "robots", None)
        return resp

    def _may_follow(self, target: str):
        """Fix: robots.txt applies to redirect targets too (it was checked only for the URL
        asked for). For another host this may fetch its robots.txt outside its throttle slot."""
        refused, why, _ = self.fetcher.check(target)
        if refused:
            return refused, f"redirect to {target}: {why}"
        parts = urlsplit(target)
        if not self.robots.allowed(f"{parts.scheme}://{parts.netloc}", target):
            return "robots_disallowed", f"redirect to {target} disallowed by robots.txt"
        return None

    def _log(self, resp: Response, kind: str, last: dict | None, types=None) -> bytes | None:
        """Record the exchange; archive a new body; answer 304s and unchanged bodies from the
        archived copy."""
        fetched_at = _utc_now()
        outcome, body, pointer = resp.outcome, resp.body, None
        content_hash, charset = resp.content_hash, resp.charset
        final_url, content_type = resp.final_url, resp.content_type or None
        if outcome == "not_modified" and last and types and last["content_type"] not in types:
            # Fix: a feed also linked as a page got a 304 for its feed copy and went to the
            # HTML extractor; the allowlist applies to what the 304 stands for.
            outcome, resp.error = "bad_content_type", f"{last['content_type']} (not modified)"
        elif outcome == "not_modified" and last:
            content_hash, charset, pointer = last["content_hash"], last["charset"], last
            final_url, content_type = last["final_url"], last["content_type"]
            body = self._archived_body({"warc_file": last["warc_file"],
                                        "warc_offset": last["warc_offset"]})
        elif outcome == "fetched" and body:
            if last and last["content_hash"] == content_hash:
                outcome, pointer = "duplicate", last  # the archive has these bytes already
            else:
                try:
                    written = self.warc.write(resp.final_url, resp.status, resp.headers, body,
                                              fetched_at)
                    pointer = {"warc_file": written.file, "warc_offset": written.offset}
                except ArchiveError as exc:  # fix (tests/hostile): a full disk ended the crawl
                    outcome, resp.error = "archive_error", f"archive write failed: {exc}"
        if pointer is not None and outcome in ("fetched", "duplicate"):
            self.state.remember(
                resp.url, final_url=final_url, etag=resp.headers.get("etag"),
                last_modified=resp.headers.get("last-modified"), content_hash=content_hash,
                content_type=content_type, charset=charset, warc_file=pointer["warc_file"],
                warc_offset=pointer["warc_offset"], fetched_at=fetched_at)
        has_body = outcome in WITH_BODY and pointer is not None
        record = FetchRecord(
            source=self.source.name, url=resp.url, final_url=final_url, kind=kind,
            fetched_at=fetched_at, window_start=self.window.start.isoformat(),
            run_id=self.run_id, status=resp.status, content_type=content_type,
            charset=charset if has_body else None,
            content_hash=content_hash if has_body else None, size=len(body or b""),
            etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"),
            outcome=outcome, error=resp.error, elapsed_ms=resp.elapsed_ms,
            attempts=resp.attempts, warc_file=pointer["warc_file"] if has_body else None,
            warc_offset=pointer["warc_offset"] if has_body else None,
            redirects=tuple(resp.redirects))
        self.state.save(self.run_key, record.to_json())
        return body if has_body else None

    def _archived_body(self, record: dict) -> bytes | None:
        if not record.get("warc_file"):
            return None
        return self.archive.read_body((record["warc_file"], record["warc_offset"]))

    def _note(self, url: str, kind: str, outcome: str, error: str) -> None:
        """A URL refused before any request (robots.txt), or a body that would not parse."""
        self.state.save(self.run_key, FetchRecord(
            source=self.source.name, url=url, final_url=url, kind=kind, fetched_at=_utc_now(),
            window_start=self.window.start.isoformat(), run_id=self.run_id, outcome=outcome,
            error=error).to_json())


def _fetcher_for(source: Source, base: Fetcher) -> Fetcher:
    """The base fetcher, or one with this source's overrides of its policy."""
    changes = {}
    if source.allow_private_networks and not base.policy.allow_private_networks:
        changes["allow_private_networks"] = True
    if source.allow_private_hosts:
        changes["private_hosts"] = base.policy.private_hosts | frozenset(source.allow_private_hosts)
    if source.max_bytes:
        changes["max_bytes"] = source.max_bytes
    if source.timeout_seconds:
        changes["read_timeout"] = changes["total_timeout"] = source.timeout_seconds
    if not changes:
        return base
    return Fetcher(dataclasses.replace(base.policy, **changes), sleep=base.sleep)


def _conditional(last: dict | None) -> dict:
    """Validators from the last good response: a 304 saves the transfer and the re-analysis."""
    if not last:
        return {}
    headers = {}
    if last.get("etag"):
        headers["If-None-Match"] = last["etag"]
    if last.get("last_modified"):
        headers["If-Modified-Since"] = last["last_modified"]
    return headers


def _remember(known: dict, item: Discovered) -> None:
    """Keep the newest date seen for a URL across sitemaps and feeds."""
    old = known.get(item.url)
    if old is None or (item.lastmod and (old.lastmod is None or item.lastmod > old.lastmod)):
        known[item.url] = item


def _utc_now() -> str:
    # The moment a response arrived is an observation, not a window: the window comes from
    # Airflow's data interval.
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def shard_sources(sources: list[Source], shards: int) -> list[list[str]]:
    """Source names in at most `shards` groups; sources sharing a host stay in one group, so
    the one-request-per-host rule holds across parallel shard tasks. Balanced by source count,
    deterministic (sorted), so a re-run maps the same sources to the same shard."""
    hosts_of = {s.name: {urlsplit(normalize_url(u) or u).netloc.lower()
                         for u in s.seeds + s.sitemaps + s.feeds} for s in sources}
    groups: list[set[str]] = []
    for name in sorted(hosts_of):  # union sources that share a host
        joined = [g for g in groups if any(hosts_of[name] & hosts_of[o] for o in g)]
        merged = {name}.union(*joined)
        groups = [g for g in groups if g not in joined] + [merged]
    bins: list[list[str]] = [[] for _ in range(max(1, min(shards, len(groups))))]
    for group in sorted(groups, key=lambda g: (-len(g), sorted(g))):
        min(bins, key=len).extend(sorted(group))
    return [sorted(b) for b in bins if b]


def crawl_sources(sources: list[Source], window: Window, fetcher: Fetcher, archive: WarcArchive,
                  state: CrawlState, run_id: str = "", max_workers: int = 8,
                  fresh: bool = False) -> dict:
    """Crawl sources concurrently (politeness is per host); records go to the state. Safe to
    run in parallel for disjoint shards (shard_sources). Returns counts."""
    throttle = HostThrottle()
    crawls = [SourceCrawl(s, window, fetcher, archive, throttle, state, run_id) for s in sources
              if s.due(window.start)]
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(crawls) or 1))) as pool:
        list(pool.map(lambda c: c.run(fresh=fresh), crawls))
    return {"sources": len(crawls), "sources_not_due": len(sources) - len(crawls),
            "skipped_out_of_window": sum(c.skipped_out_of_window for c in crawls),
            "skipped_out_of_scope": sum(c.skipped_out_of_scope for c in crawls),
            "resumed": sum(c.resumed for c in crawls)}


def write_fetch_log(state: CrawlState, window: Window, sources: list[Source], run_dir: Path) -> dict:
    """fetches.jsonl for the window, from the state, written to a temp name and renamed so a
    killed task leaves no half file. Returns counts for XCom."""
    run_dir.mkdir(parents=True, exist_ok=True)
    out = run_dir / "fetches.jsonl"
    tmp = out.with_suffix(".jsonl.tmp")
    counts = {"fetches": 0, "pages": 0, "pages_fetched": 0, "pages_unchanged": 0}
    # Streamed (fix, bench/soak.py): the whole run's records were loaded into one list first,
    # a memory spike of ~2.5 KB a fetch at the end of every crawl.
    with open(tmp, "w", encoding="utf-8") as fh:
        for record in state.iter_records(window.key, [s.name for s in sources]):
            fh.write(json.dumps(record, sort_keys=True) + "\n")
            counts["fetches"] += 1
            if record["kind"] == "page":
                counts["pages"] += 1
                counts["pages_fetched"] += record["outcome"] == "fetched"
                counts["pages_unchanged"] += record["outcome"] in ("not_modified", "duplicate")
    tmp.replace(out)
    return {**counts, "path": str(out)}


def crawl(sources: list[Source], window: Window, fetcher: Fetcher, archive: WarcArchive,
          run_dir: Path, state: CrawlState, run_id: str = "", max_workers: int = 8,
          fresh: bool = False) -> dict:
    """Crawl every source for the window and write its fetch log (one process, no shards)."""
    counts = crawl_sources(sources, window, fetcher, archive, state, run_id, max_workers, fresh)
    return {**counts, **write_fetch_log(state, window, sources, run_dir)}
