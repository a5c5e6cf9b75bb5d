"""crawler.robots: protego rules; 4xx allows all, 5xx and unreachable disallow all (RFC 9309)."""
import socket

import pytest

from crawler.robots import RobotsCache

pytestmark = pytest.mark.integration  # starts local servers (see pyproject)

ROBOTS = """\
User-agent: *
Disallow: /private/
Disallow: /*.pdf$
Allow: /private/open.html

User-agent: claimwatch
Disallow: /private/
Disallow: /drafts/
Allow: /private/open.html
Crawl-delay: 0.25

User-agent: otherbot
Disallow: /
"""


def test_disallow_honoured(server, fetcher):
    server.route("/robots.txt", ROBOTS, content_type="text/plain")
    robots = RobotsCache(fetcher)
    base = server.base
    assert robots.allowed(base, server.url("/"))
    assert robots.allowed(base, server.url("/articles/turmeric.html"))
    assert not robots.allowed(base, server.url("/private/secret.html"))
    assert not robots.allowed(base, server.url("/drafts/x"))  # the claimwatch group applies
    assert robots.allowed(base, server.url("/private/open.html"))
    assert server.paths == ["/robots.txt"]  # fetched once, then cached


def test_crawl_delay_read(server, fetcher):
    server.route("/robots.txt", ROBOTS, content_type="text/plain")
    assert RobotsCache(fetcher).crawl_delay(server.base) == pytest.approx(0.25)


def test_no_crawl_delay_is_zero(server, fetcher):
    server.route("/robots.txt", "User-agent: *\nDisallow: /x/\n", content_type="text/plain")
    assert RobotsCache(fetcher).crawl_delay(server.base) == 0.0


def test_wildcard_group_when_no_specific_group(server, fetcher):
    server.route("/robots.txt", "User-agent: *\nDisallow: /admin\n", content_type="text/plain")
    robots = RobotsCache(fetcher)
    assert not robots.allowed(server.base, server.url("/admin/panel"))
    assert robots.allowed(server.base, server.url("/blog/"))


@pytest.mark.parametrize("status", [401, 403, 404, 410, 429])
def test_4xx_allows_all(server, fetcher, status):
    if status != 404:
        server.route("/robots.txt", "Disallow: /", status=status, content_type="text/plain")
    robots = RobotsCache(fetcher)
    assert robots.rules_for(server.base) is True
    assert robots.allowed(server.base, server.url("/anything/at/all"))
    assert robots.crawl_delay(server.base) == 0.0


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_disallows_all(server, fetcher, status):
    server.route("/robots.txt", "oops", status=status, content_type="text/plain")
    robots = RobotsCache(fetcher)
    assert robots.rules_for(server.base) is False
    assert not robots.allowed(server.base, server.url("/"))
    assert not robots.allowed(server.base, server.url("/index.html"))


def test_unreachable_disallows_all(fetcher):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    robots = RobotsCache(fetcher)
    assert not robots.allowed(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/page")


def test_blocked_network_disallows_all(server):
    from crawler.fetch import Fetcher
    robots = RobotsCache(Fetcher())  # default policy: loopback is refused
    assert not robots.allowed(server.base, server.url("/page"))
    assert server.hits == []


def test_empty_robots_allows_all(server, fetcher):
    server.route("/robots.txt", "", content_type="text/plain")
    assert RobotsCache(fetcher).allowed(server.base, server.url("/private/x"))


def test_robots_redirect_followed(server, fetcher):
    server.redirect("/robots.txt", "/real-robots.txt")
    server.route("/real-robots.txt", "User-agent: *\nDisallow: /nope/\n", content_type="text/plain")
    robots = RobotsCache(fetcher)
    assert not robots.allowed(server.base, server.url("/nope/a"))
    assert robots.allowed(server.base, server.url("/yes/a"))


def test_any_content_type_accepted(server, fetcher):
    server.route("/robots.txt", "User-agent: *\nDisallow: /x/\n", content_type="text/html")
    assert not RobotsCache(fetcher).allowed(server.base, server.url("/x/1"))


def test_on_response_sees_each_robots_fetch(server, fetcher):
    seen = []
    server.route("/robots.txt", ROBOTS, content_type="text/plain")
    robots = RobotsCache(fetcher, on_response=seen.append)
    assert not robots.cached(server.base)
    robots.allowed(server.base, server.url("/a"))
    robots.allowed(server.base, server.url("/b"))
    assert robots.cached(server.base)
    assert [(r.url, r.outcome, r.status) for r in seen] == [(server.url("/robots.txt"), "fetched", 200)]


def test_hosts_cached_separately(make_server, fetcher):
    open_site, closed_site = make_server(), make_server()
    closed_site.route("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    robots = RobotsCache(fetcher)
    assert robots.allowed(open_site.base, open_site.url("/p"))
    assert not robots.allowed(closed_site.base, closed_site.url("/p"))
    assert open_site.paths == ["/robots.txt"] and closed_site.paths == ["/robots.txt"]


def test_robots_rules_expire_after_their_ttl(server, fetcher):
    now = [0.0]
    server.route("/robots.txt", "User-agent: *\nDisallow: /a\n", content_type="text/plain")
    robots = RobotsCache(fetcher, ttl_seconds=3600, clock=lambda: now[0])
    assert not robots.allowed(server.base, server.url("/a"))
    server.route("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    now[0] = 3599
    assert not robots.allowed(server.base, server.url("/a"))  # cached
    now[0] = 3601
    assert robots.allowed(server.base, server.url("/a"))      # fetched again
    assert server.paths.count("/robots.txt") == 2
