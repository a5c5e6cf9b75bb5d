"""Analysis cost beside trafilatura's own extraction, on the same pages.

    python -m bench.extract_speed [--repeat 5]

Target (issue 3): analysis without trafilatura costs at most a quarter of trafilatura's time."""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "tests" / "fixtures" / "eval").glob("*.html")) + \
    sorted((ROOT / "demo" / "site").glob("*/*/*.html"))


def _forget_pages() -> None:
    """Empty the caches keyed by page text or phrases, so every run analyses pages it has
    never seen, as a crawl does. (Vocabularies and compiled lexicons stay loaded: a batch
    loads them once.)"""
    from extractors import caseless, lexicons, terms, vocabulary

    for cached in (lexicons.substance_mentions, vocabulary.normalize_phrase,
                   terms._occurrence_pattern, terms._zipf, caseless._lowered):
        cached.cache_clear()


def measure(repeat: int) -> dict:
    import trafilatura

    from extractors.analyze import analyze_page
    from extractors.text import extract_page

    htmls = [(p.read_text(encoding="utf-8"), f"https://bench.example/{p.stem}.html") for p in PAGES]
    extracted = [(*extract_page(html, url), url) for html, url in htmls]
    for page, spans, url in extracted:  # warm caches: vocabularies, lexicons, regexes
        analyze_page(page, spans, url)
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for html, url in htmls:
            trafilatura.bare_extraction(html, url=url, with_metadata=True, include_links=True,
                                        include_comments=False, include_tables=True,
                                        deduplicate=False)
        t1 = time.perf_counter()
        for html, url in htmls:
            extract_page(html, url)
        _forget_pages()
        t2 = time.perf_counter()
        for page, spans, url in extracted:
            analyze_page(page, spans, url)
        t3 = time.perf_counter()
        # As the extract task runs it: each page analysed right after trafilatura parsed it,
        # so the analysis starts with CPU caches full of trafilatura's data.
        _forget_pages()
        interleaved = 0.0
        for html, url in htmls:
            page, spans = extract_page(html, url)
            t4 = time.perf_counter()
            analyze_page(page, spans, url)
            interleaved += time.perf_counter() - t4
        runs.append({"trafilatura": t1 - t0, "extract_page": t2 - t1, "analysis": t3 - t2,
                     "interleaved": interleaved})
    # Best of the runs: the least disturbed by other work on the machine. The ratio is taken
    # per run, so both sides of it saw the same machine state.
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    ratios = sorted(r["analysis"] / r["trafilatura"] for r in runs)
    return {"pages": len(htmls), "repeat": repeat, **best,
            "ratio": best["analysis"] / best["trafilatura"],
            "ratio_median": statistics.median(ratios),
            "ratio_interleaved": best["interleaved"] / best["trafilatura"],
            "pages_per_second": len(htmls) / (best["extract_page"] + best["analysis"]),
            "spread": statistics.pstdev(r["analysis"] for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    r = measure(parser.parse_args().repeat)
    print(f"pages: {r['pages']}, best of {r['repeat']} runs")
    print(f"trafilatura.bare_extraction: {r['trafilatura'] * 1000 / r['pages']:.2f} ms/page")
    print(f"extract_page (trafilatura + links + language): {r['extract_page'] * 1000 / r['pages']:.2f} ms/page")
    print(f"analysis without trafilatura (terms, dosing, claims, flags): {r['analysis'] * 1000 / r['pages']:.2f} ms/page")
    print(f"analysis, each page right after its extraction: {r['interleaved'] * 1000 / r['pages']:.2f} ms/page")
    print(f"analysis / trafilatura: {r['ratio']:.2f} best, {r['ratio_median']:.2f} median run, "
          f"{r['ratio_interleaved']:.2f} interleaved (target ≤ 0.25)")
    print(f"full analysis: {r['pages_per_second']:.1f} pages/s on one core")


if __name__ == "__main__":
    main()
