"""crawler.urls: one canonical form per page, and None for anything not fetchable."""
import pytest

from crawler.urls import MAX_URL_LENGTH, host_of, normalize_url, url_hash


@pytest.mark.parametrize("raw, expected", [
    # tracking parameters go, the rest is kept and sorted
    ("https://ex.com/a?utm_source=x&utm_medium=y&UTM_Campaign=z&id=3",
     "https://ex.com/a?id=3"),
    ("https://ex.com/a?fbclid=abc&b=2", "https://ex.com/a?b=2"),
    ("https://ex.com/a?ref=twitter&gclid=1&msclkid=2&yclid=3&mc_cid=4&mc_eid=5&q=x",
     "https://ex.com/a?q=x"),
    ("https://ex.com/a?_hsenc=1&_hsmi=2", "https://ex.com/a"),
    ("https://ex.com/a?z=1&a=2&m=3", "https://ex.com/a?a=2&m=3&z=1"),
    ("https://ex.com/a?b=2&a=1&a=0", "https://ex.com/a?a=0&a=1&b=2"),
    ("https://ex.com/a?reference=kept", "https://ex.com/a?reference=kept"),
    # fragment
    ("https://ex.com/a#section-2", "https://ex.com/a"),
    ("https://ex.com/a?x=1#frag", "https://ex.com/a?x=1"),
    # default ports go, others stay
    ("http://ex.com:80/a", "http://ex.com/a"),
    ("https://ex.com:443/a", "https://ex.com/a"),
    ("http://ex.com:443/a", "http://ex.com:443/a"),
    ("https://ex.com:8443/a", "https://ex.com:8443/a"),
    # case: scheme and host lower-cased, path untouched
    ("HTTPS://WWW.Ex.COM/Path/Page.HTML", "https://www.ex.com/Path/Page.HTML"),
    # empty path becomes /
    ("https://ex.com", "https://ex.com/"),
    ("  https://ex.com/padded  ", "https://ex.com/padded"),
    # IPv6 literals keep their brackets
    ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ("http://[2001:DB8::1]/x", "http://[2001:db8::1]/x"),
])
def test_normalize(raw, expected):
    assert normalize_url(raw) == expected


@pytest.mark.parametrize("href, expected", [
    ("page.html", "https://ex.com/dir/page.html"),
    ("../up.html", "https://ex.com/up.html"),
    ("/root?utm_source=x", "https://ex.com/root"),
    ("//other.org/x", "https://other.org/x"),
    ("?q=1", "https://ex.com/dir/index.html?q=1"),
    ("#top", "https://ex.com/dir/index.html"),
    ("http://abs.org/x", "http://abs.org/x"),
])
def test_relative_resolution(href, expected):
    assert normalize_url(href, "https://ex.com/dir/index.html") == expected


@pytest.mark.parametrize("bad", [
    "javascript:alert(1)", "JavaScript:void(0)", "ftp://ex.com/file.txt", "file:///etc/passwd",
    "mailto:someone@ex.com", "tel:+123456", "data:text/html,<p>x</p>", "ex.com/no-scheme",
    "/relative/without/base", "", "http://", "http:///path-only", "http://ex.com:99999/",
    "http://[broken/",
])
def test_not_fetchable_is_none(bad):
    assert normalize_url(bad) is None


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "mailto:a@b.c", "ftp://ex.com/x",
                                 "file:///etc/passwd", "http://[broken/", "//[::1/"])
def test_not_fetchable_with_base_is_none(bad):
    # A malformed href on a page must give None, not raise (it would abort the whole crawl).
    assert normalize_url(bad, "https://ex.com/") is None


def test_over_long_url_is_none():
    base = "https://ex.com/"
    assert normalize_url(base + "a" * (MAX_URL_LENGTH - len(base))) is not None
    assert normalize_url(base + "a" * (MAX_URL_LENGTH + 1)) is None
    assert normalize_url("a" * (MAX_URL_LENGTH + 1), base) is None


EXAMPLES = [
    "https://Ex.com:443/a/b?utm_source=x&z=1&a=2#f",
    "http://ex.com/p?q=a b&x=%2F&flag",
    "http://ex.com/p?q=a+b&q=%20c",
    "https://ex.com/%7Euser/caf%C3%A9",
    "https://ex.com/ünïcode/path?k=ü",
    "http://ex.com:8080",
    "http://[::1]:8080/v6",
    "HTTP://EX.COM/UPPER?B=2&A=1",
    "https://ex.com/a;param?x=1",
    "https://user:pw@ex.com/secret",
    "https://ex.com/?",
    "https://ex.com/a?empty=&ref=&utm_=1",
]


@pytest.mark.parametrize("url", EXAMPLES)
def test_idempotent(url):
    once = normalize_url(url)
    assert once is not None
    assert normalize_url(once) == once
    assert normalize_url(once, "https://elsewhere.org/") == once


def test_equivalent_spellings_collapse():
    spellings = ["https://ex.com/a?b=2&a=1", "HTTPS://EX.COM:443/a?a=1&b=2#x",
                 "https://ex.com/a?a=1&utm_source=n&b=2&fbclid=q"]
    assert {normalize_url(u) for u in spellings} == {"https://ex.com/a?a=1&b=2"}
    assert len({url_hash(normalize_url(u)) for u in spellings}) == 1


def test_url_hash_and_host_of():
    assert len(url_hash("https://ex.com/")) == 32
    assert url_hash("https://ex.com/a") != url_hash("https://ex.com/b")
    assert host_of("https://WWW.Ex.com:8080/x") == "www.ex.com:8080"
