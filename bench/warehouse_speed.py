"""Warehouse and report at scale (issue 9, items 3, 4 and 7): batch load throughput and
idempotent re-load, view / report / cookbook query latency, and the weekly report's build
time, each at three sizes (×1, ×10, ×100).

    python -m bench.warehouse_speed [--quick] [--workdir /tmp/claimwatch-warehouse-bench]

Everything is written under --workdir; the largest warehouse (1 M documents, 10 M mention
rows) is about 2 GiB. Prints the results as JSON."""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from bench import harness
from bench.report_speed import time_report
from bench.warehouse_batch import bench_load
from bench.warehouse_queries import bench_queries, build, report_week

WORKDIR = Path("/tmp/claimwatch-warehouse-bench")
# (documents, mention rows) of the query/report warehouses, and mention rows of the loads.
FULL = {"warehouses": [(10_000, 100_000), (100_000, 1_000_000), (1_000_000, 10_000_000)],
        "loads": [10_000, 100_000, 1_000_000]}
QUICK = {"warehouses": [(1_000, 10_000), (10_000, 100_000), (100_000, 1_000_000)],
         "loads": [500, 5_000, 50_000]}


def run(quick: bool = False, workdir: Path = WORKDIR, load_budget_s: float = 700,
        query_timeout: float = 120) -> dict:
    sizes = QUICK if quick else FULL
    runs = 2 if quick else harness.RUNS
    workdir.mkdir(parents=True, exist_ok=True)
    out: dict = {"loads": [], "warehouses": [], "queries": None}
    for rows in sizes["loads"]:
        print(f"load of {rows:,} mention rows", file=sys.stderr)
        out["loads"].append(bench_load(workdir, rows, timeout=1800, runs=runs,
                                       budget_s=load_budget_s))
        shutil.rmtree(workdir / f"batch-{rows}", ignore_errors=True)
    for documents, mentions in sizes["warehouses"]:
        print(f"warehouse of {documents:,} documents, {mentions:,} mention rows", file=sys.stderr)
        built = build(workdir, documents, mentions)
        db = Path(built.pop("path"))
        entry = {**built, "report": time_report(db, report_week(), runs, budget_s=300)}
        if (documents, mentions) == sizes["warehouses"][-1]:
            out["queries"] = bench_queries(db, runs, slow=20, explain=1.0, timeout=query_timeout)
        out["warehouses"].append(entry)
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)
    out["growth"] = {
        "load": harness.growth([l["mention_rows"] for l in out["loads"]],
                               [l["load_s"]["median"] for l in out["loads"]]),
        "report": harness.growth([w["mention_rows"] for w in out["warehouses"]],
                                 [w["report"]["seconds"]["median"] for w in out["warehouses"]])}
    out["duckdb"] = __import__("duckdb").__version__
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    args = parser.parse_args()
    print(json.dumps(run(args.quick, args.workdir), indent=1, default=str))


if __name__ == "__main__":
    main()
