"""Find URLs: sitemaps (and sitemap indexes, gzip), RSS and Atom feeds, and in-page links."""
from __future__ import annotations

import gzip
import io
import zlib
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from lxml import etree, html as lxml_html

from crawler.models import Discovered
from crawler.urls import normalize_url

_MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, after decompression


class DiscoveryError(ValueError):
    """A sitemap or feed could not be parsed (skip it and record why)."""


def _xml_root(body: bytes):
    if body[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as gz:
                body = gz.read(_MAX_XML_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:  # Fix: a corrupt or truncated .gz
            raise DiscoveryError(f"bad gzip: {exc}") from exc  # escaped and aborted the crawl
        if len(body) > _MAX_XML_BYTES:
            raise DiscoveryError("sitemap larger than 50 MB after decompression")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             recover=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"not XML: {exc}") from exc
    if root is None:
        raise DiscoveryError("empty or unreadable XML")
    return root


def _local(tag) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(node, name: str) -> str | None:
    for child in node:
        if _local(child.tag) == name and child.text:
            return child.text.strip()
    return None


def _resolve(href: str | None, base: str) -> str | None:
    return normalize_url(href, base) if href and href.strip() else None


def parse_date(value: str | None) -> datetime | None:
    """W3C datetime (sitemaps, Atom) or RFC 822 (RSS), as aware UTC."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):  # "0001-01-01T00:00:00+01:00" from some CMSs
        return None


def parse_sitemap(body: bytes, base: str) -> tuple[list[Discovered], list[str]]:
    """Page URLs with lastmod, and child sitemap URLs (for a sitemap index)."""
    root = _xml_root(body)
    pages, children = [], []
    for node in root:
        # Fix: a <url> without <loc> resolved "" against the sitemap's own URL and listed it.
        loc = _resolve(_child_text(node, "loc"), base)
        if not loc:
            continue
        if _local(node.tag) == "sitemap":
            children.append(loc)
        elif _local(node.tag) == "url":
            pages.append(Discovered(loc, parse_date(_child_text(node, "lastmod")), "sitemap"))
    return pages, children


def parse_feed(body: bytes, base: str) -> list[Discovered]:
    """Entries of an RSS 2.0 or Atom feed, with their publication dates."""
    root = _xml_root(body)
    found = []
    for node in root.iter():
        name = _local(node.tag)
        if name == "item":
            link = _child_text(node, "link")
            date = _child_text(node, "pubdate") or _child_text(node, "date")
        elif name == "entry":
            link = next((c.get("href") for c in node if _local(c.tag) == "link"
                         and c.get("rel", "alternate") == "alternate"), None)
            date = _child_text(node, "updated") or _child_text(node, "published")
        else:
            continue
        url = _resolve(link, base)  # Fix: a linkless item no longer yields the feed's own URL
        if url:
            found.append(Discovered(url, parse_date(date), "feed"))
    return found


def extract_links(body: bytes, page_url: str) -> list[str]:
    """Normalised http(s) links of an HTML page, in document order, without duplicates."""
    try:
        doc = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return []
    seen: dict[str, None] = {}
    for element in doc.iter("a"):
        href = element.get("href")
        if href and not element.get("rel", "").lower().count("nofollow"):
            url = normalize_url(href, page_url)
            if url:
                seen.setdefault(url, None)
    return list(seen)
