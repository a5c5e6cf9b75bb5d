"""A local multi-host web for crawl benchmarks: one HTTP server per port on 127.0.0.1, each
port standing for one host, with robots.txt, a sitemap and generated article pages.

    with serve_site(hosts=20, pages=250) as bases:   # ["http://127.0.0.1:PORT", ...]
        ...

Everything is generated up front (seeded, so every run serves the same bytes) and served from
memory: the benchmark should measure the crawler, not the server."""
from __future__ import annotations

import random
import threading
from contextlib import contextmanager
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROBOTS = b"User-agent: *\nDisallow: /private/\n"

TOPICS = ["vitamin D", "magnesium", "turmeric", "omega-3", "zinc", "probiotics", "melatonin",
          "green tea extract", "ashwagandha", "collagen", "iron", "vitamin C", "creatine",
          "intermittent fasting", "apple cider vinegar", "elderberry", "CoQ10", "fibre"]
CLAIMS = ["may support a healthy immune system", "is often said to improve sleep quality",
          "has been linked to lower inflammation in small trials",
          "is marketed as a natural way to boost energy", "could help with joint comfort",
          "is claimed to balance blood sugar", "may reduce muscle soreness after exercise",
          "is promoted as a detox aid, although the evidence is thin",
          "was associated with better mood in an observational study",
          "is sometimes recommended for healthy skin and hair"]
HEDGES = ["According to a 2021 review,", "Some nutritionists argue that", "In our experience,",
          "A small randomised trial suggested that", "Readers often ask whether",
          "It is worth remembering that", "Several manufacturers state that",
          "Public health agencies caution that", "Anecdotally,", "Current guidance says"]
TAILS = ["Talk to your doctor before starting any supplement.",
         "Doses above the recommended daily intake are not necessarily better.",
         "Results vary, and larger studies are still needed.",
         "Food sources are usually preferable to capsules.",
         "People taking prescription medication should check for interactions.",
         "The quality of over-the-counter products differs widely between brands.",
         "Pregnant or breastfeeding readers should seek individual advice.",
         "We will update this article as new research is published."]

HEADER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Wellness Notes {host}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{title}: what the evidence says, in plain words.">
<link rel="stylesheet" href="/static/site.css"><link rel="canonical" href="{url}">
<script type="application/ld+json">{{"@type": "BlogPosting", "headline": "{title}",
 "datePublished": "{day}", "author": {{"@type": "Person", "name": "{author}"}}}}</script>
