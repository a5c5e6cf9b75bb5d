"""Analysis throughput (issue 9, item 1): HTML → full analysis JSON beside bare
`trafilatura.extract` on the same pages, scaling from 1 to 2 worker processes, and the extract
stage (`extractors.batch.extract_run`, as the DAG's extract task runs it) streaming a large
batch, with its peak RSS. Also the growth points for item 7 (×1, ×10, ×100 pages).

    python -m bench.analysis_speed [--pages 1000 --runs 5]
    python -m bench.analysis_speed --stream 100000     # one extract_run, result as JSON

Pages: the 67 real-looking pages of the evaluation set and the demo web, then pages from the
crawl benchmark's generator (bench/crawl_site.py), each distinct, so no cache keyed by page
text helps. Pages are generated in memory, never written to the repository."""
from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench import harness

ROOT = harness.ROOT
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "eval").glob("*.html")) + \
    sorted((ROOT / "demo" / "site").glob("*/*/*.html"))
_HOSTS = [f"http://wellness{i}.example" for i in range(20)]
_fixture_cache: list[str] = []


def page(i: int) -> tuple[str, str]:
    """Page i of the benchmark corpus as (html, url): a fixture page, then generated ones."""
    from bench.crawl_site import _page

    if not _fixture_cache:
        _fixture_cache.extend(p.read_text(encoding="utf-8") for p in FIXTURES)
    if i < len(_fixture_cache):
        return _fixture_cache[i], f"https://fixture{i % 7}.example/page/{i}.html"
    host = i % len(_HOSTS)
    html = _page(random.Random(i), _HOSTS, host, i, 250).decode()
    return html, f"{_HOSTS[host]}/articles/{i}.html"


def analyse_one(html: str, url: str) -> int:
    """HTML → the analysis record as the extract stage writes it (JSON text); its length."""
    from extractors.analyze import analyze_html
    from extractors.text import ExtractionError

    try:
        return len(json.dumps(analyze_html(html, url).to_json(), sort_keys=True,
                              ensure_ascii=False))
    except ExtractionError:
        return 0


def _analyse_chunk(chunk: list[tuple[str, str]]) -> int:
    return sum(analyse_one(h, u) for h, u in chunk)


def _warm_worker() -> None:
    analyse_one(*page(10**9))  # loads vocabularies, lexicons and patterns once per process


def forget_pages() -> None:
    from bench.extract_speed import _forget_pages
    _forget_pages()


def throughput(pages: int, runs: int) -> dict:
    """Per run, on the same pages: bare trafilatura.extract, the full analysis in this process,
    and the full analysis spread over 2 fresh worker processes (warmed before the clock)."""
    import trafilatura

    corpus = [page(i) for i in range(pages)]
    chunks = [corpus[i:i + 8] for i in range(0, len(corpus), 8)]
    _warm_worker()

    def one_run() -> dict:
        t0 = time.perf_counter()
        for html, url in corpus:
            trafilatura.extract(html, url=url)
        t1 = time.perf_counter()
        forget_pages()
        t2 = time.perf_counter()
        for html, url in corpus:
            analyse_one(html, url)
        t3 = time.perf_counter()
        forget_pages()  # workers fork from this process: they must not inherit its caches
        with ProcessPoolExecutor(2, initializer=_warm_worker) as pool:
            list(pool.map(_warm_worker_ack, range(2)))  # both workers up and warm
            t4 = time.perf_counter()
            list(pool.map(_analyse_chunk, chunks))
            t5 = time.perf_counter()
        return {"trafilatura_s": t1 - t0, "full_s": t3 - t2, "two_workers_s": t5 - t4,
                "ratio": (t3 - t2) / (t1 - t0), "scaling": (t3 - t2) / (t5 - t4)}

    results = harness.repeat(one_run, runs, warmup=1)
    return {"pages": pages, "trafilatura_s": harness.collect(results, "trafilatura_s"),
            "full_s": harness.collect(results, "full_s"),
            "two_workers_s": harness.collect(results, "two_workers_s"),
            "ratio": harness.collect(results, "ratio"),
            "scaling": harness.collect(results, "scaling"),
            "pages_per_s": harness.summary([pages / r["full_s"] for r in results]),
            "trafilatura_pages_per_s": harness.summary([pages / r["trafilatura_s"] for r in results]),
            "two_workers_pages_per_s": harness.summary([pages / r["two_workers_s"] for r in results])}


