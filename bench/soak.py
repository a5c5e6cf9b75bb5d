"""Soak: a long crawl → extract → load through the pipeline's own stage functions, on the local
multi-host site of bench/crawl_site.py, with this process's memory and open files sampled.

    python -m bench.soak [--pages 50000 --hosts 50 --interval 0.5 --keep DIR]

The site runs in a child process, so what is sampled (RSS from /proc/self/status, open file
descriptors from /proc/self/fd) is the pipeline's alone. Passes when:
- the warehouse matches the site exactly: every page fetched once and loaded as one document,
  none missing, none doubled;
- open files come back to where they started, and peak at most a few per host;
- memory stays flat while crawling and extracting: RSS grows by less than MAX_GROWTH_MIB per
  10,000 pages once a stage is 20% through (what the crawl must keep per URL is a few hundred
  bytes: the frontier, the seen set and the sitemap entries). The load stage is reported, not
  judged: it stages the whole batch in memory by design (warehouse/load.py).
Prints a Markdown table for BENCHMARKS.md; exits 1 when a check fails."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_GROWTH_MIB = 20.0  # crawl and extract: RSS per 10,000 pages, after the first 20%
FD_SLACK = 8                 # descriptors the process may keep after the run (logs, caches)


# --- the site (child process) ---------------------------------------------------------------

def serve(hosts: int, pages: int) -> None:
    """Serve the site until stdin closes; print its bases as one JSON line first."""
    from bench.crawl_site import serve_site

    with serve_site(hosts=hosts, pages=pages) as bases:
        print(json.dumps(bases), flush=True)
        sys.stdin.read()


# --- sampling -------------------------------------------------------------------------------

def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@dataclass
class Sample:
    t: float
    stage: str
    rss: float
    fds: int
    pages: int  # page fetches recorded so far (crawl stage)


@dataclass
class Sampler:
    interval: float
    state_path: Path
    stage: str = "start"
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "Sampler":
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.take()
        self._stop.set()
        self._thread.join()

    def take(self) -> None:
        self.samples.append(Sample(time.monotonic(), self.stage, rss_mib(), open_fds(),
                                   self._pages()))

    def _pages(self) -> int:
        if self.stage != "crawl" or not self.state_path.exists():
            return 0
        try:
            # closing(): sqlite3's own context manager commits but keeps the file open.
            with closing(sqlite3.connect(f"file:{self.state_path}?mode=ro", uri=True,
                                         timeout=1)) as con:
                return con.execute("SELECT count(*) FROM run_fetches WHERE kind = 'page'").fetchone()[0]
        except sqlite3.Error:
            return 0

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.take()


# --- the run --------------------------------------------------------------------------------

def write_sources(home: Path, bases: list[str], pages: int) -> Path:
    lines = ["defaults:", "  delay_seconds: 0", "  max_depth: 0", f"  max_pages: {pages + 10}",
             "sources:"]
    for i, base in enumerate(bases):
        lines += [f"  - name: h{i:03d}", f"    sitemaps: ['{base}/sitemap.xml']",
                  f"    allow_private_hosts: ['{base.split('//')[1]}']"]
    path = home / "sources.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(hosts: int, pages: int, interval: float, keep: Path | None) -> int:
    per_host = pages // hosts
    site = subprocess.Popen([sys.executable, "-m", "bench.soak", "--serve", str(hosts),
                             str(per_host)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    bases = json.loads(site.stdout.readline())
    home = keep or Path(tempfile.mkdtemp(prefix="claimwatch-soak-"))
    home.mkdir(parents=True, exist_ok=True)
    os.environ["CLAIMWATCH_HOME"] = str(home)
    os.environ["CLAIMWATCH_SOURCES"] = str(write_sources(home, bases, per_host))

    from claimwatch import pipeline, settings as settings_module
    from crawler.models import Window

    settings = settings_module.load()
    # crawl_site dates every page within 2025.
    window = Window(datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2026, 1, 1, tzinfo=timezone.utc))
    sampler = Sampler(interval, settings.crawl_state_path)
    sampler.take()
    sampler.start()
    stages, results = {}, {}
    try:
        for name, call in (
                ("crawl", lambda: pipeline.crawl_window(settings, window, run_id="soak")),
                ("extract", lambda: pipeline.extract_window(settings, results["crawl"]["path"])),
                ("load", lambda: pipeline.load_window(settings, results["crawl"]["path"],
                                                      results["extract"]["path"]))):
            sampler.stage = name
            sampler.take()
            started = time.monotonic()
            results[name] = call()
            stages[name] = time.monotonic() - started
            sampler.take()
        sampler.stage = "end"
        import gc
        gc.collect()
    finally:
        sampler.stop()
        site.stdin.close()
        site.wait(timeout=60)
    report = check(settings, bases, per_host, sampler.samples, stages, results, interval)
    if keep is None:
        shutil.rmtree(home, ignore_errors=True)
    return report


def check(settings, bases, per_host, samples, stages, results, interval) -> int:
    from warehouse.db import connect

    expected = {f"{b}/articles/{p}.html" for b in bases for p in range(per_host)}
    with connect(settings.warehouse_path, read_only=True) as con:
        fetched = dict(con.execute("SELECT url, count(*) FROM fetches WHERE kind = 'page' "
                                   "AND outcome = 'fetched' GROUP BY url").fetchall())
        other = con.execute("SELECT outcome, count(*) FROM fetches WHERE kind = 'page' AND "
                            "outcome <> 'fetched' GROUP BY 1").fetchall()
        docs = dict(con.execute("SELECT url, count(*) FROM documents GROUP BY url").fetchall())
        errors = con.execute("SELECT count(*) FROM extract_errors").fetchone()[0]
        quarantined = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    missing_fetch, missing_doc = expected - set(fetched), expected - set(docs)
    doubled = sum(n > 1 for n in fetched.values()) + sum(n > 1 for n in docs.values())
    extra = (set(fetched) | set(docs)) - expected

    start = samples[0]
    lines = [f"{len(bases)} hosts × {per_host} pages = {len(expected):,} pages on 127.0.0.1 "
             f"(site in a child process); RSS and open files sampled every {interval:g} s "
             f"and at each stage's start and end ({len(samples)} samples).", "",
             "| stage | seconds | pages/s | RSS MiB start / peak / end | open files start / peak / end |",
             "|---|---|---|---|---|"]
    for name, seconds in stages.items():
        ss = [s for s in samples if s.stage == name]
        lines.append(f"| {name} | {seconds:,.1f} | {len(expected) / seconds:,.0f} | "
                     f"{ss[0].rss:.0f} / {max(s.rss for s in ss):.0f} / {ss[-1].rss:.0f} | "
                     f"{ss[0].fds} / {max(s.fds for s in ss)} / {ss[-1].fds} |")
    end = samples[-1]
    lines.append(f"| whole run | {sum(stages.values()):,.1f} | | {start.rss:.0f} / "
                 f"{max(s.rss for s in samples):.0f} / {end.rss:.0f} | {start.fds} / "
                 f"{max(s.fds for s in samples)} / {end.fds} |")

    growth = {name: growth_per_10k(samples, name, len(expected)) for name in stages}
    fd_peak = max(s.fds for s in samples)
    checks = {
        "every page fetched once": not missing_fetch and not doubled and not extra,
        "every page loaded as one document": not missing_doc and not doubled,
        "no extract errors": errors == 0,
        f"open files back to start (±{FD_SLACK})": end.fds <= start.fds + FD_SLACK,
        "open files peak ≤ start + 4 per host + 32": fd_peak <= start.fds + 4 * len(bases) + 32,
        **{f"{name} RSS growth < {MAX_GROWTH_MIB:g} MiB per 10k pages after the first 20%":
           growth[name] is not None and growth[name] < MAX_GROWTH_MIB
           for name in ("crawl", "extract")},
    }
    lines += ["", f"Warehouse against the site: {len(expected):,} pages expected; "
              f"{len(fetched):,} fetched ({len(missing_fetch)} missing, {doubled} doubled, "
              f"{len(extra)} unexpected, other page outcomes: {other or 'none'}); "
              f"{len(docs):,} documents ({len(missing_doc)} missing); {errors} extract errors; "
              f"{quarantined} rows quarantined. RSS growth after each stage's first 20%, in "
              "MiB per 10,000 pages: " + ", ".join(
                  f"{k} {'n/a' if v is None else f'{v:.1f}'}" for k, v in growth.items()) + ".", ""]
    lines += [f"- {'PASS' if ok else 'FAIL'}: {name}" for name, ok in checks.items()]
    print("\n".join(lines))
    trace = [f"{s.t - start.t:7.1f} s {s.stage:8} rss {s.rss:7.1f} MiB fds {s.fds:4} pages {s.pages}"
             for s in samples[::max(1, len(samples) // 40)]]
    print("\nTrace (every ~40th sample):\n" + "\n".join(trace), file=sys.stderr)
    return 0 if all(checks.values()) else 1


def growth_per_10k(samples: list[Sample], stage: str, pages: int) -> float | None:
    """RSS growth of a stage from 20% of its work to its end, per 10,000 pages. Progress is
    the pages recorded for the crawl; for the other stages, which work at an even pace over
    the pages, the share of the stage's time."""
    ss = [s for s in samples if s.stage == stage]
    if len(ss) < 5:
        return None
    if stage == "crawl":
        done = [(s.pages / pages, s) for s in ss if s.pages]
    else:
        span = ss[-1].t - ss[0].t
        done = [((s.t - ss[0].t) / span, s) for s in ss]
    warm = next((x for x in done if x[0] >= 0.2), None)
    last = max(done, key=lambda x: x[0], default=None)
    if warm is None or last[0] <= warm[0]:
        return None
    return (last[1].rss - warm[1].rss) / ((last[0] - warm[0]) * pages) * 10_000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=50_000)
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between samples")
    ap.add_argument("--keep", type=Path, help="run in this folder and keep it")
    ap.add_argument("--serve", nargs=2, type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(*args.serve)
        return
    sys.exit(run(args.hosts, args.pages, args.interval, args.keep))


if __name__ == "__main__":
    main()
