"""Connections and migrations. DuckDB allows one writing process at a time: writers are
serialised by an Airflow pool of one slot; analysts open the file read-only."""
from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
VIEWS = Path(__file__).parent / "views"
QUERIES = Path(__file__).parent / "queries"


class WarehouseLocked(RuntimeError):
    """Another process held the warehouse file for longer than the lock timeout."""


def lock_timeout() -> float:
    """Seconds a connection waits for another process's lock: CLAIMWATCH_LOCK_TIMEOUT_SECONDS,
    300 by default (a load at a million documents takes about two minutes)."""
    return float(os.environ.get("CLAIMWATCH_LOCK_TIMEOUT_SECONDS", "300"))


def connect(path: Path | str, read_only: bool = False,
            timeout: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. While another process holds its lock (a load, or a stray analyst
    session on the live file), wait with a log line per attempt, up to `timeout` seconds
    (lock_timeout() by default), then raise WarehouseLocked naming the holder. DuckDB takes
    the lock before touching the file, so waiting never risks corrupting it."""
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    timeout = lock_timeout() if timeout is None else timeout
    deadline, pause = time.monotonic() + timeout, 0.1
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "Could not set lock" not in str(exc):
                raise
            holder = re.search(r"held in (.*?)(?:\. See also|$)", str(exc))
            holder = holder.group(1) if holder else "another process"
            left = deadline - time.monotonic()
            if left <= 0:
                raise WarehouseLocked(
                    f"{path} is locked by {holder}; gave up after {timeout:.0f} s. Close that "
                    f"process (analysts should use the snapshot: claimwatch sql) or raise "
                    f"CLAIMWATCH_LOCK_TIMEOUT_SECONDS.") from exc
            log.warning("warehouse %s is locked by %s; retrying for another %.0f s", path, holder, left)
            time.sleep(min(pause, left))
            pause = min(pause * 2, 5.0)


def query_text(name: str) -> str:
    """The SQL of warehouse/queries/<name>.sql."""
    return (QUERIES / f"{name}.sql").read_text(encoding="utf-8")


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending numbered migrations, each in its own transaction, then (re)create views.
    Returns the names applied."""
    con.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name VARCHAR NOT NULL)""")
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for path in sorted(MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        version = int(path.name[:4])
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations VALUES (?, ?)", [version, path.stem])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(path.stem)
    if applied:  # a new derived table starts filled (a no-op on an empty warehouse)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(query_text("refresh_term_stats"))
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    create_views(con)
    return applied


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Views are code, not state: recreate them all, retrying until dependencies exist."""
    pending = sorted(VIEWS.glob("*.sql"))
    while pending:
        failed = []
        for path in pending:
            try:
                con.execute(path.read_text(encoding="utf-8"))
            except duckdb.CatalogException:
                failed.append(path)
        if len(failed) == len(pending):
            con.execute(failed[0].read_text(encoding="utf-8"))  # raise the real error
        pending = failed


def view_names() -> list[str]:
    return sorted(re.sub(r"\.sql$", "", p.name) for p in VIEWS.glob("*.sql"))
