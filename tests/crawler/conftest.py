"""Local HTTP servers for the crawler tests: 127.0.0.1, port 0, one daemon thread each.
Nothing here reaches the internet."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.fetch import FetchPolicy, Fetcher


@dataclass
class Hit:
    path: str
    start: float
    end: float = 0.0
    headers: dict = field(default_factory=dict)


class LocalServer:
    """Serves routes registered with `route`; records every request (path, start, end)."""

    def __init__(self):
        self.routes: dict[str, object] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like real servers

            def log_message(self, *args):
                pass

            def do_GET(self):
                hit = Hit(self.path, time.monotonic(), headers=dict(self.headers))
                with owner._lock:
                    owner.hits.append(hit)
                route = owner.routes.get(self.path) or owner.routes.get(self.path.split("?")[0])
                if route is None:
                    status, headers, body, pause = 404, {"Content-Type": "text/html"}, b"not found", 0
                elif callable(route):
                    answer = route(self)
                    if answer is None:  # the route wrote its own response (a trickle, say)
                        hit.end = time.monotonic()
                        return
                    status, headers, body, pause = answer
                else:
                    status, headers, body, pause = route
                if pause:
                    time.sleep(pause)
                # Taken before the response is sent, so the client cannot have moved on yet:
                # a later request starting before this moment ran concurrently with this one.
                hit.end = time.monotonic()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.handle_error = lambda request, address: None  # client resets are expected
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.httpd.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path, body: bytes | str = b"", status=200,
              content_type="text/html; charset=utf-8", headers=None, pause=0.0):
        if isinstance(body, str):
            body = body.encode("utf-8")
        all_headers = {"Content-Type": content_type} if content_type else {}
        all_headers.update(headers or {})
        self.routes[path] = (status, all_headers, body, pause)

    def redirect(self, path, location, status=302):
        # A small body on a keep-alive connection, as most servers send.
        self.route(path, b"Moved", status=status, headers={"Location": location})

    @property
    def paths(self) -> list[str]:
        with self._lock:
            return [h.path for h in self.hits]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def make_server():
    servers = []

    def factory() -> LocalServer:
        server = LocalServer()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.close()


@pytest.fixture
def server(make_server) -> LocalServer:
    return make_server()


@pytest.fixture
def local_policy() -> FetchPolicy:
    # No retries by default: the retry tests ask for them, and a test's sleeps are recorded.
    return FetchPolicy(allow_private_networks=True, max_bytes=200_000,
                       connect_timeout=2.0, read_timeout=5.0, max_retries=0)


@pytest.fixture
def fetcher(local_policy) -> Fetcher:
    return Fetcher(local_policy)


def page(*hrefs: str, title: str = "page") -> str:
    links = "".join(f'<a href="{h}">{h}</a>\n' for h in hrefs)
    return f"<!doctype html><html><head><title>{title}</title></head><body>{links}</body></html>"
