"""Connection arguments for Airflow's metadata database when it is SQLite (the embedded default).

Airflow runs SQLite in WAL mode, so readers never wait, but only one connection writes at a
time; another writer waits for sqlite3's busy timeout, 5 s by default, then fails with
"database is locked". With an api-server, a scheduler, a dag-processor and task processes all
writing one file on two busy cores, 5 s is too short: a CI run lost `airflow backfill create`
that way. Airflow imports these dicts by dotted path (`sql_alchemy_connect_args` and its async
twin in [database]); `SQLITE_ENV` is the pair of settings, for every environment that points
Airflow at SQLite. Postgres deployments (docker-compose.yml) leave them unset.

Two dicts, not one: Airflow adds `check_same_thread` to the sync one in place."""
from __future__ import annotations

BUSY_TIMEOUT_S = 60

CONNECT_ARGS = {"timeout": BUSY_TIMEOUT_S}
ASYNC_CONNECT_ARGS = {"timeout": BUSY_TIMEOUT_S}

SQLITE_ENV = {
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS": f"{__name__}.CONNECT_ARGS",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC": f"{__name__}.ASYNC_CONNECT_ARGS",
}
