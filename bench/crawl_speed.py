"""Crawl throughput beside Scrapy, on a local multi-host site (bench/crawl_site.py).

    python -m bench.crawl_speed [--hosts 20 --pages 250 --concurrency 16 --repeat 3]

Target (issue): with delays off for loopback, claimwatch fetches at least as many pages per
second as Scrapy configured the same way (robots on, same total concurrency, one request at a
time per host, every body archived gzip-compressed by sha256); peak memory reported.

Each crawl runs in its own subprocess, so its peak RSS (from wait4) is its own; the site runs
in this process. Runs alternate between crawlers so drift (thermal, page cache) hits both."""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CRAWLERS = ("claimwatch", "scrapy")


# --- claimwatch (child process) -------------------------------------------------------------

def run_claimwatch(bases: list[str], concurrency: int, workdir: Path) -> dict:
    from crawler.crawl import crawl
    from crawler.fetch import Fetcher, FetchPolicy
    from crawler.models import Source, Window
    from crawler.state import CrawlState
    from crawler.warc import WarcArchive

    sources = [Source(name=f"h{i}", sitemaps=(base + "/sitemap.xml",), max_pages=300,
                      max_depth=0, delay_seconds=0.0, allow_private_networks=True)
               for i, base in enumerate(bases)]
    # crawl_site dates every page within 2025.
    window = Window(datetime(2025, 1, 1, tzinfo=timezone.utc),
                    datetime(2026, 1, 1, tzinfo=timezone.utc))
    state = CrawlState(workdir / "state.sqlite")  # fresh: nothing is skipped as already fetched
    t0 = time.perf_counter()
    result = crawl(sources, window, Fetcher(FetchPolicy()), WarcArchive(workdir / "archive"),
                   workdir / "run", state, run_id="bench", max_workers=concurrency)
    seconds = time.perf_counter() - t0
    ok = {"page": 0, "robots": 0, "sitemap": 0}
    for line in open(result["path"], encoding="utf-8"):
        rec = json.loads(line)
        if rec["outcome"] == "fetched" and rec["status"] == 200 and rec["kind"] in ok:
            ok[rec["kind"]] += 1
    return {"seconds": seconds, "pages": ok["page"], "robots": ok["robots"],
            "sitemaps": ok["sitemap"], "fetches": result["fetches"]}


# --- Scrapy (child process) -----------------------------------------------------------------

class ArchivePipeline:
    """Roughly the work claimwatch does per body (a gzipped WARC record and a state row):
    sha256, gzip level 6, temp name then rename, once per hash; plus one JSON line per page,
    as claimwatch records each fetch."""

    def open_spider(self, spider=None):
        self.root = Path(os.environ["BENCH_WORKDIR"]) / "archive"
        self.log = open(self.root.parent / "items.jsonl", "w", encoding="utf-8")

    def close_spider(self, spider=None):
        self.log.close()

    def process_item(self, item, spider=None):
        body = item.pop("body")
        digest = hashlib.sha256(body).hexdigest()
        path = self.root / digest[:2] / f"{digest}.gz"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with gzip.open(tmp, "wb", compresslevel=6) as fh:
                fh.write(body)
            os.replace(tmp, path)
        self.log.write(json.dumps({**item, "content_hash": digest, "size": len(body)}) + "\n")
        return item


def _per_port(request):
    # Scrapy's download slot (its unit for CONCURRENT_REQUESTS_PER_DOMAIN and for the
    # scheduler's DownloaderAwarePriorityQueue) is the host NAME without the port, so all
    # ports of 127.0.0.1 would share one slot: one request at a time in total. Key it on
    # host:port, as claimwatch's HostThrottle does, so each port is a host for both crawlers.
    from scrapy.utils.httpobj import urlparse_cached

    request.meta.setdefault("download_slot", urlparse_cached(request).netloc)
    return request


class PerPortSlotMiddleware:
    """Same slot key for the robots.txt requests Scrapy's RobotsTxtMiddleware makes itself."""

    def process_request(self, request, spider=None):
        _per_port(request)


