"""crawler.discover: sitemaps (index, gzip), RSS/Atom feeds and in-page links."""
import gzip
import time
from datetime import datetime, timezone

import pytest

from crawler.discover import DiscoveryError, extract_links, parse_date, parse_feed, parse_sitemap

BASE = "https://site.example/sitemap.xml"
UTC = timezone.utc

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://site.example/a?utm_source=sm</loc><lastmod>2024-05-07</lastmod></url>
  <url><loc> https://site.example/b </loc><lastmod>2024-05-08T10:30:00+02:00</lastmod></url>
  <url><loc>https://site.example/c</loc><lastmod>2024-05-09T23:59:59Z</lastmod></url>
  <url><loc>https://site.example/undated</loc></url>
  <url><loc>/relative/page</loc><lastmod>2024-05-10</lastmod></url>
  <url><loc>javascript:alert(1)</loc></url>
  <url><lastmod>2024-05-10</lastmod></url>
  <!-- a comment -->
</urlset>"""


def test_urlset_with_lastmod_forms():
    pages, children = parse_sitemap(URLSET, BASE)
    assert children == []
    got = {p.url: p.lastmod for p in pages}
    assert got == {
        "https://site.example/a": datetime(2024, 5, 7, tzinfo=UTC),               # date
        "https://site.example/b": datetime(2024, 5, 8, 8, 30, tzinfo=UTC),         # offset
        "https://site.example/c": datetime(2024, 5, 9, 23, 59, 59, tzinfo=UTC),    # Z
        "https://site.example/undated": None,
        "https://site.example/relative/page": datetime(2024, 5, 10, tzinfo=UTC),
    }
    assert all(p.via == "sitemap" and p.depth == 0 for p in pages)
    assert all(p.lastmod is None or p.lastmod.utcoffset().total_seconds() == 0 for p in pages)


def test_sitemap_index_returns_children():
    index = b"""<?xml version="1.0"?>
    <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://site.example/sm-posts.xml</loc><lastmod>2024-05-01</lastmod></sitemap>
      <sitemap><loc>/sm-pages.xml.gz</loc></sitemap>
    </sitemapindex>"""
    pages, children = parse_sitemap(index, BASE)
    assert pages == []
    assert children == ["https://site.example/sm-posts.xml", "https://site.example/sm-pages.xml.gz"]


def test_gzip_sitemap():
    pages, _ = parse_sitemap(gzip.compress(URLSET), BASE)
    assert len(pages) == 5 and pages[0].url == "https://site.example/a"


def test_sitemap_without_namespace():
    body = b"<urlset><url><loc>https://site.example/x</loc><lastmod>2024-01-02</lastmod></url></urlset>"
    (page,), _ = parse_sitemap(body, BASE)
    assert page.url == "https://site.example/x" and page.lastmod.year == 2024


RSS = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel><title>Feed</title><link>https://site.example/</link>
  <item><title>One</title><link>https://site.example/posts/1?utm_medium=rss</link>
        <pubDate>Tue, 07 May 2024 09:00:00 GMT</pubDate></item>
  <item><title>Two</title><link>/posts/2</link><pubDate>Wed, 08 May 2024 12:00:00 +0200</pubDate></item>
  <item><title>Three</title><link>https://site.example/posts/3</link><dc:date>2024-05-09</dc:date></item>
  <item><title>No date</title><link>https://site.example/posts/4</link></item>
  <item><title>No link</title><pubDate>Tue, 07 May 2024 09:00:00 GMT</pubDate></item>
 </channel></rss>"""


def test_rss():
    items = parse_feed(RSS, "https://site.example/feed.xml")
    assert [(i.url, i.lastmod) for i in items] == [
        ("https://site.example/posts/1", datetime(2024, 5, 7, 9, tzinfo=UTC)),
        ("https://site.example/posts/2", datetime(2024, 5, 8, 10, tzinfo=UTC)),
        ("https://site.example/posts/3", datetime(2024, 5, 9, tzinfo=UTC)),
        ("https://site.example/posts/4", None),
    ]
    assert {i.via for i in items} == {"feed"}


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom</title><link rel="self" href="https://site.example/atom.xml"/>
  <entry><title>A</title><link rel="self" href="https://site.example/api/a"/>
         <link rel="alternate" href="https://site.example/articles/a#comments"/>
         <updated>2024-05-07T08:00:00Z</updated></entry>
  <entry><title>B</title><link href="articles/b"/>
         <published>2024-05-08T08:00:00-04:00</published></entry>
  <entry><title>C</title><link rel="enclosure" href="https://site.example/c.mp3"/></entry>
