"""Coverage-guided fuzzing of HTML → Analysis (extractors.analyze), with atheris (libFuzzer).

Run through `make fuzz`, or by hand (atheris comes with the `fuzz` extra):

    .venv/bin/python fuzz/fuzz_analyze.py data/fuzz/corpus fuzz/corpus -max_total_time=60

libFuzzer writes inputs that reach new code into the first folder, so keep the committed seed
corpus (fuzz/corpus) second. A failing input is saved as crash-<sha1> (or timeout-<sha1>) under
-artifact_prefix; replay it with `.venv/bin/python fuzz/fuzz_analyze.py --replay FILE`.

The only expected failure is ExtractionError (a page with no main text, skipped and recorded by
the extract stage). Any other exception, or a broken invariant of the analysis, is a finding.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

URL = "https://fuzz.example.org/page"  # never fetched: analysis is pure
EXPLICIT = ("amount", "maximum", "taper")


def decode(data: bytes) -> str:
    """Bytes as the extract stage turns a body into text when the charset lies."""
    return data.decode("utf-8", errors="replace")


def check_html(html: str) -> None:
    """Analyse one page and assert what every analysis must satisfy."""
    from extractors.analyze import analyze_page
    from extractors.terms import term_key
    from extractors.text import ExtractionError, extract_page

    try:
        page, link_spans = extract_page(html, URL)  # analyze_html, in its two halves
    except ExtractionError:
        return
    for start, end, href in link_spans:
        assert 0 <= start <= end <= len(page.text), (start, end, len(page.text))
        assert isinstance(href, str)
    analysis = analyze_page(page, link_spans, URL)
    record = analysis.to_json()
    json.dumps(record, allow_nan=False, ensure_ascii=False)  # analyses.jsonl must stay JSON
    for d in analysis.dosing:
        if d.kind in EXPLICIT:
            assert math.isfinite(d.amount_low) and math.isfinite(d.amount_high), d
            assert 0 < d.amount_low <= d.amount_high, d
            assert d.text in d.sentence, d
    for t in analysis.terms:
        assert t.count >= 1 and t.term in t.variants, t
        assert term_key(t.normalized, t.kind) == t.normalized, t
    for c in analysis.claims:
        assert c.sentence in page.text, c


def test_one_input(data: bytes) -> None:
    check_html(decode(data))


def replay(paths: list[str]) -> int:
    """Run the check over files or folders without atheris (a crash reproduces as a traceback)."""
    files = [f for p in map(Path, paths) for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
    for f in files:
        check_html(decode(f.read_bytes()))
    print(f"replayed {len(files)} inputs: no finding")
    return 0


def main() -> None:
    if sys.argv[1:2] == ["--replay"]:
        sys.exit(replay(sys.argv[2:]))
    import atheris

    # Instrument our extractors and the pure-Python HTML stack beneath them, so that libFuzzer
    # is guided by coverage of both; lxml's C code is not instrumented.
    with atheris.instrument_imports(include=["extractors", "trafilatura", "justext", "htmldate",
                                             "courlan"]):
        import courlan  # noqa: F401
        import htmldate  # noqa: F401
        import justext  # noqa: F401
        import trafilatura  # noqa: F401  (extractors.text imports it lazily, so import it here)

        import extractors.analyze  # noqa: F401
        import extractors.text  # noqa: F401
    check_html("<html><body><p>warm up: lexicons, vocabulary and language model</p></body></html>")
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
