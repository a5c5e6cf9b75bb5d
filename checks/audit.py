"""Write–audit–publish, the audit: validate the staged batch (schema staging) before anything
of it is merged and visible to analysts.

- Every suite runs on the staged rows; results go to check_runs and check_results.
- A row that breaks a row-level expectation goes to `quarantine` with the expectation and the
  value. For a *warning* expectation it is also taken out of the stage (with the mentions of a
  quarantined document), and the rest of the batch is published.
- A failed *critical* expectation blocks the batch: results and evidence are recorded, nothing
  is taken out, and CriticalCheckFailed is raised, so the publish task never runs. Change the
  data or the severity (config/checks.yaml) and re-run the audit.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from checks.suites import NEAR_EMPTY_CHARS, SUITES, Context
from checks.validate import CriticalCheckFailed, Result, _config, log, validate_frame
from warehouse.db import query_text

# Staged relation and natural key of each suite's rows (None: no row-level quarantine).
ROWS = {"fetches": ("fetches", ["window_start", "url_hash", "kind"]), "volume": None,
        "documents": ("documents", ["doc_id"]), "hosts": ("hosts", ["host"]),
        "terms": ("term_mentions", ["doc_id", "normalized"]),
        "dosing": ("dosing", ["doc_id", "ordinal"]), "claims": ("claims", ["doc_id", "ordinal"])}
# What depends on a document: quarantining one takes these rows out with it.
DEPENDENTS = ("term_mentions", "dosing", "claims", "flags", "sightings")


def staged_frames(con, window_start: datetime) -> dict[str, pd.DataFrame]:
    frames = {}
    for suite in SUITES:
        params = [NEAR_EMPTY_CHARS] if suite == "hosts" else []
        frames[suite] = con.execute(query_text(f"select_staged_{suite}"), params).df()
    frames["dosing"]["plausible_max"] = frames["dosing"]["unit"].map(_config()["plausible_max"])
    return frames


def context_for(con, window_start: datetime, audited_at: datetime) -> Context:
    trailing = [r[0] for r in con.execute(query_text("select_trailing_volume"), [window_start]).fetchall()]
    return Context(window_start=window_start, audited_at=audited_at, trailing_pages=tuple(trailing))


def audit_staged(con: duckdb.DuckDBPyConnection, audited_at: datetime,
                 docs_dir: Path | None = None) -> dict:
    """Audit the staged batch. `audited_at` (naive UTC) bounds "not in the future": it is the
    moment of the audit, an observation, not the batch's window. With `docs_dir`, the GX Data
    Docs site there is updated."""
    row = con.execute("SELECT load_id, window_start FROM staging.batch_loads").fetchone()
    if row is None:
        return {"evaluated": 0, "failed": 0, "warnings": 0, "quarantined": 0}
    load_id, window_start = row
    ctx = context_for(con, window_start, audited_at)
    frames = staged_frames(con, window_start)
    results = {suite: validate_frame(suite, frames[suite], ctx, docs_dir, label=f"{load_id}:")
               for suite in SUITES}
    flat = [r for rs in results.values() for r in rs]
    critical = [r for r in flat if not r.success and r.severity == "critical"]
    warnings = [r for r in flat if not r.success and r.severity != "critical"]
    con.execute("BEGIN TRANSACTION")
    try:
        _record(con, load_id, frames, results)
        con.execute("DELETE FROM quarantine WHERE load_id = ?", [load_id])
        quarantined = _quarantine(con, load_id, frames, results, remove=not critical)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    for r in warnings:
        log.warning("check warning: %s %s on %s: %s", r.suite, r.expectation, r.column, r.detail)
    if critical:
        raise CriticalCheckFailed(f"batch {load_id} blocked, nothing published: " + "; ".join(
            f"{r.suite}.{r.expectation}({r.column}): {r.unexpected_count} unexpected {r.detail}"
            for r in critical))
    return {"load_id": load_id, "evaluated": len(flat), "failed": len(warnings),
            "warnings": len(warnings), "quarantined": quarantined}


def _record(con, load_id: str, frames: dict, results: dict[str, list[Result]]) -> None:
    for suite, rs in results.items():
        run_id = f"{load_id}:{suite}"
        failed = sum(not r.success for r in rs)
        con.execute("DELETE FROM check_results WHERE check_run_id = ?", [run_id])
        con.execute("INSERT OR REPLACE INTO check_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [run_id, load_id, suite, len(frames[suite]), failed == 0, len(rs), failed])
        if rs:  # a suite may have nothing to check yet (volume without history)
            con.executemany("INSERT OR REPLACE INTO check_results VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [[run_id, r.expectation, r.column, r.severity, r.success,
                              r.unexpected_count, r.detail] for r in rs])


def _quarantine(con, load_id: str, frames: dict, results: dict, remove: bool) -> int:
    """Record every row that broke a row-level expectation; with `remove`, take the rows of
    warning expectations (and what depends on them) out of the stage. Returns rows recorded."""
    records, doomed = [], {}  # doomed: relation → keys to take out of the stage
    for suite, rs in results.items():
        if ROWS.get(suite) is None:
            continue
        relation, key = ROWS[suite]
        frame = frames[suite]
        for r in rs:
            if r.success or not r.rows:
                continue
            bad = frame.loc[list(r.rows)]
            for _, row in bad.iterrows():
                values = {k: _plain(row[k]) for k in key}
                records.append([load_id, relation, json.dumps(values, sort_keys=True, default=str),
                                suite, r.expectation, r.column, r.severity, _reason(r, row),
                                json.dumps({k: _plain(v) for k, v in row.items()}, default=str)])
                if r.severity != "critical":  # the raw values: they are matched in SQL
                    doomed.setdefault(relation, []).append({k: row[k] for k in key})
    if remove and "hosts" in doomed:  # a host of near-empty pages: all its documents go
        hosts = [v["host"] for v in doomed.pop("hosts")]
        docs = frames["documents"][frames["documents"]["host"].isin(hosts)]
        doomed.setdefault("documents", []).extend({"doc_id": d} for d in docs["doc_id"])
    if remove:
        for relation, keys in doomed.items():
            _take_out(con, relation, keys)
        docs = [k["doc_id"] for k in doomed.get("documents", [])]
        for relation in DEPENDENTS if docs else ():
            records += _cascade(con, load_id, relation, docs)
    if records:
        con.executemany("INSERT OR REPLACE INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", records)
    return len(records)


def _take_out(con, relation: str, keys: list[dict]) -> None:
    frame = pd.DataFrame(keys).drop_duplicates()
    con.register("quarantine_keys", frame)
    columns = ", ".join(frame.columns)
    con.execute(f"DELETE FROM staging.batch_{relation} WHERE ({columns}) IN "
                f"(SELECT ({columns}) FROM quarantine_keys)")
    con.unregister("quarantine_keys")


def _cascade(con, load_id: str, relation: str, doc_ids: list[str]) -> list[list]:
    frame = con.execute(f"SELECT * FROM staging.batch_{relation} WHERE doc_id IN "
                        "(SELECT unnest(?::VARCHAR[]))", [doc_ids]).df()
    con.execute(f"DELETE FROM staging.batch_{relation} WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
                [doc_ids])
    return [[load_id, relation, json.dumps({k: _plain(row[k]) for k in row.index if k in
                                            ("doc_id", "ordinal", "normalized", "window_start", "kind")},
                                           sort_keys=True, default=str),
             "cascade", "document_quarantined", "doc_id", "warning",
             "its document was quarantined", json.dumps({k: _plain(v) for k, v in row.items()}, default=str)]
            for _, row in frame.iterrows()]


def _reason(r: Result, row) -> str:
    columns = r.column.replace("+", ">").split(">")
    values = ", ".join(f"{c}={_plain(row[c])!r}" for c in columns if c in row.index)
    return f"{values} broke {r.expectation}"[:500]


def _plain(value):
    """JSON-friendly values out of pandas/numpy cells."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        try:
            return value.item()
        except (ValueError, TypeError):
            pass
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return [_plain(v) for v in (value.tolist() if hasattr(value, "tolist") else value)]
    return value
