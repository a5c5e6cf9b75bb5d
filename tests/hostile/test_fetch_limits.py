"""Focused checks behind the end-to-end suite: each limit of crawler/fetch.py against the
hostile server, with the fixes this suite found (slow headers, a big robots.txt, a UTF-16
<meta>, the private-host allowlist)."""
from __future__ import annotations

import time
import tracemalloc
from datetime import datetime, timezone

import pytest

from crawler.crawl import crawl
from crawler.fetch import FetchPolicy, Fetcher, detect_charset
from crawler.models import Source, Window
from crawler.robots import MAX_ROBOTS_BYTES
from crawler.sources import SourcesError, load_sources
from crawler.state import CrawlState
from crawler.warc import WarcArchive
from tests.hostile.cases import robots
from tests.hostile.server import MB, article, gzip_bomb, repeat

pytestmark = pytest.mark.integration

WINDOW = Window(datetime(2026, 11, 23, tzinfo=timezone.utc), datetime(2026, 11, 30, tzinfo=timezone.utc))


def policy(server, **changes) -> FetchPolicy:
    """Private networks off; only this server's host:port may be reached."""
    base = dict(private_hosts=frozenset({server.host}), max_bytes=2 * MB, connect_timeout=2.0,
                read_timeout=5.0, total_timeout=5.0, max_retries=0)
    return FetchPolicy(**{**base, **changes})


