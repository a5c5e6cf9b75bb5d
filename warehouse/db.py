"""Connections and migrations. DuckDB allows one writing process at a time: writers are
serialised by an Airflow pool of one slot; analysts open the file read-only."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

MIGRATIONS = Path(__file__).parent / "migrations"
VIEWS = Path(__file__).parent / "views"
QUERIES = Path(__file__).parent / "queries"


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


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
