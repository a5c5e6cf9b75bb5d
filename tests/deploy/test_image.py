"""The Dockerfile installs what `make install` installs: the same Airflow and Python, the same
constraints, the same pip, and it leaves the image's non-root user in place."""
from __future__ import annotations

import fnmatch
import re
import sys

from tests.deploy.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep:
            pins[name.lower()] = version
    return pins


def test_the_base_image_is_the_pinned_airflow_on_the_projects_python():
    tag = re.search(r"^FROM apache/airflow:(\S+)-python(\d+\.\d+)\s*$", DOCKERFILE, re.M)
    assert tag, "FROM apache/airflow:<version>-python<x.y>"
    airflow, python = tag.groups()
    pins = _pins()
    assert airflow == pins["apache-airflow"] == pins["apache-airflow-core"]
    assert python == f"{sys.version_info.major}.{sys.version_info.minor}"  # the venv and CI's
    requires = re.search(r'requires-python\s*=\s*">=(\d+\.\d+)"',
                         (ROOT / "pyproject.toml").read_text(encoding="utf-8")).group(1)
    assert tuple(map(int, python.split("."))) >= tuple(map(int, requires.split(".")))


def test_the_project_installs_with_the_constraints_and_the_makefiles_pip():
    assert re.search(r"pip install [^\n]*-c /opt/claimwatch/constraints\.txt -e /opt/claimwatch",
                     DOCKERFILE)
    assert "pip check" in DOCKERFILE
    makefile_pip = re.search(r'"pip==([\d.]+)"', (ROOT / "Makefile").read_text(encoding="utf-8"))
    image_pip = re.search(r'"pip==([\d.]+)"', DOCKERFILE)
    assert makefile_pip and image_pip and image_pip.group(1) == makefile_pip.group(1)


def test_the_image_runs_as_airflow_with_the_composes_home(compose):
    users = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert users and users[-1] == "airflow"
    home = re.search(r"CLAIMWATCH_HOME=(\S+)", DOCKERFILE).group(1)
    assert re.search(rf"^COPY --chown=airflow:0 \. {re.escape(home)}$", DOCKERFILE, re.M)
    for name, service in compose["services"].items():
        env = service.get("environment") or {}
        if "CLAIMWATCH_HOME" in env:
            assert env["CLAIMWATCH_HOME"] == home, name


def test_dockerignore_keeps_local_state_out_and_the_code_in():
    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
                if p.strip() and not p.startswith("#")]
    ignored = lambda name: any(fnmatch.fnmatch(name, p) for p in patterns)  # noqa: E731
    for name in (".venv", ".env", "data", ".git", ".airflow"):
        assert ignored(name), name
    for name in ("dags", "config", "demo", "claimwatch", "crawler", "extractors", "warehouse",
                 "checks", "reports", "pyproject.toml", "constraints.txt", "README.md"):
        assert not ignored(name), name
