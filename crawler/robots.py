"""robots.txt through protego, cached per host with a TTL (RFC 9309 asks crawlers not to
use a cached copy for more than 24 hours). Per RFC 9309: 4xx allows all, 5xx or an
unreachable server disallows all."""
from __future__ import annotations

import time

from protego import Protego

from crawler.fetch import Fetcher

MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB; no more is read
MAX_CRAWL_DELAY = 60.0  # seconds


class RobotsCache:
    """fetch(url) -> Response: by default a plain GET; the crawl passes its own, which logs
    the request and, on a resumed run, answers from the archive instead of the network."""

    def __init__(self, fetcher: Fetcher | None = None, user_agent: str = "claimwatch",
                 on_response=None, fetch=None, ttl_seconds: float = 3600.0, clock=time.monotonic):
        self.user_agent, self.ttl, self.clock = user_agent, ttl_seconds, clock
        self.fetch = fetch or (lambda url: fetcher.get(url, allowed_types=None,
                                                       keep_first=MAX_ROBOTS_BYTES))
        self.on_response = on_response or (lambda resp: None)  # for the fetch log
        self._rules: dict[str, Protego | bool] = {}
        self._fetched_at: dict[str, float] = {}

    def cached(self, base: str) -> bool:
        if base in self._rules and self.clock() - self._fetched_at[base] > self.ttl:
            del self._rules[base]  # stale: the next question fetches robots.txt again
        return base in self._rules

    def rules_for(self, base: str) -> Protego | bool:
        """Protego rules, or True (allow all) / False (disallow all)."""
        if not self.cached(base):
            self._fetched_at[base] = self.clock()
            resp = self.fetch(base + "/robots.txt")
            self.on_response(resp)
            if resp.status is not None and 400 <= resp.status < 500:
                self._rules[base] = True
            elif resp.outcome != "fetched":
                self._rules[base] = False
            else:
                text = resp.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
                self._rules[base] = Protego.parse(text)
        return self._rules[base]

    def allowed(self, base: str, url: str) -> bool:
        rules = self.rules_for(base)
        return rules if isinstance(rules, bool) else rules.can_fetch(url, self.user_agent)

    def crawl_delay(self, base: str) -> float:
        rules = self.rules_for(base)
        if isinstance(rules, bool):
            return 0.0
        # Capped: a hostile "Crawl-delay: 86400" must not stall the whole weekly ingest.
        return min(float(rules.crawl_delay(self.user_agent) or 0.0), MAX_CRAWL_DELAY)
