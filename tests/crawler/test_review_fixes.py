"""Regressions found in review: unsafe characters in paths, out-of-range dates, huge delays."""
from crawler.discover import parse_date
from crawler.robots import MAX_CRAWL_DELAY, RobotsCache
from crawler.urls import normalize_url


def test_spaces_in_paths_are_percent_encoded_once():
    url = normalize_url("/files/My Guide.html", "https://x.example/blog/")
    assert url == "https://x.example/files/My%20Guide.html"
    assert normalize_url(url) == url  # existing escapes are kept, not doubled


def test_an_out_of_range_date_is_no_date():
    assert parse_date("0001-01-01T00:00:00+01:00") is None
    assert parse_date("2026-11-17").isoformat() == "2026-11-17T00:00:00+00:00"


def test_a_huge_crawl_delay_is_capped():
    class FakeFetcher:
        def get(self, url, allowed_types=None, **kwargs):
            from crawler.fetch import Response
            return Response(url=url, final_url=url, status=200, outcome="fetched",
                            body=b"User-agent: *\nCrawl-delay: 86400\n")

    assert RobotsCache(FakeFetcher()).crawl_delay("https://slow.example") == MAX_CRAWL_DELAY


def test_the_checked_address_is_the_one_connected_to(monkeypatch):
    """DNS rebinding: a public answer first, loopback second. The fetcher must resolve once and
    connect to the address it checked. No connection is made: urlopen is replaced."""
    import socket

    import urllib3

    from crawler.fetch import Fetcher, FetchPolicy

    answers = iter(["93.184.216.34", "127.0.0.1"])
    calls = []

    def fake_getaddrinfo(host, *args, **kwargs):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), 0))]

    seen = {}

    def fake_urlopen(self, method, url, **kwargs):
        seen.update(address=self.host, path=url, host=kwargs["headers"]["Host"])
        raise urllib3.exceptions.NewConnectionError(None, "not connecting in tests")

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    monkeypatch.setattr(urllib3.HTTPConnectionPool, "urlopen", fake_urlopen)
    resp = Fetcher(FetchPolicy(max_retries=0)).get("http://rebind.example/admin")
    assert calls == ["rebind.example"]
    assert seen == {"address": "93.184.216.34", "path": "/admin", "host": "rebind.example"}
    assert resp.outcome == "network_error"
