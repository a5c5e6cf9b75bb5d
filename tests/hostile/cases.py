"""The hostile web of issue 10, as servers and a sources.yaml: every case on its own path, a few
normal pages beside them, and the outcome each case must end in.

Hosts (each a HostileServer on 127.0.0.1, one port per host):
  normal   three realistic pages (tests/fixtures/pages): they must load whatever else happens
  hostile  most cases; its robots.txt allows everything
  slow     slow-loris cases (their own source, so their timeouts run beside the rest)
  robots5  a robots.txt that answers 503
  robots10 a 10 MB robots.txt
  canary   nothing: a redirect to this other loopback port must be refused before connecting

No source sets allow_private_networks. Each names the exact host:port of its own server in
allow_private_hosts, so every other loopback, private or metadata address stays refused."""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from tests.conftest import page_html
from tests.hostile.server import MB, TEXT, HostileServer, article, chunked, gzip_bomb, repeat

XSS = "<script>alert('cw')</script>"
FORMULA = "=cmd|' /C calc'!A0"
LONG_PATH = "/" + "a" * (100 * 1024)  # a 100 KB URL
MAX_BYTES = 4 * MB                   # the hostile source's cap, after decompression
TIMEOUT = 2.0                        # the slow source's timeout (per read and in all)


@dataclass
class Case:
    name: str
    url: str
    outcome: str                     # the fetch outcome (kind page) it must end in
    extract: str | None = None       # "error", "document" or "quarantine", when it reaches extraction
    quarantine: str | None = None    # "relation.column" of a quarantined fetch row
    note: str = ""


@dataclass
class HostileWeb:
    servers: dict[str, HostileServer]
    cases: list[Case] = field(default_factory=list)
    normal: list[str] = field(default_factory=list)
    sources_yaml: str = ""

    def url(self, host: str, path: str) -> str:
        return self.servers[host].url(path)


def _xss_page(n: int) -> str:
    title = f"{XSS} {FORMULA} notes {n}"
    body = (f'Fans of the tea call it "velvet drift", a term for {FORMULA} feelings after a late '
            f"cup. The shop page says &lt;script&gt;alert('velvet drift')&lt;/script&gt; is what "
            f'"velvet drift" feels like. QZV stands for Quiet &lt;script&gt;document.cookie'
            f"&lt;/script&gt; Vapour, a blend sold by the tin. " + TEXT * 3)
    return article(title.replace("<", "&lt;").replace(">", "&gt;"), body)


def _slow_site(server: HostileServer) -> None:
    robots(server)

    def drip_body(h):  # headers at once, then one byte a second
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        try:
            for _ in range(120):
                if server.stopping.is_set():
                    break
                h.wfile.write(b"<")
                h.wfile.flush()
                server.sent["/slow-body.html"] += 1
                time.sleep(1)
        except OSError:
            pass
        h.close_connection = True

    server.routes["/slow-body.html"] = drip_body
    # The status line and headers themselves, a byte a second: never a read timeout.
    status = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Drip: " + b"z" * 200
    server.raw("/slow-headers.html", lambda: (status[i:i + 1] for i in range(len(status))), pause=1.0)


def robots(server: HostileServer, text: str = "User-agent: *\nAllow: /\n") -> None:
    server.route("/robots.txt", text, content_type="text/plain")


