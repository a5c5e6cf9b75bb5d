"""The raw archive: every fetched body, stored once by content hash, so any week can be
re-analysed without crawling again."""
from __future__ import annotations

import gzip
import os
import threading
from pathlib import Path


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path_for(self, content_hash: str) -> Path:
        return self.root / content_hash[:2] / f"{content_hash}.gz"

    def put(self, content_hash: str, body: bytes) -> Path:
        """Write atomically (temp file, then rename): a crash never leaves half a body."""
        path = self.path_for(content_hash)
        if path.exists():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Fix: the temp name was per process only; sources crawl in threads, and two threads
        # archiving the same body shared one temp file (FileNotFoundError, or a mixed body).
        tmp = path.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
        with gzip.open(tmp, "wb", compresslevel=6) as fh:
            fh.write(body)
        os.replace(tmp, path)
        return path

    def get(self, content_hash: str) -> bytes:
        with gzip.open(self.path_for(content_hash), "rb") as fh:
            return fh.read()
