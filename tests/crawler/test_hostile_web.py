"""Issue 4's cases, each played by a local server: the outcome recorded for each, and the crawl
of the other hosts going on regardless. Everything is on 127.0.0.1."""
import gzip
import json
import time
from datetime import datetime, timezone

import pytest

from crawler.crawl import crawl
from crawler.fetch import Fetcher, FetchPolicy
from crawler.models import OUTCOMES, Source, Window
from crawler.state import CrawlState
from crawler.warc import WarcArchive
from extractors.batch import decode_body

from .conftest import page

pytestmark = pytest.mark.integration

WINDOW = Window(datetime(2026, 11, 2, tzinfo=timezone.utc), datetime(2026, 11, 9, tzinfo=timezone.utc))
NEXT_WINDOW = Window(WINDOW.end, datetime(2026, 11, 16, tzinfo=timezone.utc))


class Sleeps(list):
    """Stands in for time.sleep in the fetcher: records the waits instead of waiting them."""

    def __call__(self, seconds):
        self.append(seconds)


def run(tmp_path, sources, fetcher, window=WINDOW):
    state = CrawlState(tmp_path / "state.sqlite")
    try:
        result = crawl(sources, window, fetcher, WarcArchive(tmp_path / "archive"),
                       tmp_path / "runs" / window.key, state, run_id="t")
    finally:
        state.close()
    records = [json.loads(x) for x in open(result["path"], encoding="utf-8")]
    return result, records


def source(server, name, *paths, **overrides):
    return Source(name=name, seeds=tuple(server.url(p) for p in paths), max_depth=0,
                  delay_seconds=0, **overrides)


def outcome_of(records, url, kind="page"):
    return next(r for r in records if r["url"] == url and r["kind"] == kind)


@pytest.fixture
def healthy(make_server):
    """A well-behaved host crawled beside every hostile one."""
    ok = make_server()
    ok.route("/a.html", page(title="a"))
    ok.route("/b.html", page(title="b"))
    return ok


@pytest.fixture
def retrying_fetcher(local_policy):
    sleeps = Sleeps()
    policy = FetchPolicy(**{**local_policy.__dict__, "max_retries": 3, "backoff_seconds": 1.0,
                            "max_backoff_seconds": 30.0, "total_timeout": 1.5,
                            "read_timeout": 1.0, "max_bytes": 10 * 1024 * 1024})
    return Fetcher(policy, sleep=sleeps), sleeps


