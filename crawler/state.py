"""What the crawler remembers, in one SQLite file (data/crawl_state.sqlite):

- per URL, across runs: the validators (ETag, Last-Modified) and content hash of its last
  good response, and where that response is archived, for conditional GETs and duplicates;
- per run: every fetch record as it happens, and whether the run finished, so a killed crawl
  resumes without refetching and a finished one is not crawled again.

SQLite, not the warehouse: the crawler runs while DuckDB may be locked by a load, and its
shards write concurrently (SQLite serialises them; WAL lets readers go on).
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

# How long opening the state waits for another shard that is creating the same file.
OPEN_TIMEOUT_SECONDS = 30

_SCHEMA = """
CREATE TABLE IF NOT EXISTS url_state (
    url            TEXT PRIMARY KEY,
    final_url      TEXT NOT NULL,
    etag           TEXT,
    last_modified  TEXT,
    content_hash   TEXT NOT NULL,
    content_type   TEXT,
    charset        TEXT,
    warc_file      TEXT NOT NULL,
    warc_offset    INTEGER NOT NULL,
    fetched_at     TEXT NOT NULL
);
-- The implicit rowid orders a run's records as they were made, across shard processes.
CREATE TABLE IF NOT EXISTS run_fetches (
    run_key  TEXT NOT NULL,
    source   TEXT NOT NULL,
    url      TEXT NOT NULL,
    kind     TEXT NOT NULL,
    record   TEXT NOT NULL,
    UNIQUE (run_key, source, url, kind)
);
CREATE TABLE IF NOT EXISTS runs (
    run_key      TEXT NOT NULL,
    source       TEXT NOT NULL,
    finished_at  TEXT,
    PRIMARY KEY (run_key, source)
);
"""


def _open_schema(con: sqlite3.Connection) -> None:
    """WAL mode and the schema, waiting while another connection holds the file.
    Fix (tests/deploy, two crawl shards starting together): switching a new file to WAL takes
    an exclusive lock, and SQLite reports "database is locked" at once instead of calling the
    busy handler, so the connection's timeout alone does not help. Retry until the deadline."""
    deadline = time.monotonic() + OPEN_TIMEOUT_SECONDS
    delay = 0.01
    while True:
        try:
            if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                con.execute("PRAGMA journal_mode=WAL")
            # WAL with NORMAL sync survives a killed process (the case resumption is for); a
            # power cut may lose the last records, which a resumed crawl then fetches again.
            con.execute("PRAGMA synchronous=NORMAL")
            con.executescript(_SCHEMA)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


class CrawlState:
    def __init__(self, path: Path | str):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by the crawl's threads, behind a lock: simple, and SQLite
        # writes are serialised anyway. Autocommit: each statement is durable on its own.
        self._con = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None,
                                    timeout=OPEN_TIMEOUT_SECONDS)
        self._lock = threading.Lock()
        with self._lock:
            _open_schema(self._con)

    # --- across runs ---------------------------------------------------------------------

    def last_good(self, url: str) -> dict | None:
        with self._lock:
            cur = self._con.execute("SELECT * FROM url_state WHERE url = ?", [url])
            row = cur.fetchone()
            return dict(zip([c[0] for c in cur.description], row)) if row else None

    def remember(self, url: str, **fields) -> None:
        columns = ["url", *fields]
        with self._lock:
            self._con.execute(
                f"INSERT OR REPLACE INTO url_state ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})", [url, *fields.values()])

    # --- within a run --------------------------------------------------------------------

    def finished(self, run_key: str, source: str) -> bool:
        with self._lock:
            row = self._con.execute("SELECT finished_at FROM runs WHERE run_key = ? AND source = ?",
                                    [run_key, source]).fetchone()
        return bool(row and row[0])

    def start(self, run_key: str, source: str, fresh: bool = False) -> None:
        """Begin (or resume) a source's run. fresh: forget what this run already fetched."""
        with self._lock:
            if fresh:
                self._con.execute("DELETE FROM run_fetches WHERE run_key = ? AND source = ?",
                                  [run_key, source])
                self._con.execute("DELETE FROM runs WHERE run_key = ? AND source = ?",
                                  [run_key, source])
            self._con.execute("INSERT OR IGNORE INTO runs VALUES (?, ?, NULL)", [run_key, source])

    def finish(self, run_key: str, source: str, at: str) -> None:
        with self._lock:
            self._con.execute("UPDATE runs SET finished_at = ? WHERE run_key = ? AND source = ?",
                              [at, run_key, source])

    def done(self, run_key: str, source: str, url: str, kind: str) -> dict | None:
        """The record of a fetch this run already made, or None."""
        with self._lock:
            row = self._con.execute(
                "SELECT record FROM run_fetches WHERE run_key = ? AND source = ? AND url = ? "
                "AND kind = ?", [run_key, source, url, kind]).fetchone()
        return json.loads(row[0]) if row else None

    def save(self, run_key: str, record: dict) -> None:
        with self._lock:
            self._con.execute(
                "INSERT OR IGNORE INTO run_fetches VALUES (?, ?, ?, ?, ?)",
                [run_key, record["source"], record["url"], record["kind"],
                 json.dumps(record, sort_keys=True)])

    def records(self, run_key: str, sources: list[str] | None = None) -> list[dict]:
        """The run's records in the order they were made."""
        return list(self.iter_records(run_key, sources))

    def iter_records(self, run_key: str, sources: list[str] | None = None, batch: int = 2000):
        """The run's records in the order they were made, read `batch` rows at a time."""
        wanted = None if sources is None else set(sources)
        last = 0
        while True:
            with self._lock:
                rows = self._con.execute(
                    "SELECT rowid, source, record FROM run_fetches WHERE run_key = ? AND rowid > ? "
                    "ORDER BY rowid LIMIT ?", [run_key, last, batch]).fetchall()
            for rowid, source, record in rows:
                if wanted is None or source in wanted:
                    yield json.loads(record)
            if len(rows) < batch:
                return
            last = rows[-1][0]

    def close(self) -> None:
        with self._lock:
            self._con.close()
