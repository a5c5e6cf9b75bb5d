"""Typed records of the crawl stage."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Source:
    """One configured source (see config/sources.yaml)."""

    name: str
    seeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()      # regular expressions a URL must match (any), when given
    deny: tuple[str, ...] = ()       # regular expressions that exclude a URL
    max_depth: int = 1               # link hops from seeds, sitemaps and feeds
    max_pages: int = 200             # page fetches per run
    delay_seconds: float = 1.0       # between requests to one host


@dataclass(frozen=True)
class Window:
    """The half-open time range [start, end) a run covers, from Airflow's data interval."""

    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m-%d}_{self.end:%Y-%m-%d}"


@dataclass(frozen=True)
class Discovered:
    url: str
    lastmod: datetime | None = None
    via: str = "seed"                # seed | sitemap | feed | link
    depth: int = 0


@dataclass(frozen=True)
class FetchRecord:
    """One HTTP exchange (or the reason none happened), with provenance."""

    source: str
    url: str
    final_url: str
    kind: str                        # page | robots | sitemap | feed
    fetched_at: str                  # ISO 8601 UTC, when the response arrived
    window_start: str
    status: int | None = None
    content_type: str | None = None
    content_hash: str | None = None  # sha256 of the decoded body; names the archived file
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None
    outcome: str = "ok"              # ok | http_error | blocked_robots | blocked_network | too_large | ...
    error: str | None = None
    redirects: tuple[str, ...] = field(default=())

    def to_json(self) -> dict:
        data = asdict(self)
        data["redirects"] = list(self.redirects)
        return data
