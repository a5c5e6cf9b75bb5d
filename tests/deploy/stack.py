"""A real Airflow on this machine for the end-to-end test: api-server, scheduler and
dag-processor as separate processes (what the compose file runs as services), LocalExecutor,
SQLite metadata in a temp AIRFLOW_HOME, and a REST client for the public API v2.

Every process runs in its own process group, writing to its own log file; `stop()` ends
each group (TERM, then KILL) and `report()` gathers the logs for a failure message."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from claimwatch.airflow_sqlite import SQLITE_ENV

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PROCESSES = {
    "api-server": ["api-server", "--host", "127.0.0.1"],
    "scheduler": ["scheduler"],
    "dag-processor": ["dag-processor"],
}


class StackError(AssertionError):
    """The stack did not reach an expected state in time."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def airflow_env(home: Path, api_port: int, extra: dict[str, str]) -> dict[str, str]:
    """A clean environment: nothing AIRFLOW_* or CLAIMWATCH_* leaks in from the caller (the DAG
    tests' conftest exports its own), so every setting the processes see is listed here."""
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "CLAIMWATCH_"))}
    airflow_home = home / "airflow"
    env.update({
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home}/airflow.db",
        **SQLITE_ENV,  # five processes write one SQLite file: writers wait up to 60 s for the lock
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        # Two cores: four task processes at most (two crawl shards side by side, plus one more).
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
        # The same secret for every process, or task tokens signed by the scheduler fail at the
        # api-server (the compose file sets it once for all services, for the same reason).
        "AIRFLOW__API_AUTH__JWT_SECRET": os.urandom(16).hex(),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
        "AIRFLOW__API__WORKERS": "1",
        # Test-only: the REST client takes a token without a password.
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "CLAIMWATCH_TASK_RETRIES": "0",  # a failure surfaces at once
    })
    env.update(extra)
    return env


class AirflowStack:
    def __init__(self, home: Path, env: dict[str, str]):
        self.home, self.env = home, env
        self.airflow_home = Path(env["AIRFLOW_HOME"])
        self.logs = home / "process-logs"
        self.api = f"http://127.0.0.1:{env['AIRFLOW__API__PORT']}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.token: str | None = None

    # ---- processes ----------------------------------------------------------------------
    def run(self, *args: str, timeout: float = 120) -> str:
        """A one-off command (`claimwatch airflow-init`, `airflow backfill create`)."""
        result = subprocess.run([str(BIN / args[0]), *args[1:]], env=self.env, text=True,
                                capture_output=True, timeout=timeout)
        if result.returncode != 0:
            raise StackError(f"`{' '.join(args)}` exited {result.returncode}:\n"
                             f"{_tail(result.stdout + result.stderr, 60)}")
        return result.stdout

    def start(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        for name, args in PROCESSES.items():
            with open(self.logs / f"{name}.log", "wb") as out:
                self.procs[name] = subprocess.Popen(
                    [str(BIN / "airflow"), *args], env=self.env, stdout=out,
                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    start_new_session=True)  # its own process group: stop() ends its children too

    def stop(self, grace: float = 20) -> None:
        """TERM each process group, wait, then KILL whatever is left."""
        for proc in self.procs.values():
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(proc, signal.SIGKILL)  # children of a cleanly ended leader, too
            proc.wait(timeout=10)

    def check_alive(self) -> None:
        dead = {n: p.returncode for n, p in self.procs.items() if p.poll() is not None}
        if dead:
            raise StackError(f"Airflow process(es) exited early: {dead}\n{self.report()}")

    # ---- REST API v2 --------------------------------------------------------------------
    def request(self, method: str, path: str, body: dict | None = None, ok=(200,)) -> dict:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.api + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, text = resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode()
        if status not in ok:
            raise StackError(f"{method} {path} → {status}: {text[:2000]}")
        return json.loads(text) if text else {}

    def wait_for_api(self, timeout: float) -> None:
        def healthy():
            try:
                health = self.request("GET", "/api/v2/monitor/health")
                return health["metadatabase"]["status"] == "healthy"
            except (OSError, StackError, KeyError):
                return False
        self.wait(healthy, timeout, "the api-server to answer /api/v2/monitor/health")
        # all_admins mode: a token without credentials (test-only, see airflow_env).
        self.token = self.request("GET", "/auth/token", ok=(200, 201))["access_token"]

    def wait(self, condition, timeout: float, what: str, every: float = 1.0):
        """Poll `condition` until it returns something truthy; fail with the logs if it won't."""
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise StackError(f"timed out after {timeout:.0f} s waiting for {what}\n"
                                 f"{self.report()}")
            time.sleep(every)

    # ---- diagnostics --------------------------------------------------------------------
    def report(self, lines: int = 40) -> str:
        """For a failure message: the tail of each process log, and of every task log that
        holds an error (the others are listed by name)."""
        parts, quiet = [], []
        for log in sorted(self.logs.glob("*.log")):
            parts.append(f"----- {log.name} (last {lines} lines) -----\n"
                         f"{_tail(log.read_text(errors='replace'), lines)}")
        for log in sorted((self.airflow_home / "logs").glob("dag_id=*/**/*.log")):
            rel, text = log.relative_to(self.airflow_home / "logs"), log.read_text(errors="replace")
            if '"level":"error"' in text or "Traceback" in text:
                parts.append(f"----- task log {rel} (last {lines} lines) -----\n{_tail(text, lines)}")
            else:
                quiet.append(str(rel))
        parts.append("----- task logs without errors -----\n" + "\n".join(quiet))
        return "\n".join(parts)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # the group this test created (start_new_session), nothing else
    except (ProcessLookupError, PermissionError):
        pass


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])
