"""Fixtures for the deployment checks: the compose file as `docker compose config` would see it
(interpolated from .env.example), the Dockerfile, and the DAGs as Airflow parses them."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
# DagBag below imports airflow: give it a throwaway home unless the DAG tests' conftest, which
# sets the same variables, already ran in this session.
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="claimwatch-deploy-airflow-"))
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(ROOT / "dags"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

_VAR = re.compile(r"\$(?:\$|\{(?P<braced>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as compose reads them; single quotes keep a value literal."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def interpolate(node, env: dict[str, str]):
    """Compose's variable syntax: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
    ${VAR:?error}, ${VAR?error}. A missing required variable raises KeyError."""
    if isinstance(node, dict):
        return {k: interpolate(v, env) for k, v in node.items()}
    if isinstance(node, list):
        return [interpolate(v, env) for v in node]
    if not isinstance(node, str):
        return node

    def one(match):
        if match.group(0) == "$$":
            return "$"
        expr = match.group("braced") if match.group("braced") is not None else match.group("plain")
        name, op, arg = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(:?[-?+]?)(.*)", expr).groups()
        value = env.get(name)
        empty_counts = op.startswith(":")
        missing = value is None or (empty_counts and value == "")
        if op.endswith("-"):
            return arg if missing else value
        if op.endswith("?"):
            if missing:
                raise KeyError(f"${{{expr}}}: {arg}")
            return value
        if op.endswith("+"):
            return "" if missing else arg
        return value or ""

    return _VAR.sub(one, node)


@pytest.fixture(scope="session")
def dotenv() -> dict[str, str]:
    return read_dotenv(ROOT / ".env.example")


@pytest.fixture(scope="session")
def raw_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def compose(raw_compose, dotenv) -> dict:
    """docker-compose.yml after YAML anchors and merges (PyYAML) and interpolation."""
    return interpolate(raw_compose, dotenv)


@pytest.fixture(scope="session")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags"))
    assert bag.import_errors == {}
    return bag
