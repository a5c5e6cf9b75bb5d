"""crawler.fetch against a local server: outcomes, redirects, size caps and the SSRF guard."""
import gzip
import hashlib
import socket

import pytest

from crawler.fetch import USER_AGENT, FetchPolicy, Fetcher

pytestmark = pytest.mark.integration  # starts local servers (see pyproject)

HTML = "<html><body><p>Turmeric cures everything.</p></body></html>"


def test_ok_html(server, fetcher):
    server.route("/page", HTML, headers={"ETag": '"v1"', "Last-Modified": "Tue, 07 May 2024 10:00:00 GMT"})
    resp = fetcher.get(server.url("/page"))
    assert (resp.outcome, resp.status, resp.error) == ("fetched", 200, None)
    assert resp.body == HTML.encode()
    assert resp.content_hash == hashlib.sha256(HTML.encode()).hexdigest()
    assert resp.content_type == "text/html"
    assert resp.final_url == resp.url == server.url("/page") and resp.redirects == []
    assert resp.headers["etag"] == '"v1"' and "last-modified" in resp.headers
    assert server.hits[0].headers["User-Agent"] == USER_AGENT


def test_http_error(server, fetcher):
    resp = fetcher.get(server.url("/missing"))
    assert (resp.outcome, resp.status, resp.error) == ("http_error", 404, "HTTP 404")
    assert resp.body == b"" and resp.content_hash is None


def test_not_modified_and_conditional_headers(server, fetcher):
    server.route("/cached", b"", status=304)
    resp = fetcher.get(server.url("/cached"), headers={"If-None-Match": '"v1"'})
    assert (resp.outcome, resp.status) == ("not_modified", 304)
    assert server.hits[0].headers["If-None-Match"] == '"v1"'


def test_redirect_chain_followed_and_recorded(server, fetcher):
    server.redirect("/r1", "/r2", status=301)
    server.redirect("/r2", server.url("/final?utm_source=x"), status=307)
    server.route("/final", HTML)
    resp = fetcher.get(server.url("/r1"))
    assert (resp.outcome, resp.status) == ("fetched", 200)
    assert resp.redirects == [server.url("/r2"), server.url("/final")]
    assert resp.url == server.url("/r1") and resp.final_url == server.url("/final")
    assert resp.body == HTML.encode()
    assert server.paths == ["/r1", "/r2", "/final"]


@pytest.mark.parametrize("chain", [["/a", "/b"], ["/self"]])
def test_redirect_loop(server, fetcher, chain):
    for here, there in zip(chain, chain[1:] + chain[:1]):
        server.redirect(here, there)
    resp = fetcher.get(server.url(chain[0]))
    assert resp.outcome == "redirect_loop" and resp.body == b""
    assert len(server.hits) == len(chain)


@pytest.mark.parametrize("hops, outcome", [(5, "fetched"), (6, "too_many_redirects")])
def test_redirect_limit(server, fetcher, hops, outcome):
    for i in range(hops):
        server.redirect(f"/hop{i}", f"/hop{i + 1}")
    server.route(f"/hop{hops}", HTML)
    resp = fetcher.get(server.url("/hop0"))
    assert resp.outcome == outcome
    assert len(server.hits) == min(hops + 1, 6)  # never more than max_redirects + 1 requests


@pytest.mark.parametrize("location, outcome", [
    ("http://[broken", "http_error"), ("ftp://files.example/x", "blocked_scheme"),
    ("javascript:x", "blocked_scheme"), ("file:///etc/passwd", "blocked_scheme")])
def test_bad_redirect_target(server, fetcher, location, outcome):
    server.redirect("/go", location)
    resp = fetcher.get(server.url("/go"))  # must report, not raise
    assert resp.outcome == outcome and resp.status == 302 and resp.error


