"""Main text and metadata of a page. The only module that calls trafilatura."""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.models import Link, Page

# trafilatura writes links as `[anchor](href)` and escapes brackets inside the anchor:
# a citation marker arrives as `[\[1\]](#ref-1)`.
_MD_LINK = re.compile(r"\[((?:\\.|[^\[\]\\]){0,300})\]\(([^()\s]{1,2000})\)")
_MD_ESCAPE = re.compile(r"\\([\[\]\\*_()#+\-.!`])")
_CANONICAL = re.compile(
    r"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"\bhref=[\"']([^\"']{1,2000})[\"']", re.IGNORECASE)


# No <script> or <style> the extractors use (JSON-LD metadata, say) is this long.
MAX_RAW_TEXT = 1_000_000
_RAW_TEXT_OPEN = re.compile(r"<(script|style)\b[^<>]{0,2000}>", re.IGNORECASE)
_RAW_TEXT_CLOSE = {tag: re.compile(f"</{tag}", re.IGNORECASE) for tag in ("script", "style")}


class ExtractionError(ValueError):
    """The page has no extractable main text (skip it and record why)."""


@lru_cache(maxsize=1)
def _langid():
    import py3langid  # loads its model once per process
    return py3langid


def extract_page(html: str, url: str) -> tuple[Page, tuple[tuple[int, int, str], ...]]:
    """Return the page and the character spans of its links within `page.text`."""
    import trafilatura

    html = _without_huge_raw_text(html)
    # include_comments=True, though comments are dropped: trafilatura then takes the comment
    # section out first and reads the rest as the article. With False, on a forum thread it
    # kept the opening post only and lost the replies, which are the thread's content
    # (bench/accuracy.py, boilerplate F1 on the evaluation set: 0.984 → 0.992, BENCHMARKS.md).
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_links=True, include_comments=True,
        include_tables=True, deduplicate=False,
    )
    if doc is None or not (doc.text or "").strip():
        raise ExtractionError("no main text found")
    # Fix (tests/extractors): on a page with no article, trafilatura's fallback returns menu and
    # footer link text ("Home\nShop\nContact") as main text. For short results, ask again in
    # precision mode, which finds nothing on such pages and still finds a short real article.
    if len(doc.text.split()) < 50:
        strict = trafilatura.bare_extraction(
            html, url=url, include_comments=False, include_tables=True, deduplicate=False,
            favor_precision=True)
        if strict is None or not (strict.text or "").strip():
            raise ExtractionError("only boilerplate found")
    text, spans = _strip_links(doc.text)
    spans += _recovered_links(html, url, text, spans)
    published = doc.date or _fallback_date(html, url)
    page = Page(
        url=url,
        title=(doc.title or None),
        published=published,
        language=detect_language(text),
        text=text,
        canonical_url=_canonical(html),
        author=doc.author or None,
        links=tuple(Link(href=href, text=anchor) for _, _, href, anchor in spans),
    )
    return page, tuple((start, end, href) for start, end, href, _ in spans)


def _without_huge_raw_text(html: str) -> str:
    """The page with the content of each <script> or <style> over MAX_RAW_TEXT characters
    removed. Fix (tests/hostile): libxml2 gives up at a text node of about 10 MB, so a page
    with a 10 MB inline script lost everything after it, main text included; below that,
    htmldate's patterns spent seconds scanning the script. One forward pass: linear."""
    if len(html) <= MAX_RAW_TEXT:
        return html
    # Case-insensitive patterns on the page itself, not on html.lower(): lower-casing can
    # lengthen a string ("İ" becomes two characters), so its offsets would not fit the page.
    out, copied, search = [], 0, 0
    while m := _RAW_TEXT_OPEN.search(html, search):
        end = _RAW_TEXT_CLOSE[m.group(1).lower()].search(html, m.end())
        if end is None:
            break  # unclosed: the rest of the page is its content, as a parser reads it
        close = end.start()
        if close - m.end() > MAX_RAW_TEXT:
            out.append(html[copied:m.end()])
            copied = close
        search = close
    return "".join(out) + html[copied:]


def detect_language(text: str) -> str | None:
    """ISO 639-1 code from an offline classifier, or None for too little text."""
    # 2,000 characters, not more: py3langid's cost grows faster than the sample (5,000 took 5x
    # as long as 2,000, a tenth of the whole analysis) and on the benchmark corpus and the
    # evaluation set the two agree on every page (bench/analysis_speed.py).
    sample = text[:2000]
    if len(sample.split()) < 5:
        return None
    lang, _score = _langid().classify(sample)
    return lang


def _strip_links(marked: str):
    """Turn trafilatura's `[anchor](href)` markup into plain text plus link spans."""
    out, spans, last = [], [], 0
    length = 0
    for m in _MD_LINK.finditer(marked):
        before = marked[last:m.start()]
        out.append(before)
        length += len(before)
        anchor = _MD_ESCAPE.sub(r"\1", m.group(1))
        spans.append((length, length + len(anchor), m.group(2), anchor))
        out.append(anchor)
        length += len(anchor)
        last = m.end()
    out.append(marked[last:])
    return "".join(out), spans


def _recovered_links(html: str, url: str, text: str, spans: list) -> list:
    """Links trafilatura dropped (its fallback extractors keep no links), found again by their
    anchor text in the main text, so a sentence's citation is not lost."""
    from urllib.parse import urljoin

    from lxml import etree, html as lxml_html

    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    known = {href for _, _, href, _ in spans}
    found = []
    for a in root.iter("a"):
        href, anchor = a.get("href"), " ".join(a.text_content().split())
        if not href or len(anchor) < 4 or href in known:
            continue
        start = text.find(anchor)
        if start >= 0 and not any(s < start + len(anchor) and start < e for s, e, _, _ in spans + found):
            try:
                absolute = urljoin(url, href)
            except ValueError:  # fix (fuzz/): a malformed href ("http://[oops") failed the page
                continue
            found.append((start, start + len(anchor), absolute, anchor))
    return found


def _canonical(html: str) -> str | None:
    tag = _CANONICAL.search(html[:200_000])
    if not tag:
        return None
    href = _HREF.search(tag.group(0))
    return href.group(1) if href else None


def _fallback_date(html: str, url: str) -> str | None:
    from htmldate import find_date

    try:
        return find_date(html, url=url, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:  # htmldate raises on unusual markup; a missing date is not fatal
        return None
