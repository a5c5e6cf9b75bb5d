"""robots.txt through protego, cached per host. Per RFC 9309: 4xx allows all, 5xx or an
unreachable server disallows all."""
from __future__ import annotations

from protego import Protego

from crawler.fetch import Fetcher

MAX_ROBOTS_BYTES = 512 * 1024
MAX_CRAWL_DELAY = 60.0  # seconds  # RFC 9309 asks crawlers to read at least 500 KiB


class RobotsCache:
    def __init__(self, fetcher: Fetcher, user_agent: str = "claimwatch", on_response=None):
        self.fetcher, self.user_agent = fetcher, user_agent
        self.on_response = on_response or (lambda resp: None)  # for the fetch log
        self._rules: dict[str, Protego | bool] = {}

    def cached(self, base: str) -> bool:
        return base in self._rules

    def rules_for(self, base: str) -> Protego | bool:
        """Protego rules, or True (allow all) / False (disallow all)."""
        if base not in self._rules:
            resp = self.fetcher.get(base + "/robots.txt", allowed_types=None)
            self.on_response(resp)
            if resp.status is not None and 400 <= resp.status < 500:
                self._rules[base] = True
            elif resp.outcome != "ok":
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