def _warm_worker_ack(_):
    time.sleep(0.05)  # both workers get one: the pool starts a worker per task while idle
    return True


# --- the extract stage over a large batch (child process) ----------------------------------

def stream(pages: int) -> dict:
    """extract_run over a batch of `pages` fetched pages. Bodies come from the generator
    (page i at offset i) instead of a WARC file: the row measures the stage, not the disk.
    RSS is read every 1/50th of the batch, as extract_run asks for the next body."""
    from extractors.batch import extract_run

    _warm_worker()  # vocabularies and patterns load once per process: not part of the growth
    every, points = max(1, pages // 50), []

    def read_body(pointer) -> bytes:
        if pointer[1] % every == 0:
            points.append((pointer[1], _rss_mib()))
        return page(pointer[1])[0].encode()

    with tempfile.TemporaryDirectory(prefix="bench-stream-") as tmp:
        fetches = Path(tmp) / "fetches.jsonl"
        with open(fetches, "w", encoding="utf-8") as fh:
            for i in range(pages):
                url = page_url(i)
                fh.write(json.dumps({
                    "kind": "page", "outcome": "fetched", "source": f"s{i % 20}", "url": url,
                    "final_url": url, "content_hash": f"{i:064x}", "warc_file": "bench.warc.gz",
                    "warc_offset": i, "fetched_at": "2026-11-17T10:00:00+00:00",
                    "window_start": "2026-11-16T00:00:00+00:00", "charset": "utf-8"}) + "\n")
        start_rss = _rss_mib()
        t0 = time.perf_counter()
        result = extract_run(fetches, read_body, Path(tmp) / "analyses.jsonl")
        seconds = time.perf_counter() - t0
        size = (Path(tmp) / "analyses.jsonl").stat().st_size
    return {"pages": pages, "seconds": seconds, "documents": result["documents"],
            "errors": result["errors"], "output_mib": size / 2**20, "start_rss_mib": start_rss,
            "rss_mib_per_1k_pages": _slope(points[len(points) // 2:]) * 1000 if len(points) >= 8 else None,
            "rss_points": points[:: max(1, len(points) // 25)],
            "peak_rss_self_mib": harness.peak_rss_mib()}


def _rss_mib() -> float:
    import resource

    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def _slope(points: list[tuple[int, float]]) -> float:
    """Least-squares MiB per page over (page index, RSS) points."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


def page_url(i: int) -> str:
    return page(i)[1] if i < len(FIXTURES) else f"{_HOSTS[i % len(_HOSTS)]}/articles/{i}.html"


def stream_in_child(pages: int) -> dict:
    child = harness.run_child(["-m", "bench.analysis_speed", "--stream", str(pages)])
    return {**child["result"], "peak_rss_mib": child["rss_mib"], "wall_s": child["wall_s"]}


def run(quick: bool = False, stream_pages: int | None = None) -> dict:
    pages, runs = (60, 2) if quick else (1000, harness.RUNS)
    out = {"throughput": throughput(pages, runs)}
    sizes = [pages // 10, pages, pages * 10] if quick else [1000, 10_000, stream_pages or 100_000]
    out["growth"] = [stream_in_child(n) for n in sizes]
    out["stream"] = out["growth"][-1]
    out["growth_fit"] = harness.growth([g["pages"] for g in out["growth"]],
                                       [g["seconds"] for g in out["growth"]])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=harness.RUNS)
    ap.add_argument("--stream", type=int, help="run extract_run over this many pages (JSON out)")
    args = ap.parse_args()
    if args.stream:
        harness.emit(stream(args.stream))
        return
    r = throughput(args.pages, args.runs)
    for key in ("trafilatura_pages_per_s", "pages_per_s", "two_workers_pages_per_s", "ratio", "scaling"):
        s = r[key]
        print(f"{key}: median {s['median']:.2f} (min {s['min']:.2f}, max {s['max']:.2f}, n {s['n']})")


if __name__ == "__main__":
    main()