</feed>"""


def test_atom():
    items = parse_feed(ATOM, "https://site.example/atom.xml")
    assert [(i.url, i.lastmod) for i in items] == [
        ("https://site.example/articles/a", datetime(2024, 5, 7, 8, tzinfo=UTC)),
        ("https://site.example/articles/b", datetime(2024, 5, 8, 12, tzinfo=UTC)),
    ]


def test_extract_links():
    html = b"""<html><head><base href="https://ignored.example/"></head><body>
      <a href="/a?utm_source=x#top">A</a> <a href="/a">A again</a>
      <a href="HTTPS://SITE.EXAMPLE:443/a">A third time</a>
      <a href="b.html">B</a> <a href="https://other.example/c">C</a>
      <a href="/paid" rel="nofollow">no</a> <a href="/sponsored" rel="sponsored NoFollow">no</a>
      <a href="javascript:void(0)">js</a> <a href="mailto:x@y.z">mail</a> <a>no href</a>
      <a href="http://[broken/">bad</a> <a href="/after-bad">D</a>
    </body></html>"""
    assert extract_links(html, "https://site.example/dir/page.html") == [
        "https://site.example/a", "https://site.example/dir/b.html", "https://other.example/c",
        "https://site.example/after-bad"]


@pytest.mark.parametrize("body", [b"", b"   ", b"\x00\x01binary", "<p>caf\u00e9</p>".encode("latin-1")])
def test_extract_links_odd_bodies(body):
    assert isinstance(extract_links(body, "https://site.example/"), list)


@pytest.mark.parametrize("body", [
    b"", b"not xml at all", b"<urlset><url><loc>https://site.example/ok</loc></url>",  # truncated
    b"<urlset><url><loc>https://site.example/x</loc></url></wrong>", b"\x1f\x8b\x08\x00garbage",
    gzip.compress(URLSET)[:-12],  # truncated gzip
])
def test_malformed_xml_raises_discovery_error_or_recovers(body):
    for parse in (lambda b: parse_sitemap(b, BASE)[0], lambda b: parse_feed(b, BASE)):
        try:
            found = parse(body)
        except DiscoveryError:
            continue
        assert all(d.url.startswith("https://site.example/") for d in found)


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
""" + b"".join(
    b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
    for i in range(1, 10)) + b"""]>
<urlset><url><loc>https://site.example/&lol9;</loc></url>
<url><loc>https://site.example/ok</loc></url></urlset>"""


@pytest.mark.parametrize("parse", [lambda b: parse_sitemap(b, BASE)[0],
                                   lambda b: parse_feed(b.replace(b"urlset", b"rss")
                                                        .replace(b"<url>", b"<item>")
                                                        .replace(b"</url>", b"</item>")
                                                        .replace(b"loc>", b"link>"), BASE)])
def test_billion_laughs_does_not_expand(parse):
    start = time.monotonic()
    try:
        found = parse(LAUGHS)
    except DiscoveryError:
        found = []
    assert time.monotonic() - start < 2
    assert all("lol" not in d.url and len(d.url) < 100 for d in found)


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    body = (f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file://{secret}">]>'
            '<urlset><url><loc>https://site.example/&x;</loc></url></urlset>').encode()
    try:
        pages, _ = parse_sitemap(body, BASE)
    except DiscoveryError:
        pages = []
    assert all("TOPSECRET" not in p.url for p in pages)


@pytest.mark.parametrize("value, expected", [
    ("2024-05-07", datetime(2024, 5, 7, tzinfo=UTC)),
    ("2024-05-07T10:00:00+02:00", datetime(2024, 5, 7, 8, tzinfo=UTC)),
    ("2024-05-07T10:00Z", datetime(2024, 5, 7, 10, tzinfo=UTC)),
    ("Tue, 07 May 2024 10:00:00 GMT", datetime(2024, 5, 7, 10, tzinfo=UTC)),
    ("Tue, 07 May 2024 10:00:00 -0500", datetime(2024, 5, 7, 15, tzinfo=UTC)),
    ("not a date", None), ("", None), (None, None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected
