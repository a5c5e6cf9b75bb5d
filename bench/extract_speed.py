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


def measure(repeat: int) -> dict:
    import trafilatura

    from extractors.analyze import analyze_html
    from extractors.text import extract_page

    htmls = [(p.read_text(encoding="utf-8"), f"https://bench.example/{p.stem}.html") for p in PAGES]
    for html, url in htmls:  # warm caches: vocabularies, language model, regexes
        analyze_html(html, url)
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
        t2 = time.perf_counter()
        for html, url in htmls:
            analyze_html(html, url)
        t3 = time.perf_counter()
        runs.append({"trafilatura": t1 - t0, "extract_page": t2 - t1, "full": t3 - t2})
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    analysis = best["full"] - best["extract_page"]
    return {"pages": len(htmls), "repeat": repeat, **best, "analysis": analysis,
            "ratio": analysis / best["trafilatura"],
            "pages_per_second": len(htmls) / best["full"],
            "spread": statistics.pstdev(r["full"] for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    r = measure(parser.parse_args().repeat)
    print(f"pages: {r['pages']}, best of {r['repeat']} runs")
    print(f"trafilatura.bare_extraction: {r['trafilatura'] * 1000 / r['pages']:.2f} ms/page")
    print(f"extract_page (trafilatura + links + language): {r['extract_page'] * 1000 / r['pages']:.2f} ms/page")
    print(f"analysis without trafilatura (terms, dosing, claims, flags): {r['analysis'] * 1000 / r['pages']:.2f} ms/page")
    print(f"analysis / trafilatura: {r['ratio']:.2f} (target ≤ 0.25)")
    print(f"full analysis: {r['pages_per_second']:.1f} pages/s on one core")


if __name__ == "__main__":
    main()
