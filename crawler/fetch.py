"""One polite, bounded HTTP GET: SSRF guard, redirect limit, size cap after decompression,
timeouts and a content-type allowlist. Never raises for a bad response: it reports an outcome."""
from __future__ import annotations

import hashlib
import ipaddress
import socket
from dataclasses import dataclass, field

import urllib3

from crawler.urls import normalize_url

USER_AGENT = "claimwatch/0.1 (+https://github.com/claimwatch/claimwatch; health-claims monitor)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml",
             "application/x-gzip", "application/gzip", "text/plain")


@dataclass(frozen=True)
class FetchPolicy:
    allow_private_networks: bool = False
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    user_agent: str = USER_AGENT


@dataclass
class Response:
    url: str
    final_url: str
    status: int | None = None
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    outcome: str = "ok"
    error: str | None = None
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def content_hash(self) -> str | None:
        return hashlib.sha256(self.body).hexdigest() if self.body else None


class Fetcher:
    """Holds one connection pool; pass a policy to loosen the SSRF guard for local tests."""

    def __init__(self, policy: FetchPolicy = FetchPolicy()):
        self.policy = policy
        self._headers = {"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"}
        self._timeout = urllib3.Timeout(connect=policy.connect_timeout, read=policy.read_timeout)
        self._http = urllib3.PoolManager(timeout=self._timeout, retries=False, headers=self._headers)
        self._pinned: dict[tuple, urllib3.HTTPConnectionPool] = {}  # (scheme, host, port, ip)

    def get(self, url: str, allowed_types=HTML_TYPES, headers: dict | None = None,
            may_follow=None) -> Response:
        """may_follow(target) -> (outcome, error) or None: a veto on each redirect target, so a
        caller can apply robots.txt to it before it is requested."""
        resp = Response(url=url, final_url=url)
        current, seen = url, {url}
        for _hop in range(self.policy.max_redirects + 1):
            blocked, address = self._resolve(current)
            if blocked:
                resp.outcome, resp.error, resp.final_url = "blocked_network", blocked, current
                return resp
            try:
                # Fix: urllib3 uses the pool's default headers only when headers is None, so
                # passing {} sent no User-Agent at all; merge them instead.
                raw = self._request(current, address, {**self._headers, **(headers or {})})
            except urllib3.exceptions.HTTPError as exc:
                resp.outcome, resp.error, resp.final_url = "network_error", _short(exc), current
                return resp
            try:
                if raw.status in (301, 302, 303, 307, 308) and raw.headers.get("location"):
                    # Fix: resolve inside normalize_url, which turns a malformed Location
                    # into None (urljoin raised ValueError out of get()).
                    target = normalize_url(raw.headers["location"], current)
                    if target is None or target in seen:
                        resp.outcome = "redirect_loop" if target in seen else "bad_redirect"
                        resp.error, resp.status, resp.final_url = f"to {target}", raw.status, current
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
                return self._read(raw, resp, allowed_types)
            finally:
                # Fix: a body left unread (redirect, error, refused type, over the cap) stayed on
                # the keep-alive connection and was parsed as the next response's status line.
                # Close such a connection instead of handing it back to the pool.
                if not raw.closed:
                    raw.close()
                raw.release_conn()
        resp.outcome, resp.error = "too_many_redirects", f"more than {self.policy.max_redirects}"
        return resp

    def _read(self, raw, resp: Response, allowed_types) -> Response:
        if resp.status == 304:
            resp.outcome = "not_modified"
            return resp
        if resp.status >= 400:
            resp.outcome, resp.error = "http_error", f"HTTP {resp.status}"
            return resp
        if allowed_types and resp.content_type not in allowed_types:
            resp.outcome, resp.error = "unsupported_type", resp.content_type or "no content-type"
            return resp
        chunks, total = [], 0
        try:
            # decode_content: the cap applies after decompression, so a gzip bomb stops early.
            for chunk in raw.stream(64 * 1024, decode_content=True):
                total += len(chunk)
                if total > self.policy.max_bytes:
                    resp.outcome, resp.error = "too_large", f"over {self.policy.max_bytes} bytes"
                    return resp
                chunks.append(chunk)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            resp.outcome, resp.error = "network_error", _short(exc)
            return resp
        resp.body = b"".join(chunks)
        return resp

    def _blocked(self, url: str) -> str | None:
        return self._resolve(url)[0]

    def _resolve(self, url: str) -> tuple[str | None, str | None]:
        """(why it is refused, or None; the checked address to connect to). Loopback, private,
        link-local and reserved addresses are refused unless the policy allows them."""
        if self.policy.allow_private_networks:
            return None, None
        host = urllib3.util.parse_url(url).host or ""
        try:
            infos = socket.getaddrinfo(host.strip("[]"), None)
        except (socket.gaierror, ValueError) as exc:  # Fix: bad IDNA labels raised UnicodeError
            return f"DNS failure: {exc}", None
        for info in infos:
            addr = ipaddress.ip_address(info[4][0].split("%")[0])
            if not addr.is_global:
                return f"{host} resolves to non-public address {addr}", None
        return None, infos[0][4][0]

    def _request(self, url: str, address: str | None, headers: dict):
        """GET through the shared pool, or, when the address was checked, pinned to it: a
        second DNS answer (rebinding to 127.0.0.1 or 169.254.169.254) is never used."""
        if address is None:
            return self._http.request("GET", url, headers=headers, redirect=False,
                                      preload_content=False)
        parts = urllib3.util.parse_url(url)
        key = (parts.scheme, parts.host, parts.port, address)
        pool = self._pinned.get(key)
        if pool is None:
            options = dict(timeout=self._timeout, retries=False, maxsize=1)
            if parts.scheme == "https":
                # TLS still verifies the certificate against the real host name.
                pool = urllib3.HTTPSConnectionPool(address, parts.port or 443,
                                                   server_hostname=parts.host,
                                                   assert_hostname=parts.host, **options)
            else:
                pool = urllib3.HTTPConnectionPool(address, parts.port or 80, **options)
            self._pinned[key] = pool
        host_header = parts.host if parts.port in (None, 80, 443) else f"{parts.host}:{parts.port}"
        return pool.urlopen("GET", parts.request_uri, headers={**headers, "Host": host_header},
                            redirect=False, preload_content=False, assert_same_host=False)


def _short(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]
