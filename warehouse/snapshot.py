"""The analysts' copy of the warehouse. DuckDB allows one writing process and, while it
writes, no readers in other processes; so analysts and BI tools never open the warehouse the
loads write. After each checked load, a full copy is written next to it and renamed into
place. The rename is atomic: a new session opens the new copy; a session already open keeps
reading the old one (its file stays alive until closed), so answers never change mid-query
and an open session never blocks a load."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb


def publish(con: duckdb.DuckDBPyConnection, target: Path) -> dict:
    """Copy the database `con` is attached to (tables, views, comments, keys) to `target`.
    Call it with no transaction open, from the one writer."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    source = con.execute("SELECT current_database()").fetchone()[0]
    con.execute("ATTACH ? AS claimwatch_snapshot", [str(tmp)])
    try:
        con.execute(f'COPY FROM DATABASE "{source}" TO claimwatch_snapshot')
    finally:
        con.execute("DETACH claimwatch_snapshot")
    os.replace(tmp, target)  # atomic on POSIX: readers see the old copy or the new, never half
    return {"snapshot": str(target), "bytes": target.stat().st_size}
