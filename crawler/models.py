"""Typed records of the crawl stage."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

_EPOCH_MONDAY = date(2024, 1, 1)


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
    crawl_every_weeks: int = 1       # 2: crawled in every other weekly window
    max_bytes: int | None = None     # politeness and safety overrides of the FetchPolicy
    timeout_seconds: float | None = None
    allow_private_networks: bool = False  # loopback/private addresses: the demo and tests only
    # "host:port" pairs that may be on loopback or private addresses although
    # allow_private_networks is off (a test server); every other private address stays refused.
    allow_private_hosts: tuple[str, ...] = ()

    def due(self, window_start: datetime) -> bool:
        """Whether this source is crawled in the window starting then (weeks counted from a
        fixed Monday, so the answer depends only on the window)."""
        weeks = (window_start.date() - _EPOCH_MONDAY).days // 7
        return weeks % self.crawl_every_weeks == 0


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
    run_id: str = ""                 # the crawl run (Airflow run id, or the CLI's)
    status: int | None = None
    content_type: str | None = None
    charset: str | None = None       # the body's detected encoding
    content_hash: str | None = None  # sha256 of the decoded body
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None
    outcome: str = "fetched"         # see OUTCOMES
    error: str | None = None         # the reason, for any outcome but fetched
    elapsed_ms: int = 0
    attempts: int = 0                # requests made, retries included (0: none was made)
    warc_file: str | None = None     # where the body is archived (relative to data/archive/)
    warc_offset: int | None = None
    redirects: tuple[str, ...] = field(default=())

    def to_json(self) -> dict:
        data = asdict(self)
        data["redirects"] = list(self.redirects)
        return data


# Every outcome a fetch record can have (v_fetch_log.outcome). Bodies exist for the first three.
OUTCOMES = ("fetched", "not_modified", "duplicate", "robots_disallowed", "blocked_address",
            "blocked_scheme", "too_large", "bad_content_type", "redirect_loop",
            "too_many_redirects", "timeout", "http_error", "network_error", "decode_error",
            "archive_error")  # archive_error: the response came, but could not be archived
WITH_BODY = ("fetched", "not_modified", "duplicate")