def build(make_server) -> HostileWeb:
    names = ("normal", "hostile", "slow", "robots5", "robots10", "canary")
    web = HostileWeb({name: make_server() for name in names})
    normal, hostile, slow = web.servers["normal"], web.servers["hostile"], web.servers["slow"]

    robots(normal)
    for path, fixture in (("/blog.html", "vendor_blog.html"), ("/forum.html", "forum_thread.html"),
                          ("/clinic.html", "clinic_page.html")):
        normal.route(path, page_html(fixture))
        web.normal.append(normal.url(path))

    robots(hostile)
    h = hostile.url
    add = web.cases.append

    # Markup.
    hostile.route("/malformed.html", (
        "<html><head><title>Malformed <b>title</title><body><div><p>unclosed <i><b>" + TEXT * 3
        + "</div></div></span><<<>>><p <p <p class=x'y\"z>" + TEXT * 2 + "<table><td><tr></table"))
    add(Case("malformed HTML", h("/malformed.html"), "fetched", "document"))
    whole = article("Truncated", TEXT * 6)
    hostile.route("/truncated.html", whole[:len(whole) // 2 + 7])  # cut inside a tag
    add(Case("truncated HTML (cut mid-tag)", h("/truncated.html"), "fetched", "document"))
    hostile.routes["/truncated-transfer.html"] = lambda hd: _short_body(hd, whole.encode())
    add(Case("truncated transfer (Content-Length > body)", h("/truncated-transfer.html"),
             "network_error"))
    hostile.route("/deep.html", "<html><body>" + "<div>" * 100_000 + TEXT * 3 + "</div>" * 100_000
                  + "</body></html>")
    add(Case("100k-deep nesting", h("/deep.html"), "fetched", "error",
             note="libxml2 stops at depth 256: the text is out of reach"))

    # Size.
    hostile.stream("/huge.html", {"Content-Type": "text/html", "Content-Length": str(50 * MB)},
                   repeat(b"<p>" + b"lorem ipsum " * 5000 + b"</p>\n", 50 * MB))
    add(Case("50 MB page", h("/huge.html"), "too_large"))
    hostile.stream("/endless.html", {"Content-Type": "text/html", "Transfer-Encoding": "chunked"},
                   chunked(b"<p>" + b"more " * 3000 + b"</p>\n"))
    add(Case("endless chunked response", h("/endless.html"), "too_large"))
    hostile.stream("/bomb.html", {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                   gzip_bomb())
    add(Case("gzip bomb (endless, ~1000:1)", h("/bomb.html"), "too_large"))
    hostile.route("/script.html", "<html><head><title>Big script</title><script>var a='"
                  + "x" * (10 * MB) + "';</script></head><body><article><p>" + TEXT * 3
                  + "</p></article></body></html>")
    add(Case("10 MB single-line script", h("/script.html"), "fetched", "document",
             note="source hostile-big, max_bytes 16 MB"))

    # Content.
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64
    hostile.route("/binary.html", png, content_type="text/html")
    add(Case("binary (PNG) served as text/html", h("/binary.html"), "bad_content_type"))
    noise = bytes(b or 1 for b in random.Random(10).randbytes(64 * 1024))  # no NUL byte at all
    hostile.route("/noise.html", noise, content_type="text/html; charset=utf-8")
    add(Case("binary without NUL bytes as text/html", h("/noise.html"), "fetched", "error"))
    cafe = article("Café", ("Naïve “quotes” — 5 € a tin. " + TEXT) * 4)
    hostile.route("/wrong-charset.html", cafe.encode("cp1252"), content_type="text/html; charset=utf-8")
    add(Case("declared UTF-8, body windows-1252", h("/wrong-charset.html"), "fetched", "document"))
    hostile.route("/bogus-charset.html", cafe.encode("utf-8"),
                  content_type="text/html; charset=x-no-such-charset")
    add(Case("unknown charset name", h("/bogus-charset.html"), "fetched", "document"))
    hostile.route("/utf16-meta.html", cafe.replace("<head>", '<head><meta charset="utf-16">').encode(),
                  content_type="text/html")
    add(Case("<meta charset=utf-16> on a UTF-8 body", h("/utf16-meta.html"), "fetched", "document"))
    hostile.route("/no-charset.html", cafe.encode("cp1252"), content_type="text/html")
    add(Case("no charset anywhere, windows-1252 body", h("/no-charset.html"), "fetched", "document"))
    hostile.route("/empty.html", b"")
    add(Case("zero-byte body", h("/empty.html"), "fetched", None))
    hostile.route("/repeated.html", "<html><body><p>" + "zorbex " * 400_000 + "</p></body></html>")
    add(Case("one term repeated (2.8 MB, nothing else)", h("/repeated.html"), "fetched",
             "quarantine", note="documents.text_length over 2,000,000: a warning"))
    for n in (1, 2):
        hostile.route(f"/xss-{n}.html", _xss_page(n))
        add(Case(f"<script> and {FORMULA} in title and terms ({n})", h(f"/xss-{n}.html"),
                 "fetched", "document"))

    # Redirects.
    hostile.redirect("/loop-a.html", "/loop-b.html")
    hostile.redirect("/loop-b.html", "/loop-a.html")
    add(Case("redirect loop", h("/loop-a.html"), "redirect_loop"))
    for i in range(8):
        hostile.redirect(f"/chain{i}.html", f"/chain{i + 1}.html")
    hostile.route("/chain8.html", article("End of a long chain"))
    add(Case("redirect chain of 8 (limit 5)", h("/chain0.html"), "too_many_redirects"))
    for i in range(3):
        hostile.redirect(f"/hop{i}.html", f"/hop{i + 1}.html")
    hostile.route("/hop3.html", article("End of a short chain"))
    add(Case("redirect chain of 3", h("/hop0.html"), "fetched", "document"))
    canary = web.servers["canary"]
    targets = {"/to-loopback.html": canary.url("/x"),               # 127.0.0.1, another port
               "/to-localhost.html": f"http://localhost:{hostile.httpd.server_port}/x",
               "/to-private.html": "http://10.0.0.1/latest",
               "/to-metadata.html": "http://169.254.169.254/latest/meta-data/iam/"}
    for path, target in targets.items():
        hostile.redirect(path, target)
        add(Case(f"redirect to {target.split('/')[2]}", h(path), "blocked_address"))
    for path, target in {"/to-file.html": "file:///etc/passwd", "/to-ftp.html": "ftp://127.0.0.1/x",
                         "/to-js.html": "javascript:alert(document.cookie)"}.items():
        hostile.redirect(path, target)
        add(Case(f"redirect to {target.split(':')[0]}:", h(path), "blocked_scheme"))
    hostile.redirect("/to-nowhere.html", "http://nonexistent.invalid/x")
    add(Case("redirect to nonexistent.invalid", h("/to-nowhere.html"), "network_error"))
    hostile.redirect("/to-long.html", LONG_PATH)
    add(Case("redirect to a 100 KB URL", h("/to-long.html"), "network_error",
             note="a Location header over http.client's 64 KB line limit"))
    hostile.route("/links.html", article("Links", TEXT * 3 + "".join(
        f'<a href="{href}">link</a> ' for href in (
            "file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)", "JaVaScRiPt:alert(2)",
            "data:text/html,<script>alert(3)</script>", "http://[oops/", h(LONG_PATH),
            "/hop3.html"))))
    add(Case("page linking file:, ftp:, javascript:, data:, a 100 KB URL", h("/links.html"),
             "fetched", "document"))

    # Addresses.
    add(Case("100 KB URL", h(LONG_PATH), "http_error", quarantine="fetches.status",
             note="the server answers 414, a status the fetches suite quarantines"))
    add(Case("DNS failure (nonexistent.invalid)", "http://nonexistent.invalid/page.html",
             "network_error"))

    # Slow servers.
    _slow_site(slow)
    add(Case("slow loris: body a byte a second", slow.url("/slow-body.html"), "timeout"))
    add(Case("slow loris: headers a byte a second", slow.url("/slow-headers.html"), "timeout"))

    # robots.txt.
    r5, r10 = web.servers["robots5"], web.servers["robots10"]
    r5.route("/robots.txt", "down", status=503, content_type="text/plain")
    r5.route("/page.html", article("Behind a failing robots.txt"))
    add(Case("robots.txt answers 503", r5.url("/page.html"), "robots_disallowed"))
    r10.stream("/robots.txt", {"Content-Type": "text/plain", "Content-Length": str(10 * MB)},
               repeat(b"User-agent: *\nDisallow: /private/\n" + b"# padding " * 100 + b"\n",
                      10 * MB))
    r10.route("/page.html", article("Behind a 10 MB robots.txt"))
    r10.route("/private/page.html", article("Private"))
    add(Case("10 MB robots.txt: an allowed page", r10.url("/page.html"), "fetched", "document"))
    add(Case("10 MB robots.txt: a disallowed page", r10.url("/private/page.html"), "robots_disallowed"))

    web.sources_yaml = _sources(web)
    return web


def _short_body(handler, body: bytes):
    """Promise the whole body, send half, hang up."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(body[:len(body) // 2])
    handler.close_connection = True


def _sources(web: HostileWeb) -> str:
    s = web.servers
    hostile_urls = [c.url for c in web.cases if c.url.startswith(s["hostile"].base)
                    and not c.url.endswith("/script.html")]
    hostile_urls.append("http://nonexistent.invalid/page.html")

    def source(name: str, urls: list[str], hosts: list[str], **extra) -> str:
        lines = [f"  - name: {name}", "    seeds:"] + [f"      - '{u}'" for u in urls]
        lines.append(f"    allow_private_hosts: [{', '.join(repr(x) for x in hosts)}]")
        lines += [f"    {k}: {v}" for k, v in extra.items()]
        return "\n".join(lines)

    return "\n".join([
        "defaults:", "  delay_seconds: 0", "  max_depth: 0", "sources:",
        source("normal", web.normal, [s["normal"].host]),
        source("hostile", hostile_urls, [s["hostile"].host], max_bytes=MAX_BYTES,
               timeout_seconds=3, max_depth=1, max_pages=200),
        source("hostile-big", [s["hostile"].url("/script.html")], [s["hostile"].host],
               max_bytes=16 * MB),
        source("slow", [s["slow"].url("/slow-body.html"), s["slow"].url("/slow-headers.html")],
               [s["slow"].host], timeout_seconds=TIMEOUT),
        source("robots5", [s["robots5"].url("/page.html")], [s["robots5"].host]),
        source("robots10", [s["robots10"].url("/page.html"), s["robots10"].url("/private/page.html")],
               [s["robots10"].host]),
    ]) + "\n"