def test_unsupported_type(server, fetcher):
    server.route("/doc.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    resp = fetcher.get(server.url("/doc.pdf"))
    assert (resp.outcome, resp.error, resp.body) == ("bad_content_type", "application/pdf", b"")
    assert fetcher.get(server.url("/doc.pdf"), allowed_types=None).outcome == "fetched"


def test_size_cap(server, fetcher, local_policy):
    server.route("/exact", b"x" * local_policy.max_bytes)
    server.route("/over", b"x" * (local_policy.max_bytes + 1))
    assert fetcher.get(server.url("/exact")).outcome == "fetched"
    resp = fetcher.get(server.url("/over"))
    assert resp.outcome == "too_large" and resp.body == b"" and resp.content_hash is None


def test_gzip_decoded_and_hashed_after_decompression(server, fetcher):
    server.route("/gz", gzip.compress(HTML.encode()), headers={"Content-Encoding": "gzip"})
    resp = fetcher.get(server.url("/gz"))
    assert resp.outcome == "fetched" and resp.body == HTML.encode()
    assert resp.content_hash == hashlib.sha256(HTML.encode()).hexdigest()


def test_gzip_bomb_is_too_large(server, fetcher, local_policy):
    bomb = gzip.compress(b"\0" * (16 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < local_policy.max_bytes / 4  # small on the wire: only inflation is large
    server.route("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    resp = fetcher.get(server.url("/bomb"))
    assert resp.outcome == "too_large" and resp.body == b""


def test_connection_reused_safely_after_unread_bodies(server, fetcher, local_policy):
    # Keep-alive server; each of these leaves a body unread on the connection.
    server.route("/big", b"y" * (local_policy.max_bytes + 10))
    server.route("/pdf", b"%PDF" * 100, content_type="application/pdf")
    server.route("/gone", b"gone " * 50, status=410)
    server.redirect("/moved", "/ok")
    server.route("/ok", HTML)
    for path, outcome in [("/gone", "http_error"), ("/pdf", "bad_content_type"),
                          ("/big", "too_large"), ("/moved", "fetched")]:
        assert fetcher.get(server.url(path)).outcome == outcome, path
        follow = fetcher.get(server.url("/ok"))
        assert (follow.outcome, follow.body) == ("fetched", HTML.encode()), f"after {path}: {follow.error}"


def test_network_errors(server):
    fetcher = Fetcher(FetchPolicy(allow_private_networks=True, read_timeout=0.3, max_retries=0))
    server.route("/slow", HTML, pause=1.0)
    assert fetcher.get(server.url("/slow")).outcome == "timeout"
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there any more
    resp = fetcher.get(f"http://127.0.0.1:{port}/")
    assert resp.outcome == "network_error" and resp.status is None and resp.error


def test_default_policy_blocks_loopback_without_a_request(server):
    resp = Fetcher().get(server.url("/page"))
    assert resp.outcome == "blocked_address" and "127.0.0.1" in resp.error
    assert resp.status is None and server.hits == []


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://127.1.2.3:8080/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
    "http://10.0.0.7/", "http://172.16.5.4/", "http://192.168.1.1/",
    "http://100.64.0.1/", "http://[fc00::1]/", "http://2130706433/", "http://0x7f000001/",
])
def test_private_addresses_need_the_source_to_allow_them(url):
    assert Fetcher()._blocked(url)
    assert Fetcher(FetchPolicy(allow_private_networks=True))._blocked(url) is None


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://0.0.0.0/",
    "http://[::ffff:169.254.169.254]/", "http://100.100.100.200/", "http://[fd00:ec2::254]/",
])
def test_link_local_and_metadata_addresses_are_refused_always(url):
    for fetcher in (Fetcher(), Fetcher(FetchPolicy(allow_private_networks=True))):
        outcome, why, _ = fetcher.check(url)
        assert outcome == "blocked_address" and why, url


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x.example/a", "gopher://x.example/",
                                 "http://user:secret@x.example/", "https://token@x.example/a"])
def test_other_schemes_and_credentials_are_refused(url):
    resp = Fetcher(FetchPolicy(allow_private_networks=True)).get(url)
    assert resp.outcome == "blocked_scheme" and resp.status is None and resp.error


@pytest.mark.parametrize("url", ["http://93.184.216.34/", "https://8.8.8.8/x", "http://[2606:4700::1111]/"])
def test_public_literals_allowed(url):
    assert Fetcher()._blocked(url) is None


@pytest.mark.parametrize("url", ["http://a..b/", "http://" + "a" * 64 + ".example/"])
def test_malformed_host_is_reported_not_raised(url):
    for fetcher in (Fetcher(), Fetcher(FetchPolicy(allow_private_networks=True))):
        assert fetcher.get(url).outcome in ("blocked_address", "network_error")


def test_redirect_from_allowed_host_to_private_address_is_blocked(server, monkeypatch):
    """The guard runs on every hop: the test server's host is treated as public (and pinned to
    its own loopback address, so nothing leaves the machine); the metadata address is not."""
    real = Fetcher.check

    def check(self, url):
        if "127.0.0.1" in url:
            return None, None, "127.0.0.1"
        return real(self, url)

    monkeypatch.setattr(Fetcher, "check", check)
    server.redirect("/go", "http://169.254.169.254/latest/meta-data/")
    server.redirect("/go-local", server.url("/secret").replace("127.0.0.1", "10.1.2.3"))
    fetcher = Fetcher()
    resp = fetcher.get(server.url("/go"))
    assert resp.outcome == "blocked_address" and "169.254.169.254" in resp.error
    assert resp.final_url == "http://169.254.169.254/latest/meta-data/"
    assert fetcher.get(server.url("/go-local")).outcome == "blocked_address"
    assert server.paths == ["/go", "/go-local"]  # the allowed first hops, nothing more
