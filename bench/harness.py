"""The benchmarks' shared measuring: warm-up then N timed runs, median and spread, peak RSS of
a child process, and the machine a run happened on. Every benchmark module reports through
these, so every row of BENCHMARKS.md means the same thing."""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5  # timed runs per row in a full run, after one warm-up (the floor)


def machine() -> dict:
    """What a row was measured on. The load average is read at the start and the end of a
    run: other work on the machine is the main source of noise here."""
    import psutil

    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    return {"nproc": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "cpu": cpu, "os": platform.platform(terse=True),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": _git("rev-parse", "--short", "HEAD"),
            "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
            "versions": _versions()}


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("trafilatura", "duckdb", "apache-airflow", "great-expectations", "scrapy",
                 "abbreviations", "quantulum3"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def summary(values: list[float]) -> dict:
    """Median and spread (min–max) of timed runs; `n` says how many there were."""
    values = [float(v) for v in values]
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values), "runs": values}


def repeat(run: Callable[[], dict], runs: int, warmup: int = 1,
           budget_s: float | None = None) -> list[dict]:
    """Call `run` `warmup` times untimed, then up to `runs` times; each call returns a dict of
    measurements (seconds, counts). With `budget_s`, runs stop once the next one would pass
    the budget (at least one run is kept): the row's `n` then says how many it had."""
    started = time.perf_counter()
    for _ in range(warmup):
        run()
    results: list[dict] = []
    while len(results) < runs:
        results.append(run())
        elapsed = time.perf_counter() - started
        per_run = elapsed / (len(results) + warmup)
        if budget_s and elapsed + per_run > budget_s:
            break
    return results


def collect(results: list[dict], key: str) -> dict:
    return summary([r[key] for r in results])


def peak_rss_mib() -> float:
    """This process's peak RSS (ru_maxrss is KiB on Linux)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(args: list[str], env: dict | None = None, sample_every: float = 0.0,
              timeout: float | None = None) -> dict:
    """Run `python ARGS` in a fresh interpreter; its last stdout line is its JSON result.
    Returns the result plus its wall time and peak RSS from wait4 (its own, not the maximum
    over all children), and with `sample_every` the RSS of it and its children over time."""
    import psutil

    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-child-{os.getpid()}-{time.monotonic_ns()}.out"
    samples: list[tuple[float, float]] = []
    t0 = time.perf_counter()
    with open(out_path, "w") as out:  # a file, not a pipe: the parent blocks in wait4
        proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=out,
                                env={**os.environ, **(env or {})})
        done = threading.Event()
        if sample_every:
            threading.Thread(target=_sample, args=(proc.pid, sample_every, samples, t0, done),
                             daemon=True).start()
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        done.set()
        if timer:
            timer.cancel()
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    lines = out_path.read_text().strip().splitlines()
    out_path.unlink(missing_ok=True)
    if code != 0 or not lines:
        raise RuntimeError(f"`python {' '.join(args[:4])} …` failed with exit code {code}")
    return {"result": json.loads(lines[-1]), "wall_s": wall, "rss_mib": usage.ru_maxrss / 1024,
            "rss_samples": samples}


def _sample(pid: int, every: float, samples: list, t0: float, done: threading.Event) -> None:
    import psutil

    try:
        proc = psutil.Process(pid)
        while not done.is_set():
            rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(True))
            samples.append((round(time.perf_counter() - t0, 2), round(rss / 2**20, 1)))
            done.wait(every)
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return


def verdict(value: float | None, target: float, higher_is_better: bool) -> dict:
    """Met or not, and by how much: the factor between the value and its target."""
    if value is None:
        return {"met": None, "factor": None}
    met = value >= target if higher_is_better else value <= target
    factor = (value / target if higher_is_better else target / value) if value and target else None
    return {"met": met, "factor": factor}


def growth(sizes: list[float], seconds: list[float]) -> dict:
    """The exponent b of time ∝ size^b, fitted on the log–log points (1 is linear)."""
    import math

    pts = [(math.log(s), math.log(t)) for s, t in zip(sizes, seconds) if s > 0 and t > 0]
    if len(pts) < 2:
        return {"exponent": None, "shape": "not measured"}
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    b = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
    shape = ("sub-linear" if b < 0.85 else "linear" if b <= 1.15 else
             "worse than linear" if b <= 1.6 else "about quadratic or worse")
    return {"exponent": b, "shape": shape}


def emit(result: dict) -> None:
    """A child's result: one JSON line, last on stdout."""
    sys.stdout.flush()
    print(json.dumps(result, default=str), flush=True)