def test_every_hostile_case_has_its_outcome_and_the_healthy_host_is_crawled(
        make_server, healthy, retrying_fetcher, tmp_path):
    fetcher, sleeps = retrying_fetcher
    bad = make_server()
    bad.route("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    bad.route("/private/x.html", page())
    bad.route("/huge.html", b"<p>" + b"a" * (30 * 1024 * 1024))                 # 30 MB
    bad.route("/bomb.html", gzip.compress(b" " * (64 * 1024 * 1024), compresslevel=9),
              headers={"Content-Encoding": "gzip"})                          # 64 MB unpacked
    bad.route("/binary", bytes(range(256)) * 40, content_type="application/octet-stream")
    bad.route("/fake-html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500))  # text/html, is a PNG
    bad.redirect("/loop-a", "/loop-b")
    bad.redirect("/loop-b", "/loop-a")
    for i in range(7):
        bad.redirect(f"/hop{i}", f"/hop{i + 1}")
    bad.redirect("/metadata", "http://169.254.169.254/latest/meta-data/iam/")
    bad.redirect("/to-file", "file:///etc/passwd")
    bad.route("/error", "boom", status=500)
    bad.route("/limited", "slow down", status=429, headers={"Retry-After": "3600"})
    bad.route("/empty.html", b"")
    bad.route("/corrupt-gzip", b"\x1f\x8b\x08\x00garbage-not-deflate",
              headers={"Content-Encoding": "gzip"})
    paths = ["/private/x.html", "/huge.html", "/bomb.html", "/binary", "/fake-html", "/loop-a",
             "/hop0", "/metadata", "/to-file", "/error", "/limited", "/empty.html", "/corrupt-gzip"]
    sources = [source(bad, "bad", *paths), source(healthy, "healthy", "/a.html", "/b.html")]

    result, records = run(tmp_path, sources, fetcher)

    expected = {
        "/private/x.html": "robots_disallowed", "/huge.html": "too_large", "/bomb.html": "too_large",
        "/binary": "bad_content_type", "/fake-html": "bad_content_type", "/loop-a": "redirect_loop",
        "/hop0": "too_many_redirects", "/metadata": "blocked_address", "/to-file": "blocked_scheme",
        "/error": "http_error", "/limited": "http_error", "/empty.html": "fetched",
        "/corrupt-gzip": "decode_error",
    }
    for path, outcome in expected.items():
        r = outcome_of(records, bad.url(path))
        assert r["outcome"] == outcome, (path, r)
        assert r["outcome"] == "fetched" or r["error"], path  # every failure says why
    assert {r["outcome"] for r in records} <= set(OUTCOMES)
    # Persistent 500s: retried max_retries times, with growing waits, then given up.
    error = outcome_of(records, bad.url("/error"))
    assert error["attempts"] == 4 and bad.paths.count("/error") == 4
    # A Retry-After beyond the cap is not waited out this run.
    assert outcome_of(records, bad.url("/limited"))["attempts"] == 1
    assert "Retry-After" in outcome_of(records, bad.url("/limited"))["error"]
    # The empty page is fetched, with nothing to analyse.
    empty = outcome_of(records, bad.url("/empty.html"))
    assert empty["size"] == 0 and empty["content_hash"] is None
    assert "/private/x.html" not in bad.paths
    # The healthy host's crawl went on.
    assert [outcome_of(records, healthy.url(p))["outcome"] for p in ("/a.html", "/b.html")] == \
        ["fetched", "fetched"]
    assert all(w <= 30 for w in sleeps)


def test_backoff_grows_and_has_jitter(server, retrying_fetcher):
    fetcher, sleeps = retrying_fetcher
    server.route("/down", "x", status=503)
    resp = fetcher.get(server.url("/down"))
    assert (resp.outcome, resp.status, resp.attempts) == ("http_error", 503, 4)
    assert len(sleeps) == 3
    for attempt, wait in enumerate(sleeps):  # full jitter in [ceiling/2, ceiling]
        assert 2 ** attempt / 2 <= wait <= 2 ** attempt


def test_429_with_retry_after_is_honoured(server, retrying_fetcher):
    fetcher, sleeps = retrying_fetcher
    calls = []

    def limited(handler):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return 429, {"Retry-After": "2", "Content-Type": "text/plain"}, b"wait", 0
        return 200, {"Content-Type": "text/html"}, page().encode(), 0

    server.routes["/api"] = limited
    resp = fetcher.get(server.url("/api"))
    assert (resp.outcome, resp.attempts) == ("fetched", 2)
    assert sleeps == [2.0]


def test_slow_trickle_times_out(make_server, healthy, retrying_fetcher, tmp_path):
    """A server sending a byte every 0.2 s never trips the read timeout; the total one ends it."""
    fetcher, _ = retrying_fetcher
    slow = make_server()

    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        try:
            for _ in range(60):
                handler.wfile.write(b"<p>" * 300)
                handler.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the client gave up, as it should
        handler.close_connection = True

    slow.routes["/trickle"] = trickle
    result, records = run(tmp_path, [source(slow, "slow", "/trickle"),
                                     source(healthy, "healthy", "/a.html")], fetcher)
    r = outcome_of(records, slow.url("/trickle"))
    assert r["outcome"] == "timeout" and r["elapsed_ms"] < 15_000
    assert outcome_of(records, healthy.url("/a.html"))["outcome"] == "fetched"


def test_windows_1252_page_is_detected_and_decoded(server, fetcher, tmp_path):
    text = "<html><head><title>Café</title></head><body><p>Naïve “quotes” — 5 €</p></body></html>"
    server.route("/w.html", text.encode("cp1252"), content_type="text/html")  # no charset
    server.route("/m.html", ('<meta charset="windows-1252">' + text).encode("cp1252"),
                 content_type="text/html")
    result, records = run(tmp_path, [source(server, "w", "/w.html", "/m.html")], fetcher)
    archive = WarcArchive(tmp_path / "archive")
    for path in ("/w.html", "/m.html"):
        r = outcome_of(records, server.url(path))
        assert r["charset"] == "cp1252", path
        body = archive.read_body((r["warc_file"], r["warc_offset"]))
        assert "Naïve “quotes” — 5 €" in decode_body(body, r["charset"])


def test_tracking_parameter_duplicates_are_fetched_once(server, fetcher, tmp_path):
    server.route("/index.html", page("/post?utm_source=x&utm_medium=y", "/post#comments",
                                     "/post?fbclid=abc", "/post", "file:///etc/passwd",
                                     "FILE:///c:/boot.ini"))
    server.route("/post", page(title="post"))
    src = Source(name="t", seeds=(server.url("/index.html"),), max_depth=1, delay_seconds=0)
    result, records = run(tmp_path, [src], fetcher)
    assert server.paths.count("/post") == 1
    assert [r["url"] for r in records if r["kind"] == "page"] == [server.url("/index.html"),
                                                                   server.url("/post")]


def test_sitemap_index_with_gzip_children(server, fetcher, tmp_path):
    child = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f'<url><loc>{server.url("/in.html")}</loc><lastmod>2026-11-03</lastmod></url>'
             f'<url><loc>{server.url("/old.html")}</loc><lastmod>2026-01-03</lastmod></url></urlset>')
    server.route("/sitemap.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/'
                 f'schemas/sitemap/0.9"><sitemap><loc>{server.url("/posts.xml.gz")}</loc></sitemap>'
                 "</sitemapindex>", content_type="application/xml")
    server.route("/posts.xml.gz", gzip.compress(child.encode()), content_type="application/x-gzip")
    server.route("/in.html", page())
    server.route("/old.html", page())
    src = Source(name="s", sitemaps=(server.url("/sitemap.xml"),), delay_seconds=0)
    result, records = run(tmp_path, [src], fetcher)
    assert [r["url"] for r in records if r["kind"] == "page"] == [server.url("/in.html")]
    assert result["skipped_out_of_window"] == 1


def test_second_crawl_sends_conditional_requests(server, fetcher, tmp_path):
    server.route("/etag.html", page(title="etag"), headers={"ETag": '"v1"'})
    server.route("/lm.html", page(title="lm"), headers={"Last-Modified": "Tue, 03 Nov 2026 10:00:00 GMT"})
    server.route("/plain.html", page(title="plain"))
    server.route("/changing.html", page(title="one"))
    paths = ("/etag.html", "/lm.html", "/plain.html", "/changing.html")
    _, first = run(tmp_path, [source(server, "c", *paths)], fetcher)
    assert {r["outcome"] for r in first if r["kind"] == "page"} == {"fetched"}

    def conditional(handler, etag=None, modified=None, body=b""):
        if etag and handler.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b"", 0
        if modified and handler.headers.get("If-Modified-Since") == modified:
            return 304, {}, b"", 0
        return 200, {"Content-Type": "text/html"}, body, 0

    server.routes["/etag.html"] = lambda h: conditional(h, etag='"v1"')
    server.routes["/lm.html"] = lambda h: conditional(h, modified="Tue, 03 Nov 2026 10:00:00 GMT")
    server.route("/changing.html", page(title="two"))
    hits_before = len(server.hits)
    _, second = run(tmp_path, [source(server, "c", *paths)], fetcher, window=NEXT_WINDOW)
    by = {r["url"]: r for r in second if r["kind"] == "page"}
    assert by[server.url("/etag.html")]["outcome"] == "not_modified"
    assert by[server.url("/lm.html")]["outcome"] == "not_modified"
    assert by[server.url("/plain.html")]["outcome"] == "duplicate"   # same bytes, no validators
    assert by[server.url("/changing.html")]["outcome"] == "fetched"
    sent = {h.path: h.headers for h in server.hits[hits_before:]}
    assert sent["/etag.html"].get("If-None-Match") == '"v1"'
    assert sent["/lm.html"].get("If-Modified-Since") == "Tue, 03 Nov 2026 10:00:00 GMT"
    # Unchanged pages point at the body archived the first time, and keep its hash.
    first_by = {r["url"]: r for r in first if r["kind"] == "page"}
    for path in ("/etag.html", "/lm.html", "/plain.html"):
        url = server.url(path)
        assert by[url]["content_hash"] == first_by[url]["content_hash"]
        assert (by[url]["warc_file"], by[url]["warc_offset"]) == \
            (first_by[url]["warc_file"], first_by[url]["warc_offset"])
    assert by[server.url("/changing.html")]["content_hash"] != \
        first_by[server.url("/changing.html")]["content_hash"]


def test_a_304_keeps_the_content_type_allowlist(server, fetcher, tmp_path):
    """A feed that pages also link to: its 304 must not smuggle XML into the HTML extractor."""
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
            f'<item><link>{server.url("/post.html")}</link>'
            '<pubDate>Tue, 03 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>')

    def conditional_feed(handler):
        if handler.headers.get("If-None-Match") == '"f1"':
            return 304, {"ETag": '"f1"'}, b"", 0
        return 200, {"Content-Type": "application/rss+xml", "ETag": '"f1"'}, feed.encode(), 0

    server.routes["/feed.xml"] = conditional_feed
    server.route("/post.html", page("/feed.xml"))
    src = Source(name="f", feeds=(server.url("/feed.xml"),), max_depth=1, delay_seconds=0)
    _, records = run(tmp_path, [src], fetcher)
    # The feed was fetched first (validators remembered); the page link then got a 304.
    assert outcome_of(records, server.url("/feed.xml"), kind="feed")["outcome"] == "fetched"
    as_page = outcome_of(records, server.url("/feed.xml"), kind="page")
    assert as_page["outcome"] == "bad_content_type" and as_page["content_hash"] is None
