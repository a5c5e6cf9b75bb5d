"""Airflow processes on SQLite wait 60 s for the write lock, not sqlite3's 5 s (a CI run lost
`airflow backfill create` to "database is locked" beside a busy scheduler)."""
import os
import subprocess
import sys

import pytest

from claimwatch import demo
from claimwatch.airflow_sqlite import BUSY_TIMEOUT_S
from tests.deploy import stack

# What SQLite itself says: the busy timeout of the sync and the async engine's connections.
PROBE = """
import asyncio
from airflow import settings
with settings.engine.connect() as conn:
    print(conn.exec_driver_sql("PRAGMA busy_timeout").scalar())
async def main():
    async with settings.async_engine.connect() as conn:
        print((await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar())
    await settings.async_engine.dispose()
asyncio.run(main())
"""


def _demo_env(tmp_path):
    return demo.airflow_env(tmp_path)


def _stack_env(tmp_path):
    return stack.airflow_env(tmp_path, stack.free_port(), {})


@pytest.mark.parametrize("make_env", [_demo_env, _stack_env], ids=["demo", "deploy-stack"])
def test_metadata_connections_wait_for_the_sqlite_lock(make_env, tmp_path, monkeypatch):
    for key in [k for k in os.environ if k.startswith("AIRFLOW")]:
        monkeypatch.delenv(key)  # the DAG tests' conftest exports its own settings
    env = make_env(tmp_path)
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("sqlite")
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, text=True,
                         capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == [str(BUSY_TIMEOUT_S * 1000)] * 2, out.stdout


def test_a_postgres_setting_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "postgresql+psycopg2://u@db/airflow")
    monkeypatch.delenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS", raising=False)
    env = demo.airflow_env(tmp_path)
    assert "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS" not in env
