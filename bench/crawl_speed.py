"""Crawl throughput beside Scrapy, on a local multi-host site (bench/crawl_site.py).

    python -m bench.crawl_speed [--hosts 20 --pages 250 --concurrency 16 --repeat 5]

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


def measure(hosts: int, pages: int, concurrency: int, runs: int,
            crawlers=CRAWLERS, warmup: int = 1) -> dict:
    """Warm-up crawls, then `runs` crawls per crawler, alternating, against one site; per run
    the pages/s of each, and their ratio within the same round (so machine noise cancels)."""
    from bench import harness
    from bench.crawl_site import serve_site

    runs_by: dict[str, list[dict]] = {name: [] for name in crawlers}
    with serve_site(hosts, pages) as bases:
        for i in range(warmup + runs):
            for name in crawlers:
                r = run_child(name, bases, concurrency)
                r["complete"] = (r["pages"], r["robots"], r["sitemaps"]) == (hosts * pages, hosts, hosts)
                print(f"{'warm-up' if i < warmup else f'run {i - warmup + 1}'} {name}: "
                      f"{r['pages']} pages, {r['archive_mib']:.1f} MiB archived, {r['seconds']:.2f} s, "
                      f"{r['rss_mib']:.0f} MiB{'' if r['complete'] else '  INCOMPLETE'}", file=sys.stderr)
                if i >= warmup:
                    runs_by[name].append(r)
    incomplete = [name for name, rs in runs_by.items() if not all(r["complete"] for r in rs)]
    if incomplete:
        # A crawl that missed pages would look faster than it is: no ratio from it.
        raise RuntimeError(f"incomplete crawl by {', '.join(incomplete)} (see the log above)")
    out = {"hosts": hosts, "pages_per_host": pages, "concurrency": concurrency, "crawlers": {}}
    for name, rs in runs_by.items():
        out["crawlers"][name] = {
            "pages": sorted({r["pages"] for r in rs}), "complete": all(r["complete"] for r in rs),
            "seconds": harness.summary([r["seconds"] for r in rs]),
            "pages_per_s": harness.summary([r["pages"] / r["seconds"] for r in rs]),
            "process_s": harness.summary([r["process_s"] for r in rs]),
            "rss_mib": max(r["rss_mib"] for r in rs)}
    if set(crawlers) == set(CRAWLERS):
        out["ratio"] = harness.summary([b["seconds"] / a["seconds"] for a, b in
                                        zip(runs_by["claimwatch"], runs_by["scrapy"])])
    return out


def run(quick: bool = False) -> dict:
    """The section for bench/run.py: 20 hosts x 250 pages (quick: 4 x 40)."""
    from bench import harness

    if quick:
        return measure(4, 40, 16, runs=2)
    return measure(20, 250, 16, runs=harness.RUNS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--pages", type=int, default=250)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", choices=CRAWLERS, action="append", help="run just this crawler")
    ap.add_argument("--child", choices=CRAWLERS, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--bases", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        runner = run_claimwatch if args.child == "claimwatch" else run_scrapy
        print(json.dumps(runner(args.bases.split(","), args.concurrency, args.workdir)))
        return

    r = measure(args.hosts, args.pages, args.concurrency, args.repeat, args.only or CRAWLERS)
    print(f"\n{args.hosts} hosts x {args.pages} pages on 127.0.0.1, concurrency "
          f"{args.concurrency}, one request at a time per host, median of {args.repeat} runs "
          f"after a warm-up (min–max)\n")
    print("| crawler | pages fetched | crawl s | pages/s | peak RSS MiB |")
    print("|---|---|---|---|---|")
    for name, c in r["crawlers"].items():
        s, p = c["seconds"], c["pages_per_s"]
        print(f"| {name} | {'/'.join(map(str, c['pages']))} | {s['median']:.2f} ({s['min']:.2f}–{s['max']:.2f}) "
              f"| {p['median']:.0f} ({p['min']:.0f}–{p['max']:.0f}) | {c['rss_mib']:.0f} |")
    if "ratio" in r:
        print(f"\nScrapy's time / claimwatch's, per round: median {r['ratio']['median']:.2f}")


if __name__ == "__main__":
    main()
