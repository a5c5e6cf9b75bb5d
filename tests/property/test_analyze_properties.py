"""HTML → Analysis on generated pages, and the fuzz seed corpus replayed without atheris: only
ExtractionError may escape, and every analysis keeps the invariants fuzz/fuzz_analyze.py checks."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from fuzz.fuzz_analyze import check_html

CORPUS = Path(__file__).resolve().parents[2] / "fuzz" / "corpus"
_LONG = " ".join(["Kava is a plant from the Pacific islands that people drink at night."] * 5)
_HREFS = ["https://pubmed.ncbi.nlm.nih.gov/1/", "/local", "#ref-1", "http://[oops", "http://[::1",
          "javascript:void(0)", "mailto:a@b", "", " ", "http://a b/", "%", "//[x]"]
_BLOCKS = st.one_of(
    st.sampled_from([
        f"<p>{_LONG}</p>", "<p>Take 2 to 4 grams of kratom every six hours.</p>",
        "<p>Kava reduces anxiety and cures insomnia, studies show.</p>",
        "<p>Post-Acute Withdrawal Syndrome (PAWS) and “black recall” are common.</p>",
        "<p>Do not exceed 15 g per day. Start low and go slow.</p>", "<table><tr><td>5 mg",
        "<ul><li>1,000 mg</li><li>½ tsp", "<div>", "</div>", "<p>", "&#0;", "&bogus;", "<!--",
        "<script>var x = '<p>10 mg</p>';</script>"]),
    st.builds(lambda href, text: f'<a href="{href}">{text}</a>', st.sampled_from(_HREFS),
              st.sampled_from(["this 2013 trial report", "Kava is a plant", "[1]", "rest"])),
    st.text(max_size=40),
)
PAGES = st.lists(_BLOCKS, max_size=12).map(
    lambda blocks: "<html><body><article>" + "".join(blocks) + "</article></body></html>")


@settings(max_examples=max(10, settings.default.max_examples // 5))  # ~20 ms a page
@given(PAGES)
@example((CORPUS / "crash_bad_ipv6_href_cited.html").read_text(encoding="utf-8"))
@example((CORPUS / "crash_bad_ipv6_href_recovered.html").read_text(encoding="utf-8"))
def test_generated_pages_analyse_or_skip(html):
    check_html(html)


@pytest.mark.parametrize("path", sorted(CORPUS.iterdir()), ids=lambda p: p.name)
def test_seed_corpus_replays_clean(path):
    """The fuzz seeds, and each crash fuzzing found (crash_*.html), analyse without a finding."""
    check_html(path.read_bytes().decode("utf-8", errors="replace"))
