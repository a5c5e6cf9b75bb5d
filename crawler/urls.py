"""URL normalisation, so one page is fetched once however it was linked."""
from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_",)
_TRACKING_KEYS = {"fbclid", "gclid", "mc_cid", "mc_eid", "ref", "_hsenc", "_hsmi", "yclid", "msclkid"}
_DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 2048
# Characters no host name can hold (WHATWG "forbidden host code points", with whitespace and
# controls): urlsplit accepts "http://a b/", which no fetch can reach.
_BAD_HOST = re.compile(r"[\s\x00-\x1f\x7f#%/<>?@\[\\\]^|]")


def normalize_url(url: str, base: str | None = None) -> str | None:
    """Absolute, lower-case scheme and host, no default port, fragment or tracking parameters,
    sorted query. None for anything that is not a fetchable http(s) URL."""
    try:
        # Fix: urljoin raises ValueError on a malformed href ("http://[oops"); it used to run
        # outside this try, so one bad link on a page aborted the whole crawl.
        if base:
            url = urljoin(base, url.strip())
        if len(url) > MAX_URL_LENGTH:
            return None
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or _BAD_HOST.search(parts.hostname):
        return None  # fix (tests/property): a host with spaces or controls was kept
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"  # Fix: an IPv6 literal keeps the brackets .hostname strips
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not (k.lower().startswith(_TRACKING_PREFIXES) or k.lower() in _TRACKING_KEYS))
    # Spaces and other unsafe characters in a path are percent-encoded; existing escapes stay.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    out = urlunsplit((scheme, netloc, path, urlencode(query), ""))
    # Fix (tests/property): escaping can lengthen a URL past the cap; such a result was returned,
    # and normalising it again gave None.
    return out if len(out) <= MAX_URL_LENGTH else None


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()