def test_a_gzip_bomb_is_decompressed_as_a_stream_and_cut_at_max_bytes(server):
    server.stream("/bomb", {"Content-Type": "text/html", "Content-Encoding": "gzip"}, gzip_bomb())
    fetcher = Fetcher(policy(server))
    tracemalloc.start()
    try:
        resp = fetcher.get(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (resp.outcome, resp.body) == ("too_large", b"")
    assert resp.error == f"over {2 * MB} bytes"
    # Decoded bytes stop at the cap plus one read: nothing near the gigabytes the stream holds.
    assert peak < 2 * MB + 2 * MB, peak


@pytest.mark.parametrize("path", ["/slow-headers", "/slow-status", "/slow-body"])
def test_the_total_timeout_cuts_a_slow_loris_wherever_it_drips(server, path):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Drip: " + b"z" * 100
    server.raw("/slow-headers", lambda: (head[i:i + 1] for i in range(len(head))), pause=0.2)
    server.raw("/slow-status", lambda: (b"H" for _ in range(200)), pause=0.2)
    server.raw("/slow-body", lambda: iter([b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                           b"Content-Length: 1000\r\n\r\n", *[b"<"] * 200]),
               pause=0.2)
    fetcher = Fetcher(policy(server, read_timeout=1.0, total_timeout=1.0))
    started = time.monotonic()
    resp = fetcher.get(server.url(path))
    assert resp.outcome == "timeout" and resp.body == b"", resp.error
    assert time.monotonic() - started < 2.0  # cut at ~1 s, not after the 20–40 s of dripping


def test_the_watchdog_does_not_touch_a_fetch_that_finished_in_time(server):
    server.route("/ok.html", article("ok"))
    fetcher = Fetcher(policy(server, total_timeout=0.3))
    for _ in range(3):  # reused keep-alive connection, watch long expired by the third
        assert fetcher.get(server.url("/ok.html")).outcome == "fetched"
        time.sleep(0.35)
    assert len(server.hits) == 3


def test_a_robots_txt_over_max_bytes_is_read_in_part_not_refused(server, tmp_path):
    """RFC 9309 2.5: parse at least 500 KiB. It was refused as too_large (the page cap), so the
    whole host was disallowed; now the first 512 KiB are parsed."""
    server.stream("/robots.txt", {"Content-Type": "text/plain", "Content-Length": str(10 * MB)},
                  repeat(b"User-agent: *\nDisallow: /private/\n" + b"#" * 1000 + b"\n", 10 * MB))
    server.route("/open.html", article("open"))
    server.route("/private/closed.html", article("closed"))
    source = Source(name="big-robots", seeds=(server.url("/open.html"), server.url("/private/closed.html")),
                    max_depth=0, delay_seconds=0, max_bytes=MB, allow_private_hosts=(server.host,))
    state = CrawlState(tmp_path / "state.sqlite")
    result = crawl([source], WINDOW, Fetcher(FetchPolicy(max_retries=0)), WarcArchive(tmp_path / "a"),
                   tmp_path / "run", state)
    records = {(r["kind"], r["url"]): r for r in state.records(WINDOW.key)}
    state.close()
    rules = records["robots", server.url("/robots.txt")]
    assert (rules["outcome"], rules["size"]) == ("fetched", MAX_ROBOTS_BYTES)
    assert "first 524288 bytes" in rules["error"]
    assert records["page", server.url("/open.html")]["outcome"] == "fetched"
    assert records["page", server.url("/private/closed.html")]["outcome"] == "robots_disallowed"
    assert "/private/closed.html" not in server.paths and result["pages_fetched"] == 1
    assert server.sent["/robots.txt"] < 8 * MB  # the stream was dropped, not read to its end


def test_a_utf16_meta_on_an_ascii_compatible_page_means_utf8():
    body = '<meta charset="utf-16"><title>Café</title>'.encode()
    assert detect_charset("text/html", body) == "utf-8"
    assert detect_charset("text/html", b'<meta charset="UTF-16LE">x') == "utf-8"
    assert detect_charset("text/html; charset=utf-16", "x".encode("utf-16")) == "utf-16"  # header
    assert detect_charset("text/html", b'<meta charset="windows-1252">x') == "cp1252"


def test_the_allowlist_admits_one_exact_host_and_port(make_server):
    ours, other = make_server(), make_server()
    for server in (ours, other):
        server.route("/p.html", article("p"))
    fetcher = Fetcher(FetchPolicy(private_hosts=frozenset({ours.host}), max_retries=0))
    assert fetcher.get(ours.url("/p.html")).outcome == "fetched"
    refused = [other.url("/p.html"),                                   # same address, other port
               f"http://localhost:{ours.httpd.server_port}/p.html",   # same socket, other name
               "http://10.0.0.1/", "http://[::1]/", "http://0.0.0.0/"]
    for url in refused:
        resp = fetcher.get(url)
        assert resp.outcome == "blocked_address" and resp.attempts == 1, url
    assert other.hits == [] and len(ours.hits) == 1
    # Metadata and link-local addresses stay refused even when listed.
    listed = Fetcher(FetchPolicy(private_hosts=frozenset({"169.254.169.254:80"}), max_retries=0))
    assert listed.get("http://169.254.169.254/latest/").outcome == "blocked_address"


def test_dns_failure_is_quick_and_not_retried():
    fetcher = Fetcher(FetchPolicy(max_retries=3, backoff_seconds=5))
    started = time.monotonic()
    resp = fetcher.get("http://nonexistent.invalid/page.html")
    assert resp.outcome == "network_error" and resp.error.startswith("DNS failure")
    assert resp.attempts == 1 and time.monotonic() - started < 5


def test_allow_private_hosts_is_validated(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: t\n    seeds: ['http://127.0.0.1:8080/']\n"
                    "    allow_private_hosts: ['127.0.0.1:8080', '[::1]:8081']\n")
    assert load_sources(path)[0].allow_private_hosts == ("127.0.0.1:8080", "[::1]:8081")
    for bad in ("'127.0.0.1'", "'10.0.0.0/8:80'", "'http://127.0.0.1:80'", "80"):
        path.write_text("sources:\n  - name: t\n    seeds: ['http://127.0.0.1:8080/']\n"
                        f"    allow_private_hosts: [{bad}]\n")
        with pytest.raises(SourcesError, match="allow_private_hosts"):
            load_sources(path)


def test_robots_cache_default_fetch_reads_only_the_parsing_limit(server):
    from crawler.robots import RobotsCache

    robots(server, "User-agent: *\nDisallow: /x/\n" + "#" * (MAX_ROBOTS_BYTES * 3))
    cache = RobotsCache(Fetcher(policy(server, max_bytes=MAX_ROBOTS_BYTES)))
    assert not cache.allowed(server.base, server.url("/x/1.html"))
    assert cache.allowed(server.base, server.url("/y.html"))


def test_a_robots_txt_over_a_small_max_bytes_is_still_parsed(server):
    """keep_first replaces max_bytes: a source capping pages at 100 KB still reads (and obeys)
    a 300 KB robots.txt instead of refusing it and losing the whole host."""
    from crawler.robots import RobotsCache

    robots(server, "User-agent: *\nDisallow: /x/\n" + "#" * 300_000)
    cache = RobotsCache(Fetcher(policy(server, max_bytes=100_000)))
    assert not cache.allowed(server.base, server.url("/x/1.html"))
    assert cache.allowed(server.base, server.url("/y.html"))
