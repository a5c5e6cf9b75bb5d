"""docker-compose.yml, checked without a Docker engine: the compose-spec schema, what each
service mounts and shares, non-root users, and the pools, queues and connections the DAGs use."""
from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path, PurePosixPath

import jsonschema
import pytest

from tests.deploy.conftest import FIXTURES, ROOT

AIRFLOW_SERVICES = {"airflow-init", "airflow-apiserver", "airflow-scheduler",
                    "airflow-dag-processor", "airflow-triggerer"}
CELERY_SERVICES = {"redis", "airflow-worker", "airflow-worker-warehouse"}
WAREHOUSE_POOL, WAREHOUSE_QUEUE = "claimwatch_warehouse", "warehouse"


def _validator():
    # The schema names draft 2019-09 by an unofficial URL, so the draft is chosen here.
    schema = json.loads((FIXTURES / "compose-spec.json").read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(schema)


def _errors(doc) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator().iter_errors(doc)]


def test_the_compose_file_follows_the_compose_spec(compose):
    # The schema as obtained (fixtures/README.md), not edited until the file passes.
    digest = hashlib.sha256((FIXTURES / "compose-spec.json").read_bytes()).hexdigest()
    assert digest in (FIXTURES / "README.md").read_text(encoding="utf-8")
    assert _errors(compose) == []
    # The fixture is a real schema, not a permissive stand-in: typical mistakes fail it.
    broken = copy.deepcopy(compose)
    broken["services"]["airflow-scheduler"]["dependson"] = ["postgres"]
    broken["services"]["airflow-worker"]["deploy"]["replicas"] = "two"
    broken["services"]["airflow-apiserver"]["depends_on"]["airflow-init"]["condition"] = "done"
    assert len(_errors(broken)) == 3


