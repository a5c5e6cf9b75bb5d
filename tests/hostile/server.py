"""A hostile web on 127.0.0.1: one path per case, each written byte by byte by its handler.

Built on tests/crawler/conftest.py's LocalServer (threaded, port 0, a request log). The big
and endless cases generate their bytes as they send them, so neither the test nor the server
ever holds 50 MB or a gzip bomb's gigabytes in memory; `sent` counts what each path wrote."""
from __future__ import annotations

import threading
import time
import zlib
from collections import Counter

from tests.crawler.conftest import LocalServer

MB = 1024 * 1024
TEXT = ("Kratom vendors describe a calm they call the evening lull, and readers trade notes on "
        "how long it lasts. Some say two grams is enough; others start low and build up slowly. ")


def article(title: str, body: str = TEXT * 4, head: str = "") -> str:
    return (f"<!doctype html><html><head><title>{title}</title>{head}</head><body><main>"
            f"<article><h1>{title}</h1><p>{body}</p></article></main></body></html>")


class HostileServer(LocalServer):
    """LocalServer plus per-path byte counts and a stop flag for endless handlers."""

    def __init__(self):
        super().__init__()
        self.sent: Counter[str] = Counter()
        self.stopping = threading.Event()

    def stream(self, path: str, headers: dict, chunks, status: int = 200, close: bool = True):
        """Route `path` to a handler that sends `headers`, then each bytes of `chunks()` (a
        generator function) until it ends, the client goes away, or the server stops."""
        def handler(h):
            h.send_response_only(status)
            for name, value in headers.items():
                h.send_header(name, value)
            if close:
                h.send_header("Connection", "close")
            h.end_headers()
            try:
                for chunk in chunks():
                    if self.stopping.is_set():
                        break
                    h.wfile.write(chunk)
                    self.sent[path] += len(chunk)
                h.wfile.flush()
            except OSError:
                pass  # the crawler hung up, as it should
            h.close_connection = True

        self.routes[path] = handler

    def raw(self, path: str, data_chunks, pause: float = 0.0):
        """Route `path` to a handler that writes raw bytes (status line included), `pause`
        seconds apart: a server that is not even speaking HTTP properly."""
        def handler(h):
            try:
                for chunk in data_chunks():
                    if self.stopping.is_set():
                        break
                    h.wfile.write(chunk)
                    h.wfile.flush()
                    self.sent[path] += len(chunk)
                    if pause:
                        time.sleep(pause)
            except OSError:
                pass
            h.close_connection = True

        self.routes[path] = handler

    def close(self):
        self.stopping.set()
        super().close()


# --- byte generators ------------------------------------------------------------------------

def repeat(block: bytes, total: int | None):
    """`total` bytes of `block` repeated (for ever when None), a block at a time."""
    def chunks():
        left = total
        while left is None or left > 0:
            piece = block if left is None or left >= len(block) else block[:left]
            yield piece
            if left is not None:
                left -= len(piece)
    return chunks


def gzip_bomb():
    """An endless gzip stream of zeros: each 1 MiB of output costs about 1 KB on the wire.
    After a full flush the compressor's output for the same input repeats exactly, so one
    member is computed once and sent for ever (no trailer: the client must stop first)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MB)
    head = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    body = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)

    def chunks():
        yield head
        while True:
            yield body
    return chunks


def chunked(block: bytes):
    """Transfer-Encoding: chunked, one chunk after another, never the last one."""
    frame = f"{len(block):x}\r\n".encode() + block + b"\r\n"
    return repeat(frame, None)
