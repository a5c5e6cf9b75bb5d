"""One polite, bounded HTTP GET: SSRF guard on every hop, redirect limit, size cap after
decompression, connect/read/total timeouts, a content-type allowlist, charset detection, and
bounded retries with backoff. Never raises for a bad response: it reports an outcome.

Outcomes (the crawl adds robots_disallowed, duplicate and archive_error): fetched, not_modified,
blocked_address, blocked_scheme, too_large, bad_content_type, redirect_loop,
too_many_redirects, timeout, http_error, network_error, decode_error.
"""
from __future__ import annotations

import hashlib
import ipaddress
import random
import re
import socket
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import urllib3

from crawler.deadline import Attempt, WatchedHTTPPool, WatchedHTTPSPool
from crawler.urls import normalize_url

USER_AGENT = "claimwatch/0.1 (+https://github.com/claimwatch/claimwatch; health-claims monitor)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml",
             "application/x-gzip", "application/gzip", "text/plain")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# Refused whatever the source allows: cloud metadata services and link-local networks, where a
# redirect from a hostile page would read credentials (169.254.169.254, fd00:ec2::254).
_ALWAYS_BLOCKED = [ipaddress.ip_network(n) for n in (
    "169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128", "100.100.100.200/32", "0.0.0.0/8")]


@dataclass(frozen=True)
class FetchPolicy:
    allow_private_networks: bool = False  # loopback and private ranges: the demo and tests only
    # Exact "host:port" authorities that may resolve to loopback or private addresses while
    # allow_private_networks is off: one local test or demo server, not its whole network.
    private_hosts: frozenset[str] = frozenset()
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    connect_timeout: float = 10.0
    read_timeout: float = 20.0            # per read: a stalled server
    total_timeout: float = 60.0           # per request, all hops: a server trickling bytes
    max_retries: int = 3                  # after the first attempt, on 429, 5xx and network errors
    backoff_seconds: float = 1.0          # first wait; doubles each retry, with jitter
    max_backoff_seconds: float = 30.0     # no single wait is longer, Retry-After included
    user_agent: str = USER_AGENT


@dataclass
class Response:
    url: str
    final_url: str
    status: int | None = None
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    outcome: str = "fetched"
    error: str | None = None
    redirects: list[str] = field(default_factory=list)
    elapsed_ms: int = 0
    attempts: int = 1

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def content_hash(self) -> str | None:
        return hashlib.sha256(self.body).hexdigest() if self.body else None

    @property
    def charset(self) -> str | None:
        return detect_charset(self.headers.get("content-type", ""), self.body) if self.body else None


