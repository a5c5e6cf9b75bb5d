"""An isolated Airflow for DAG tests: SQLite metadata in a temp home, migrated once.

Airflow reads its configuration when first imported, so the environment is set here, at
collection time, before any test imports airflow (and over whatever the shell exported)."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="claimwatch-airflow-"))
os.environ.update({
    "AIRFLOW_HOME": str(AIRFLOW_HOME),
    "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{AIRFLOW_HOME}/airflow.db",
    "CLAIMWATCH_TASK_RETRIES": "0",
})


@pytest.fixture(scope="session")
def airflow_db():
    """`airflow db migrate` once per session (dag.test() needs a migrated metadata DB)."""
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, env=os.environ)
    return AIRFLOW_HOME


@pytest.fixture
def demo_env(tmp_path, monkeypatch):
    """The demo web on free ports, and claimwatch settings pointing at a temp home."""
    from claimwatch.demo_site import DemoWeb, sources_yaml

    with DemoWeb(ports={}) as web:
        sources = tmp_path / "sources.yaml"
        sources.write_text(sources_yaml(web.origins, delay_seconds=0.0))
        monkeypatch.setenv("CLAIMWATCH_HOME", str(tmp_path))
        monkeypatch.setenv("CLAIMWATCH_SOURCES", str(sources))
        monkeypatch.setenv("CLAIMWATCH_CRAWL_SHARDS", "2")  # the mapped crawl, two shards
        yield tmp_path
