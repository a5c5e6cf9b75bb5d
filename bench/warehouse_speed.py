"""Warehouse speed: batch load throughput, re-load time, and view / cookbook query latency.

    python -m bench.warehouse_speed [--documents 1000000 --mentions 10000000 --load-mentions 1000000]

Targets (issue): every weekly view under 1 s on a warehouse of 1 M documents and 10 M mention
rows. Prints Markdown tables. Everything is written under --workdir (default /tmp)."""
from __future__ import annotations

import argparse
from pathlib import Path

from bench.warehouse_batch import bench_load
from bench.warehouse_queries import bench_queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--mentions", type=int, default=10_000_000)
    parser.add_argument("--load-mentions", type=int, default=1_000_000)
    parser.add_argument("--load-timeout", type=float, default=1800,
                        help="interrupt a load_batch still running after this many seconds")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow", type=float, default=20,
                        help="time a query once only when its warm-up exceeds this many seconds")
    parser.add_argument("--query-timeout", type=float, default=120,
                        help="interrupt a query still running after this many seconds")
    parser.add_argument("--explain", type=float, default=1.0,
                        help="save EXPLAIN ANALYZE of queries at least this slow")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/claimwatch-warehouse-bench"))
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-queries", action="store_true")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    import duckdb
    print(f"# Warehouse speed (DuckDB {duckdb.__version__}, default threads)")
    if not args.skip_load:
        bench_load(args.workdir, args.load_mentions, args.load_timeout)
    if not args.skip_queries:
        bench_queries(args.workdir, args.documents, args.mentions, args.runs, args.slow,
                      args.explain, args.query_timeout)


if __name__ == "__main__":
    main()
