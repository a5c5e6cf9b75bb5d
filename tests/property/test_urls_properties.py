"""crawler.urls.normalize_url on arbitrary input: never raises, and its output is a fixed point
(a page is fetched once however it was linked, and a stored URL re-normalises to itself)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from hypothesis import example, given, strategies as st

from crawler.urls import (_TRACKING_KEYS, _TRACKING_PREFIXES, MAX_URL_LENGTH, host_of,
                          normalize_url, url_hash)

# Pieces that URL parsers trip on: brackets, ports, userinfo, escapes, tracking keys, odd
# whitespace and full-width characters that NFKC folds into "/", "?", "#" or "@".
_PIECES = st.sampled_from([
    "http://", "https://", "HTTP://", "ftp://", "//", "/", "?", "#", "&", "=", ":", "@", "[", "]",
    "::1", "80", "443", "8080", "99999", "%", "%2F", "%zz", "%e2%80%99", "+", " ", "\t", "\n",
    "\u3000", "\uff0f", "\uff1f", "\uff03", "\uff20", "utm_source=x", "UTM_Campaign=", "gclid=1",
    "ref=a", "id=3", "ex.com", "WWW.Ex.COM", "xn--bcher-kva", "bücher", "İ", "..", ".", "a", "Z",
    "é", "\x00", "\x7f", "\\", "'", '"', "<", ">",
])
URLISH = st.lists(_PIECES, max_size=14).map("".join)
ANY_TEXT = st.text(max_size=60)
URLS = st.one_of(URLISH, ANY_TEXT,
                 st.builds(lambda s, rest: s + rest, st.sampled_from(["http://", "https://"]),
                           ANY_TEXT))
BASES = st.one_of(st.none(), st.just("https://ex.com/dir/page.html"), URLISH)


def _tracking(key: str) -> bool:
    return key.lower().startswith(_TRACKING_PREFIXES) or key.lower() in _TRACKING_KEYS


@given(URLS, BASES)
# Found here: escaping spaces took the result past MAX_URL_LENGTH, so it re-normalised to None.
@example("https://ex.com/" + " " * (MAX_URL_LENGTH - 20) + "x", None)
@example("http://[oops", "https://ex.com/")
@example("http://ex.com:٨٠/", None)  # non-ASCII digits in the port
def test_normalize_never_raises_and_is_idempotent(url, base):
    out = normalize_url(url, base)
    if out is None:
        return
    assert normalize_url(out) == out
    assert normalize_url(out, base) == out  # absolute: a base no longer matters


@given(URLS, BASES)
@example("HTTP:// 0", None)  # found here: a host with a space was kept
@example("http://a\x00b/", None)
def test_output_is_a_fetchable_canonical_url(url, base):
    out = normalize_url(url, base)
    if out is None:
        return
    parts = urlsplit(out)
    assert parts.scheme in ("http", "https")
    assert parts.hostname and parts.netloc == parts.netloc.lower()
    assert parts.fragment == "" and "#" not in out
    assert parts.path.startswith("/")
    assert parts.port not in ({"http": 80, "https": 443}[parts.scheme],)
    assert len(out) <= MAX_URL_LENGTH
    query = parse_qsl(parts.query, keep_blank_values=True)
    assert query == sorted(query)
    assert not any(_tracking(k) for k, _ in query)
    assert not any(c.isspace() for c in out)


@given(st.sampled_from(["http", "https", "HTTP", "hTtPs"]),
       st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){1,2}", fullmatch=True),
       st.from_regex(r"(/[A-Za-z0-9._~-]{0,8}){0,4}", fullmatch=True),
       st.lists(st.tuples(st.from_regex(r"[a-z]{1,6}", fullmatch=True),
                          st.from_regex(r"[a-z0-9]{0,4}", fullmatch=True)), max_size=4),
       st.from_regex(r"[a-z0-9]{0,6}", fullmatch=True))
def test_plain_urls_keep_host_path_and_parameters(scheme, host, path, query, fragment):
    """A well-formed URL keeps its host, path and non-tracking parameters (sorted), and loses
    its fragment and tracking parameters."""
    raw = f"{scheme}://{host.upper()}{path}?" + "&".join(f"{k}={v}" for k, v in query)
    raw += "&utm_source=feed&fbclid=x" + (f"#{fragment}" if fragment else "")
    out = normalize_url(raw)
    assert out is not None
    parts = urlsplit(out)
    assert parts.scheme == scheme.lower() and parts.netloc == host
    assert parts.path == (path or "/")
    assert parse_qsl(parts.query, keep_blank_values=True) == sorted(
        (k, v) for k, v in query if not _tracking(k))


@given(URLS, BASES)
def test_hash_and_host_are_total_on_normalised_urls(url, base):
    out = normalize_url(url, base)
    if out is None:
        return
    digest = url_hash(out)
    assert len(digest) == 32 and int(digest, 16) >= 0
    assert host_of(out) == urlsplit(out).netloc
