"""The bundled demo web: each folder of demo/site/ served as its own site on 127.0.0.1.

`{{base}}` in served text files becomes the site's own origin, so sitemaps and feeds carry
absolute URLs for whatever port the site runs on. Files starting with `_` are not served."""
from __future__ import annotations

import hashlib
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SITE_ROOT = Path(__file__).resolve().parents[1] / "demo" / "site"
DEMO_PORTS = {"kavahaven": 8701, "leafwise": 8702, "northbridge": 8703, "steadyroots": 8704}
_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
          ".txt": "text/plain; charset=utf-8"}


class _Handler(BaseHTTPRequestHandler):
    server_version = "claimwatch-demo/1"

    def __init__(self, *args, root: Path, **kwargs):
        self.root = root
        super().__init__(*args, **kwargs)

    def do_HEAD(self):
        self._serve(head=True)

    def do_GET(self):
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        target = (self.root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if (self.root not in target.parents or not target.is_file()
                or any(part.startswith("_") for part in target.relative_to(self.root).parts)):
            self.send_error(404)
            return
        body = target.read_bytes()
        if target.suffix in _TYPES:
            base = f"http://{self.headers.get('Host') or '127.0.0.1'}"
            body = body.replace(b"{{base}}", base.encode())
        # Validators, as real sites send them: the crawler's next visit asks "changed since?"
        # and an unchanged page costs a 304 and no re-analysis.
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Type", _TYPES.get(target.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, *args):  # quiet: the crawler keeps its own fetch log
        pass


class DemoWeb:
    """Start every site of `root` on 127.0.0.1; port 0 picks free ports (for tests)."""

    def __init__(self, root: Path = SITE_ROOT, ports: dict[str, int] | None = None,
                 host: str = "127.0.0.1"):
        self.root, self.host = Path(root), host
        self.ports = ports if ports is not None else dict(DEMO_PORTS)
        self.servers: dict[str, ThreadingHTTPServer] = {}

    def start(self) -> dict[str, str]:
        for site in sorted(p.name for p in self.root.iterdir() if p.is_dir()):
            port = self.ports.get(site, 0)
            try:
                server = ThreadingHTTPServer((self.host, port),
                                             partial(_Handler, root=(self.root / site).resolve()))
            except OSError as exc:
                self.stop()
                raise RuntimeError(f"demo site {site}: cannot listen on {self.host}:{port}: {exc}. "
                                   "Is another demo still running?") from exc
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers[site] = server
        return self.origins

    @property
    def origins(self) -> dict[str, str]:
        return {site: f"http://{self.host}:{s.server_address[1]}" for site, s in self.servers.items()}

    def stop(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        self.servers.clear()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def sources_yaml(origins: dict[str, str], delay_seconds: float = 1.0) -> str:
    """A sources.yaml for the demo web (the shape of config/sources.yaml)."""
    lines = ["defaults:", f"  delay_seconds: {delay_seconds}", "  max_depth: 1",
             "  max_pages: 100", "  allow_private_networks: true  # the demo web is on 127.0.0.1",
             "sources:"]
    for site, origin in sorted(origins.items()):
        feed = (SITE_ROOT / site / "feed.xml").exists()
        lines += [f"  - name: {site}", f"    seeds: [{origin}/index.html]",
                  f"    sitemaps: [{origin}/sitemap.xml]"]
        if feed:
            lines.append(f"    feeds: [{origin}/feed.xml]")
    return "\n".join(lines) + "\n"