def run_scrapy(bases: list[str], concurrency: int, workdir: Path) -> dict:
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    class BenchSpider(SitemapSpider):
        name = "bench"
        sitemap_urls = [base + "/sitemap.xml" for base in bases]

        async def start(self):
            async for request in super().start():
                yield _per_port(request)

        def _parse_sitemap(self, response):
            # Slot set here, before scheduling, so the scheduler spreads requests over ports.
            for request in super()._parse_sitemap(response):
                yield _per_port(request)

        def parse(self, response):
            yield {"url": response.url, "status": response.status, "body": response.body}

    os.environ["BENCH_WORKDIR"] = str(workdir)
    settings = {
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,  # per slot, i.e. per port (see _per_port)
        "CONCURRENT_REQUESTS_PER_IP": 0,      # 0: the slot is not keyed on the IP
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "RETRY_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,       # would open a listening port
        "LOG_LEVEL": "WARNING",
        "ITEM_PIPELINES": {"bench.crawl_speed.ArchivePipeline": 300},
        # 50: before RobotsTxtMiddleware (100), which issues the robots.txt requests.
        "DOWNLOADER_MIDDLEWARES": {"bench.crawl_speed.PerPortSlotMiddleware": 50},
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BenchSpider)
    t0 = time.perf_counter()
    process.crawl(crawler)
    process.start()
    seconds = time.perf_counter() - t0
    stats = crawler.stats.get_stats()
    pages = sum(1 for line in open(workdir / "items.jsonl") if json.loads(line)["status"] == 200)
    robots = stats.get("robotstxt/response_status_count/200", 0)
    ok = stats.get("downloader/response_status_count/200", 0)
    return {"seconds": seconds, "pages": pages, "robots": robots,
            "sitemaps": ok - pages - robots, "fetches": stats.get("downloader/response_count")}


# --- parent ---------------------------------------------------------------------------------

def run_child(name: str, bases: list[str], concurrency: int) -> dict:
    """One crawl in a fresh interpreter; returns its result plus peak RSS and process time."""
    workdir = Path(tempfile.mkdtemp(prefix=f"crawl-bench-{name}-"))
    cmd = [sys.executable, "-m", "bench.crawl_speed", "--child", name,
           "--concurrency", str(concurrency), "--workdir", str(workdir), "--bases", ",".join(bases)]
    out = workdir / "child.out"
    t0 = time.perf_counter()
    with open(out, "w") as fh:  # a file, not a pipe: we block in wait4, not in reading
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=fh)
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the max over all).
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed ({proc.returncode}); see {out}")
    result = json.loads(out.read_text().strip().splitlines()[-1])
    # Bytes the crawl archived: a check that both really stored every body.
    result["archive_mib"] = sum(f.stat().st_size for f in (workdir / "archive").rglob("*")
                                if f.is_file()) / 2**20
    shutil.rmtree(workdir, ignore_errors=True)
    return {**result, "process_s": wall, "rss_mib": usage.ru_maxrss / 1024}  # KiB on Linux


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--pages", type=int, default=250)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=CRAWLERS, action="append", help="run just this crawler")
    ap.add_argument("--child", choices=CRAWLERS, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--bases", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        runner = run_claimwatch if args.child == "claimwatch" else run_scrapy
        print(json.dumps(runner(args.bases.split(","), args.concurrency, args.workdir)))
        return

    from bench.crawl_site import serve_site

    crawlers = args.only or CRAWLERS
    runs: dict[str, list[dict]] = {name: [] for name in crawlers}
    with serve_site(args.hosts, args.pages) as bases:
        for i in range(args.repeat):
            for name in crawlers:
                r = run_child(name, bases, args.concurrency)
                runs[name].append(r)
                complete = (r["pages"], r["robots"], r["sitemaps"]) == (
                    args.hosts * args.pages, args.hosts, args.hosts)
                print(f"run {i + 1} {name}: {r['pages']} pages, {r['robots']} robots, "
                      f"{r['sitemaps']} sitemaps, {r['archive_mib']:.1f} MiB archived, "
                      f"{r['seconds']:.2f} s, {r['rss_mib']:.0f} MiB"
                      f"{'' if complete else '  INCOMPLETE'}", file=sys.stderr)

    print(f"\n{args.hosts} hosts x {args.pages} pages on 127.0.0.1, concurrency "
          f"{args.concurrency}, one request at a time per host, {args.repeat} runs each "
          f"(crawl time excludes interpreter start; process time includes it)\n")
    print("| crawler | pages fetched | crawl s best / median | pages/s best / median "
          "| process s median | peak RSS MiB max |")
    print("|---|---|---|---|---|---|")
    for name, rs in runs.items():
        secs = [r["seconds"] for r in rs]
        pages = sorted({r["pages"] for r in rs})
        rates = [r["pages"] / r["seconds"] for r in rs]
        print(f"| {name} | {'/'.join(map(str, pages))} | {min(secs):.2f} / "
              f"{statistics.median(secs):.2f} | {max(rates):.0f} / {statistics.median(rates):.0f} "
              f"| {statistics.median(r['process_s'] for r in rs):.2f} "
              f"| {max(r['rss_mib'] for r in rs):.0f} |")


if __name__ == "__main__":
    main()
