"""A writer that finds the warehouse locked by another process waits, bounded, then fails
loudly; the file is never touched while it waits."""
import logging
import subprocess
import sys
import time

import pytest

from warehouse.db import WarehouseLocked, connect, migrate


def _hold(path, seconds: float) -> subprocess.Popen:
    """Another process holding the write lock for `seconds`."""
    proc = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time\n"
        f"con = duckdb.connect({str(path)!r})\n"
        "print('locked', flush=True)\n"
        f"time.sleep({seconds})\n")], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_locked_warehouse_fails_loudly_after_the_timeout(tmp_path, caplog):
    path = tmp_path / "warehouse.duckdb"
    with connect(path) as con:
        migrate(con)
    holder = _hold(path, 30)
    try:
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="warehouse.db"):
            with pytest.raises(WarehouseLocked, match=rf"locked by .*PID {holder.pid}.*gave up after 1 s"):
                connect(path, timeout=1)
        assert 1 <= time.monotonic() - started < 10
        assert any("is locked by" in r.getMessage() for r in caplog.records)
    finally:
        holder.kill()
        holder.wait()
    with connect(path, read_only=True) as con:  # unharmed
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] >= 1


def test_a_writer_gets_the_warehouse_once_the_lock_is_released(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    holder = _hold(path, 1.5)
    try:
        with connect(path, timeout=60) as con:  # waits ~1.5 s, then proceeds
            migrate(con)
    finally:
        holder.kill()
        holder.wait()
