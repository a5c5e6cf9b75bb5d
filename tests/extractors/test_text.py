"""Main text and metadata of fixture pages (extractors/text.py, the only trafilatura caller)."""
from __future__ import annotations

import pytest

from extractors.text import ExtractionError, detect_language, extract_page


@pytest.fixture(scope="module")
def blog_page(page_html):
    html, url = page_html["blog"]
    return extract_page(html, url)


def test_blog_metadata(blog_page):
    page, _ = blog_page
    assert page.url == "https://quietharbor.example.org/blog/life-after-leaf"
    assert page.title == "Life After Leaf: My First Month Off Kratom"
    assert page.published == "2024-03-14"
    assert page.language == "en"
    assert page.canonical_url == "https://quietharbor.example.org/blog/life-after-leaf"


def test_blog_main_text_keeps_the_article(blog_page):
    page, _ = blog_page
    text = page.text
    assert "nobody warned me about the O.P.M.S. phase" in text
    assert "Clinical Opiate Withdrawal Scale (COWS)" in text
    assert "two to four grams every six hours" in text
    assert "listen to your body" in text


@pytest.mark.parametrize("boilerplate", [
    "About Our Team", "Popular Posts", "Ten Tips for a Smoother Taper", "Join the Harbor Letter",
    "Subscribe for weekly encouragement", "All rights reserved", "Privacy Policy",
    "Terms of Use", "not medical advice", "Post Comment", "Zebrafish", "sunflowerdad",
])
def test_blog_main_text_drops_nav_sidebar_footer_and_comments(blog_page, boilerplate):
    page, _ = blog_page
    assert boilerplate not in page.text


def test_link_spans_point_at_anchor_text(blog_page):
    page, spans = blog_page
    assert "](" not in page.text  # markdown link markup is stripped
    assert [(page.text[s:e], href) for s, e, href in spans] == [
        ("small survey of former users", "https://pubmed.ncbi.nlm.nih.gov/00000001/"),
        ("Harbor Shop kava blend", "https://quietharbor.example.org/shop/kava-calm"),
    ]
    assert [(link.text, link.href) for link in page.links] == [
        ("small survey of former users", "https://pubmed.ncbi.nlm.nih.gov/00000001/"),
        ("Harbor Shop kava blend", "https://quietharbor.example.org/shop/kava-calm"),
    ]


def test_relative_links_are_resolved_against_the_page_url():
    html = ("<html><head><title>Notes</title></head><body><article>"
            "<p>Kava calms anxiety, as our <a href='/guide/kava'>buying guide</a> explains at "
            "length for every reader who visits this page and wants to know more.</p>"
            "<p>Another paragraph keeps the page long enough to be an article, with a few more "
            "words about evening routines, herbal teas and a good night of sleep.</p>"
            "</article></body></html>")
    page, spans = extract_page(html, "https://leafnotes.example.com/notes/kava")
    ((start, end, href),) = spans
    assert page.text[start:end] == "buying guide"
    assert href == "https://leafnotes.example.com/guide/kava"


def test_spanish_page_language(page_html):
    html, url = page_html["spanish"]
    page, _ = extract_page(html, url)
    assert page.language == "es"
    assert page.published == "2024-01-09"
    assert page.title == "Cómo dormir mejor sin medicamentos"


def test_detect_language():
    assert detect_language("Kava is a drink made from the root of a Pacific plant.") == "en"
    assert detect_language("El té de valeriana ayuda a muchas personas a dormir mejor.") == "es"
    assert detect_language("Too short") is None


def test_boilerplate_only_page_raises(page_html):
    # Regression: trafilatura's fallback returned the menu ("Home\nShop\nContact") as main text.
    html, url = page_html["boilerplate"]
    with pytest.raises(ExtractionError):
        extract_page(html, url)


@pytest.mark.parametrize("html", [
    "",
    "<html><head><title>Nothing here</title></head><body></body></html>",
    "<html><body><nav><a href='/'>Home</a> <a href='/blog'>Read the blog</a> "
    "<a href='/about'>About the team</a></nav><main></main>"
    "<footer><a href='/privacy'>Privacy Policy</a></footer></body></html>",
])
def test_empty_pages_raise(html):
    with pytest.raises(ExtractionError):
        extract_page(html, "https://leafnotes.example.com/empty")


def test_short_real_article_is_still_extracted():
    html = ("<html><head><title>Quick note</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/shop'>Shop</a></nav>"
            "<article><h1>Quick note</h1><p>Kava may ease anxiety for some adults.</p></article>"
            "</body></html>")
    page, _ = extract_page(html, "https://leafnotes.example.com/notes/quick")
    assert "Kava may ease anxiety for some adults." in page.text


def test_extraction_error_is_a_value_error():
    assert issubclass(ExtractionError, ValueError)


def test_citation_links_keep_their_brackets_and_mark_the_claim_cited():
    """trafilatura escapes brackets inside link text (`[\\[1\\]](#ref-1)`); the text must read
    `[1]`, with no markdown left over, and the claim that carries it counts as cited."""
    from extractors.analyze import analyze_html

    body = " ".join(["Patients often ask what to expect during the first week of treatment."] * 4)
    html = (f"<html><body><article><h1>Buprenorphine</h1><p>{body}</p>"
            "<p>Buprenorphine reduces cravings in opioid withdrawal "
            '<a class="cite" href="#ref-1">[1]</a>.</p></article></body></html>')
    result = analyze_html(html, "https://clinic.example/bup.html")
    assert "[1]" in result.page.text and "\\[" not in result.page.text and "](#" not in result.page.text
    claim = next(c for c in result.claims if c.substance == "buprenorphine")
    assert claim.cited is True