</head><body>
<header class="site-header"><a class="logo" href="/">Wellness Notes {host}</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/topics/">Topics</a></li>
<li><a href="/supplements/">Supplements</a></li><li><a href="/nutrition/">Nutrition</a></li>
<li><a href="/sleep/">Sleep</a></li><li><a href="/about/">About us</a></li>
<li><a href="/private/drafts/">Drafts</a></li><li><a href="/contact/">Contact</a></li></ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search articles"></form>
</header>
<main><article><h1>{title}</h1>
<p class="byline">By {author} &middot; <time datetime="{day}">{day}</time> &middot; 6 min read</p>
"""
FOOTER = """</article>
<aside class="newsletter"><h2>Get our weekly wellness digest</h2><p>Evidence-based tips,
no spam. Unsubscribe at any time.</p><form action="/subscribe"><input name="email">
<button>Subscribe</button></form></aside></main>
<footer><p>&copy; 2025 Wellness Notes. The content of this site is for information only and
is not a substitute for professional medical advice, diagnosis or treatment. Always seek the
advice of your physician with any questions you may have regarding a medical condition.</p>
<ul><li><a href="/privacy/">Privacy policy</a></li><li><a href="/terms/">Terms of use</a></li>
<li><a href="/cookies/">Cookie settings</a></li><li><a href="/advertise/">Advertise</a></li>
<li><a href="/editorial-policy/">Editorial policy</a></li></ul></footer>
<script src="/static/site.js" defer></script></body></html>
"""


def _lastmod(host: int, page: int, week: date | None = None) -> date:
    # Spread over 2025, so a crawler's time window must really cover the whole year; or over
    # the seven days from `week`, for a pipeline run over one weekly window.
    if week is not None:
        return week + timedelta(days=(host * 37 + page * 11) % 7)
    return date(2025, 1, 1) + timedelta(days=(host * 37 + page * 11) % 365)


def _page(rng: random.Random, bases: list[str], host: int, page: int, pages: int,
          week: date | None = None) -> bytes:
    topic = rng.choice(TOPICS)
    title = f"{topic.capitalize()}: {rng.choice(CLAIMS)}? (part {page})"
    author = rng.choice(["Dana Ortiz", "Sam Patel", "Lee Novak", "Kim Adeyemi", "Alex Berg"])
    parts = [HEADER.format(title=title, host=host, url=f"{bases[host]}/articles/{page}.html",
                           day=_lastmod(host, page, week), author=author)]
    for n in range(rng.randint(6, 10)):
        if n % 3 == 2:
            parts.append(f"<h2>What about {rng.choice(TOPICS)}?</h2>\n")
        sentences = [f"{rng.choice(HEDGES)} {rng.choice(TOPICS)} {rng.choice(CLAIMS)}."
                     for _ in range(rng.randint(9, 14))] + [rng.choice(TAILS)]
        parts.append("<p>" + " ".join(sentences) + "</p>\n")
    parts.append("<h2>Related articles</h2>\n<ul class=\"related\">\n")
    for other in rng.sample(range(pages), rng.randint(5, 10)):
        about = rng.choice(TOPICS)
        parts.append(f'<li><a href="/articles/{other}.html">More on {about}</a></li>\n')
    elsewhere = rng.choice([b for i, b in enumerate(bases) if i != host] or bases)
    parts.append(f'</ul>\n<p>See also <a href="{elsewhere}/articles/{rng.randrange(pages)}.html">'
                 f"a partner site</a>.</p>\n")
    parts.append(FOOTER)
    return "".join(parts).encode()


def _sitemap(base: str, host: int, pages: int, week: date | None = None) -> bytes:
    urls = "".join(f"<url><loc>{base}/articles/{p}.html</loc>"
                   f"<lastmod>{_lastmod(host, p, week)}</lastmod></url>\n" for p in range(pages))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n").encode()


def _handler(files: dict[str, tuple[str, bytes]]):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
        # Headers and body go out in two writes; with Nagle on, the second waits for the
        # client's delayed ACK (~40 ms a response on Linux) and both crawlers would be idle.
        disable_nagle_algorithm = True

        def do_GET(self):
            content_type, body = files.get(self.path.split("?")[0], ("text/html", b"not found"))
            self.send_response(200 if self.path.split("?")[0] in files else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet: thousands of requests
            pass

    return Handler


@contextmanager
def serve_site(hosts: int = 20, pages: int = 250, seed: int = 7, week: date | None = None):
    # Bind every server first: pages link across hosts, so all ports must be known.
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) for _ in range(hosts)]
    bases = [f"http://127.0.0.1:{s.server_address[1]}" for s in servers]
    for h, server in enumerate(servers):
        rng = random.Random(seed * 1_000_003 + h)
        files = {"/robots.txt": ("text/plain", ROBOTS),
                 "/sitemap.xml": ("application/xml", _sitemap(bases[h], h, pages, week))}
        for p in range(pages):
            files[f"/articles/{p}.html"] = ("text/html; charset=utf-8",
                                            _page(rng, bases, h, p, pages, week))
        server.RequestHandlerClass = _handler(files)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield bases
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":  # serve until Ctrl-C, to look at the pages by hand
    import time

    with serve_site() as site:
        print("\n".join(site))
        time.sleep(10**9)
