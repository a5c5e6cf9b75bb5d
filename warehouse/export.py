"""Hive-partitioned Parquet by week: the hand-off to other engines (Spark, Trino, pandas,
DuckDB itself) and to object storage when one machine is outgrown. Read from the analysts'
snapshot, so an export never blocks a load.

    DIR/<view>/week=2026-11-02/data_0.parquet
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

# Each analyst view and the column that says which week a row belongs to; views without one
# (a row per term across all weeks) are written whole.
EXPORTS = {
    "v_fetch_log": "week_start",
    "v_weekly_sightings": "week_start",
    "weekly_unsupported_terms": "week_start",
    "weekly_dosing_language": "week_start",
    "v_check_results": "week_start",
    "v_documents": "first_seen_week",
    "v_terms": "first_seen_week",
    "v_dosing": "first_seen_week",
    "v_claims": "first_seen_week",
    "v_flags": "first_seen_week",
    "term_first_seen": None,
}


def export_parquet(con: duckdb.DuckDBPyConnection, target: Path) -> dict[str, int]:
    """Write every export under `target`, replacing an earlier export of the same view.
    Each view goes to a temporary folder first and is renamed into place, so a failed
    export leaves the previous one whole. Returns rows per view."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    counts = {}
    for view, week in EXPORTS.items():
        tmp, final = target / f".{view}.tmp", target / view
        shutil.rmtree(tmp, ignore_errors=True)
        # The week column is written as `week` (the partition key), so every view partitions
        # the same way: DIR/*/week=YYYY-MM-DD/.
        if week:
            select = f"SELECT * EXCLUDE ({week}), {week} AS week FROM {view}"
            con.execute(f"COPY ({select}) TO ? (FORMAT parquet, PARTITION_BY (week))", [str(tmp)])
        else:
            tmp.mkdir()
            con.execute(f"COPY (SELECT * FROM {view}) TO ? (FORMAT parquet)", [str(tmp / "data_0.parquet")])
        counts[view] = con.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
        if not tmp.exists():  # an empty view writes no partition at all
            tmp.mkdir()
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
    return counts