class Fetcher:
    """Holds one connection pool. `sleep` is injectable so tests need not wait out backoffs."""

    def __init__(self, policy: FetchPolicy = FetchPolicy(), sleep=time.sleep):
        self.policy, self.sleep = policy, sleep
        self._headers = {"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"}
        self._timeout = urllib3.Timeout(connect=policy.connect_timeout, read=policy.read_timeout)
        self._pinned: dict[tuple, urllib3.HTTPConnectionPool] = {}  # (scheme, host, port, ip)

    def get(self, url: str, allowed_types=HTML_TYPES, headers: dict | None = None,
            may_follow=None, keep_first: int | None = None) -> Response:
        """GET with retries. may_follow(target) -> (outcome, error) or None: a veto on each
        redirect target, so a caller can apply robots.txt to it before it is requested.
        keep_first: read at most this many bytes and keep them (a robots.txt), instead of
        refusing a body over max_bytes."""
        started = time.monotonic()
        for attempt in range(self.policy.max_retries + 1):
            resp = self._get_once(url, allowed_types, headers, may_follow, keep_first)
            resp.attempts = attempt + 1
            wait = self._retry_wait(resp, attempt)
            if wait is None:
                break
            self.sleep(wait)
        resp.elapsed_ms = int((time.monotonic() - started) * 1000)
        return resp

    def _retry_wait(self, resp: Response, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None to stop. Exponential backoff with
        full jitter (so many crawlers do not retry in step); Retry-After is honoured, but a
        server asking for more than max_backoff_seconds is not retried this run."""
        retryable = (resp.outcome == "timeout" or (
            resp.outcome == "network_error" and not resp.error.startswith("DNS failure")) or (
            resp.outcome == "http_error" and resp.status in RETRY_STATUSES))
        if not retryable or attempt >= self.policy.max_retries:
            return None
        asked = retry_after_seconds(resp.headers.get("retry-after"))
        if asked is not None:
            if asked > self.policy.max_backoff_seconds:
                resp.error = f"{resp.error}; Retry-After {asked:.0f} s is over the cap, not retried"
                return None
            return asked
        ceiling = min(self.policy.max_backoff_seconds, self.policy.backoff_seconds * 2 ** attempt)
        return random.uniform(ceiling / 2, ceiling)

    def _get_once(self, url, allowed_types, headers, may_follow, keep_first=None) -> Response:
        # Fix (tests/hostile): total_timeout was checked only between body reads, so a server
        # dripping its status line or headers a byte a second (slow loris) held a fetch for
        # minutes: each byte reset the per-read timeout. The watch cuts the socket instead.
        with Attempt(self.policy.total_timeout) as watch:
            resp = self._hops(url, allowed_types, headers, may_follow, keep_first)
        if watch.expired:  # whatever the cut socket looked like (a reset, an early EOF)
            resp.outcome, resp.body = "timeout", b""
            resp.error = f"no complete response after {self.policy.total_timeout:g} s"
        return resp

    def _hops(self, url, allowed_types, headers, may_follow, keep_first) -> Response:
        resp = Response(url=url, final_url=url)
        deadline = time.monotonic() + self.policy.total_timeout
        current, seen = url, {url}
        for _hop in range(self.policy.max_redirects + 1):
            outcome, why, address = self.check(current)
            if outcome:
                resp.outcome, resp.error, resp.final_url = outcome, why, current
                return resp
            try:
                # Fix: urllib3 uses the pool's default headers only when headers is None, so
                # passing {} sent no User-Agent at all; merge them instead.
                raw = self._request(current, address, {**self._headers, **(headers or {})})
            except urllib3.exceptions.HTTPError as exc:
                resp.outcome, resp.error, resp.final_url = _error_outcome(exc), _short(exc), current
                return resp
            try:
                if raw.status in (301, 302, 303, 307, 308) and raw.headers.get("location"):
                    # Fix: resolve inside normalize_url, which turns a malformed Location
                    # into None (urljoin raised ValueError out of get()).
                    location = raw.headers["location"]
                    target = normalize_url(location, current)
                    if target is None or target in seen:
                        if target in seen:
                            resp.outcome = "redirect_loop"
                        else:  # file:, javascript: or garbage: not a web address we follow
                            scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", location)
                            bad_scheme = bool(scheme) and scheme.group(1).lower() not in ("http", "https")
                            resp.outcome = "blocked_scheme" if bad_scheme else "http_error"
                        resp.error = f"redirect to {target or location[:200]}"
                        resp.status, resp.final_url = raw.status, current
                        return resp
                    veto = may_follow(target) if may_follow else None
                    if veto:  # Fix: redirect targets bypassed robots.txt
                        resp.outcome, resp.error = veto
                        resp.status, resp.final_url = raw.status, target
                        return resp
                    resp.redirects.append(target)
                    seen.add(target)
                    current = target
                    continue
                resp.final_url, resp.status = current, raw.status
                resp.headers = {k.lower(): v for k, v in raw.headers.items()}
                return self._read(raw, resp, allowed_types, deadline, keep_first)
            finally:
                # Fix: a body left unread (redirect, error, refused type, over the cap) stayed on
                # the keep-alive connection and was parsed as the next response's status line.
                # Close such a connection instead of handing it back to the pool.
                if not raw.closed:
                    raw.close()
                raw.release_conn()
        resp.outcome, resp.error = "too_many_redirects", f"more than {self.policy.max_redirects}"
        return resp

    def _read(self, raw, resp: Response, allowed_types, deadline: float,
              keep_first: int | None = None) -> Response:
        if resp.status == 304:
            resp.outcome = "not_modified"
            return resp
        if resp.status >= 400:
            resp.outcome, resp.error = "http_error", f"HTTP {resp.status}"
            return resp
        if allowed_types and resp.content_type not in allowed_types:
            resp.outcome, resp.error = "bad_content_type", resp.content_type or "no content-type"
            return resp
        chunks, total = [], 0
        try:
            # decode_content: the cap applies after decompression, so a gzip bomb stops early.
            # read1 returns what one read brings, so the deadline is checked between small
            # reads: a server trickling a byte a second never trips the per-read timeout.
            while chunk := raw.read1(64 * 1024, decode_content=True):
                total += len(chunk)
                # keep_first replaces max_bytes as the limit (fix, review: checked after it, a
                # 300 KB robots.txt on a source with max_bytes 200 KB was still too_large).
                if keep_first is not None:
                    if total > keep_first:
                        chunks.append(chunk[:len(chunk) - (total - keep_first)])
                        resp.error = f"only the first {keep_first} bytes were read"
                        break
                elif total > self.policy.max_bytes:
                    resp.outcome, resp.error = "too_large", f"over {self.policy.max_bytes} bytes"
                    return resp
                if time.monotonic() > deadline:
                    resp.outcome = "timeout"
                    resp.error = f"body not complete after {self.policy.total_timeout:g} s"
                    return resp
                chunks.append(chunk)
        except urllib3.exceptions.DecodeError as exc:  # a corrupt gzip or deflate stream
            resp.outcome, resp.error = "decode_error", _short(exc)
            return resp
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            resp.outcome, resp.error = _error_outcome(exc), _short(exc)
            return resp
        resp.body = b"".join(chunks)
        if resp.content_type in HTML_TYPES and b"\x00" in resp.body[:1024]:
            # Declared as HTML, but it is not: an image or archive behind a text type.
            resp.outcome, resp.error, resp.body = "bad_content_type", "binary body", b""
        return resp

    def check(self, url: str) -> tuple[str | None, str | None, str | None]:
        """(outcome, why) when the URL must not be requested, else (None, None, the checked
        address to connect to). Runs on every hop, after DNS resolution."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            return "blocked_scheme", f"scheme {parts.scheme or '(none)'} is not http(s)", None
        if parts.username is not None or parts.password is not None:
            return "blocked_scheme", "credentials in the URL", None
        parsed = urllib3.util.parse_url(url)
        host = parsed.host or ""
        authority = f"{host.lower()}:{parsed.port or (443 if parts.scheme.lower() == 'https' else 80)}"
        try:
            infos = socket.getaddrinfo(host.strip("[]"), None)
        except (socket.gaierror, ValueError, UnicodeError) as exc:  # bad IDNA labels too
            return "network_error", f"DNS failure: {exc}", None
        for info in infos:
            addr = ipaddress.ip_address(info[4][0].split("%")[0])
            mapped = getattr(addr, "ipv4_mapped", None) or addr
            if any(mapped in net for net in _ALWAYS_BLOCKED if net.version == mapped.version):
                return "blocked_address", f"{host} resolves to {addr} (link-local or metadata)", None
            if not addr.is_global and not self.policy.allow_private_networks and \
                    authority not in self.policy.private_hosts:
                return "blocked_address", f"{host} resolves to non-public address {addr}", None
        return None, None, infos[0][4][0]

    def close(self) -> None:
        """Close the kept-alive connections (the fetcher stays usable: pools reopen)."""
        pools, self._pinned = self._pinned, {}
        for pool in pools.values():
            pool.close()

    def _blocked(self, url: str) -> str | None:
        """Why `url` is refused, or None (the tests' view of check)."""
        outcome, why, _ = self.check(url)
        return why if outcome else None

    def _request(self, url: str, address: str, headers: dict):
        """GET pinned to the checked address: a second DNS answer (rebinding to 127.0.0.1 or
        169.254.169.254) is never used."""
        parts = urllib3.util.parse_url(url)
        key = (parts.scheme, parts.host, parts.port, address)
        pool = self._pinned.get(key)
        if pool is None:
            options = dict(timeout=self._timeout, retries=False, maxsize=1)
            if parts.scheme == "https":
                # TLS still verifies the certificate against the real host name.
                pool = WatchedHTTPSPool(address, parts.port or 443, server_hostname=parts.host,
                                        assert_hostname=parts.host, **options)
            else:
                pool = WatchedHTTPPool(address, parts.port or 80, **options)
            self._pinned[key] = pool
        host_header = parts.host if parts.port in (None, 80, 443) else f"{parts.host}:{parts.port}"
        return pool.urlopen("GET", parts.request_uri, headers={**headers, "Host": host_header},
                            redirect=False, preload_content=False, assert_same_host=False)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - time.time())


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([a-zA-Z0-9_.:-]{2,40})""", re.I)


def detect_charset(content_type: str, body: bytes) -> str:
    """The body's encoding: the Content-Type charset, else a <meta> charset in the first 4 KB,
    else UTF-8 when the body decodes as UTF-8, else charset_normalizer's best guess."""
    import codecs

    declared = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
    meta = _META_CHARSET.search(body[:4096])
    for name, in_meta in ((declared and declared.group(1), False),
                          (meta and meta.group(1).decode("ascii"), True)):
        if name:
            try:
                found = codecs.lookup(name).name
            except LookupError:
                continue
            # Fix (tests/hostile): a <meta> that could be read as ASCII is not UTF-16, whatever
            # it says; browsers then use UTF-8 (WHATWG "prescan": utf-16 from a meta is utf-8).
            # Decoded as UTF-16, the page was turned into CJK noise with no main text.
            return "utf-8" if in_meta and found.startswith("utf-16") else found
    for name in ("utf-8", "cp1252"):
        # windows-1252 next: the WHATWG encoding standard's fallback for legacy pages in
        # Western locales; a detector guessing among close code pages (cp1250) does worse.
        try:
            body.decode(name)
            return name
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes
    best = from_bytes(body).best()
    return best.encoding if best else "utf-8"


def _error_outcome(exc: Exception) -> str:
    cause = getattr(exc, "reason", None) or exc
    # urllib3 makes a refused connection (NewConnectionError) a kind of ConnectTimeoutError.
    if isinstance(cause, urllib3.exceptions.NewConnectionError):
        return "network_error"
    if isinstance(cause, (urllib3.exceptions.TimeoutError, socket.timeout, TimeoutError)):
        return "timeout"
    return "network_error"


def _short(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]