def test_secrets_come_from_env_and_env_example_lists_them(raw_compose, dotenv):
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{(\w+):?\?", text))
    assert {"POSTGRES_PASSWORD", "AIRFLOW_JWT_SECRET", "AIRFLOW_FERNET_KEY",
            "AIRFLOW_ADMIN_PASSWORD"} <= required
    assert all(dotenv.get(name) for name in required), required - set(dotenv)
    env = raw_compose["x-airflow-common"]["environment"]
    for key in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__FERNET_KEY"):
        assert env[key].startswith("${"), f"{key} must come from .env, not the file"
    assert "AIRFLOW_CONN_SMTP_DEFAULT" not in text  # the connection lives in the metadata DB


def test_the_services_of_airflows_compose_file_and_the_celery_profile(compose):
    services = compose["services"]
    others = {"postgres", "mailpit", "demo-site"}
    assert set(services) == AIRFLOW_SERVICES | CELERY_SERVICES | others
    for name, service in services.items():
        assert (service.get("profiles") == ["celery"]) == (name in CELERY_SERVICES), name
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        after_init = services[name]["depends_on"]["airflow-init"]["condition"]
        assert after_init == "service_completed_successfully", name
        assert "healthcheck" in services[name], name


def test_every_service_runs_as_non_root(compose):
    for name, service in compose["services"].items():
        user = str(service.get("user", "root"))
        assert user.split(":")[0] not in {"", "0", "root"}, f"{name} runs as root"


def test_task_runners_mount_what_the_dags_read_and_write(compose, monkeypatch):
    """Every Airflow service (the scheduler runs tasks under LocalExecutor, the workers under
    Celery) sees the same data/ volume at CLAIMWATCH_HOME/data, the same logs, DAG folder,
    metadata DB and secrets."""
    from claimwatch import settings

    services = compose["services"]
    runners = AIRFLOW_SERVICES | {"airflow-worker", "airflow-worker-warehouse"}
    envs = {name: services[name]["environment"] for name in runners}
    home = {env["CLAIMWATCH_HOME"] for env in envs.values()}
    assert len(home) == 1
    home = PurePosixPath(home.pop())
    monkeypatch.setenv("CLAIMWATCH_HOME", str(home))
    conf = settings.load()
    data = PurePosixPath(conf.data_dir)
    for path in (conf.warehouse_path, conf.snapshot_path, conf.archive_dir, conf.runs_dir,
                 conf.crawl_state_path, conf.reports_dir, conf.quality_dir, conf.outbox_dir):
        assert PurePosixPath(path).is_relative_to(data), path
    for name in runners:
        mounts = dict(reversed(v.split(":")[:2]) for v in services[name]["volumes"])
        assert mounts.get(str(data)) == "claimwatch-data", f"{name} does not mount data/"
        assert mounts.get("/opt/airflow/logs") == "airflow-logs", f"{name} does not share logs"
        assert envs[name]["AIRFLOW__CORE__DAGS_FOLDER"] == str(home / "dags")
    for key in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__FERNET_KEY",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CORE__EXECUTOR"):
        assert len({env[key] for env in envs.values()}) == 1, f"{key} differs between services"
    assert {"claimwatch-data", "airflow-logs", "postgres-db"} <= set(compose["volumes"])
    # Tasks reach the execution API at the api-server service, on the port it listens on.
    url = envs["airflow-scheduler"]["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]
    assert url == "http://airflow-apiserver:8080/execution/"
    assert "8080:8080" in services["airflow-apiserver"]["ports"]


def test_the_sources_file_points_at_the_demo_site_service(compose):
    from claimwatch.demo_site import DEMO_PORTS

    env = compose["services"]["airflow-scheduler"]["environment"]
    sources = PurePosixPath(env["CLAIMWATCH_SOURCES"])
    local = ROOT / sources.relative_to("/opt/claimwatch")  # the image holds the repository there
    urls = re.findall(r"https?://[^\s\]]+", local.read_text(encoding="utf-8"))
    hosts = {re.match(r"https?://([^/]+)/", u).group(1) for u in urls}
    assert hosts == {f"demo-site:{port}" for port in DEMO_PORTS.values()}
    assert compose["services"]["demo-site"]["ports"] == ["8701-8704:8701-8704"]


def _queues(command: str) -> set[str]:
    return set(re.search(r"--queues\s+(\S+)", command).group(1).split(","))


def test_celery_queues_and_workers_match_the_dags(compose, dagbag):
    services = compose["services"]
    default = services["airflow-worker"]["environment"]["AIRFLOW__OPERATORS__DEFAULT_QUEUE"]
    shards = services["airflow-worker"]
    writer = services["airflow-worker-warehouse"]
    assert _queues(shards["command"]) == {default}
    assert _queues(writer["command"]) == {WAREHOUSE_QUEUE}
    assert re.search(r"--concurrency\s+1\b", writer["command"])  # one task at a time
    assert writer["deploy"]["replicas"] == 1 and shards["deploy"]["replicas"] >= 2
    tasks = [t for dag in dagbag.dags.values() for t in dag.tasks]
    assert tasks
    for task in tasks:
        if task.pool == WAREHOUSE_POOL:
            assert task.queue == WAREHOUSE_QUEUE, f"{task.dag_id}.{task.task_id} writes off-queue"
        else:
            assert task.pool == "default_pool" and task.queue == default, task
    ingest = dagbag.dags["claimwatch_ingest"]
    assert ingest.get_task("crawl_shard").queue == default  # shards spread over all workers


def _connection_ids_used() -> set[str]:
    """Connection ids named in the DAGs and the adapters their callbacks use."""
    pattern = re.compile(
        r"""(?:conn_id\s*(?::\s*str)?\s*=\s*|smtp_from_connection\(\s*)["']([\w-]+)["']""")
    files = [*sorted((ROOT / "dags").glob("*.py")), ROOT / "claimwatch" / "airflow_support.py"]
    return {m for f in files for m in pattern.findall(f.read_text(encoding="utf-8"))}


@pytest.mark.integration
def test_airflow_init_creates_the_pools_and_connections_the_dags_use(compose, dagbag, tmp_path):
    init = compose["services"]["airflow-init"]
    assert "claimwatch airflow-init" in " ".join(init["command"])
    conn_json = init["environment"]["CLAIMWATCH_SMTP_CONN"]
    assert json.loads(conn_json)["host"] == "mailpit"  # the .env.example default

    airflow_home = tmp_path / "airflow"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "CLAIMWATCH_"))}
    env.update({"AIRFLOW_HOME": str(airflow_home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home}/airflow.db",
                "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
                "CLAIMWATCH_HOME": str(tmp_path), "CLAIMWATCH_SMTP_CONN": conn_json})
    claimwatch = Path(sys.executable).with_name("claimwatch")
    result = subprocess.run([str(claimwatch), "airflow-init"], env=env, capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(airflow_home / "airflow.db") as db:
        pools = dict(db.execute("SELECT pool, slots FROM slot_pool").fetchall())
        connections = {r[0]: r for r in
                       db.execute("SELECT conn_id, conn_type, host, port FROM connection")}
    used_pools = {t.pool for dag in dagbag.dags.values() for t in dag.tasks}
    assert used_pools <= set(pools), used_pools - set(pools)
    assert pools[WAREHOUSE_POOL] == 1  # DuckDB: one writing process
    used_connections = _connection_ids_used()
    assert used_connections == {"smtp_default"}, used_connections
    assert used_connections <= set(connections)
    assert connections["smtp_default"][1:] == ("smtp", "mailpit", 1025)
