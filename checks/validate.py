"""Run Great Expectations suites over DataFrames, with severities from config/checks.yaml, and
record results. checks/audit.py audits a staged batch before it is published; check_load
re-checks a batch already loaded."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from checks.suites import SUITES, Context, expectations
from warehouse.db import query_text

CONFIG = Path(__file__).resolve().parents[1] / "config" / "checks.yaml"
log = logging.getLogger(__name__)


class CriticalCheckFailed(RuntimeError):
    """A critical expectation failed: the batch must not be trusted."""


@dataclass(frozen=True)
class Result:
    suite: str
    expectation: str
    column: str
    severity: str
    success: bool
    unexpected_count: int | None
    detail: str
    rows: tuple = ()  # DataFrame index labels of the rows that broke a row-level expectation


@lru_cache(maxsize=1)
def _config() -> dict:
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8")) or {}
    data.setdefault("plausible_max", {})
    return data


def _severities() -> tuple[str, dict]:
    data = _config()
    return data.get("default_severity", "critical"), data.get("severity", {}) or {}


def severity_of(suite: str, expectation: str, column: str) -> str:
    default, table = _severities()
    return table.get(f"{suite}.{expectation}.{column}", default)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


def validate_frame(suite: str, frame: pd.DataFrame, ctx: Context = Context(),
                   docs_dir: Path | None = None, label: str = "") -> list[Result]:
    """Run one suite over one DataFrame; an empty frame passes vacuously (row counts aside).
    With `docs_dir`, the run also updates the GX Data Docs site there (index.html)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    gx_ctx = _context()
    name = f"{label}{suite}" if label else f"{suite}-{id(frame)}"
    source = gx_ctx.data_sources.add_or_update_pandas(name)
    batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
    gx_suite = gx.ExpectationSuite(name=name)
    for class_name, kwargs in expectations(suite, ctx):
        gx_suite.add_expectation(getattr(gxe, class_name)(**kwargs))
    gx_suite = gx_ctx.suites.add_or_update(gx_suite)
    definition = gx_ctx.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch, suite=gx_suite))
    # COMPLETE: the index of every unexpected row, so the audit can quarantine exactly those.
    if docs_dir is None:
        outcome = definition.run(batch_parameters={"dataframe": frame},
                                 result_format={"result_format": "COMPLETE"})
    else:
        site = _docs_site(gx_ctx, Path(docs_dir))
        checkpoint = gx_ctx.checkpoints.add_or_update(gx.Checkpoint(
            name=name, validation_definitions=[definition], result_format={"result_format": "COMPLETE"},
            actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=[site])]))
        run = checkpoint.run(batch_parameters={"dataframe": frame})
        outcome = next(iter(run.run_results.values()))
        gx_ctx.checkpoints.delete(name)
    results = []
    for r in outcome.results:
        config = r.expectation_config
        kw = config.kwargs
        column = (kw.get("column") or "+".join(kw.get("column_list") or [])
                  or (f"{kw['column_A']}>{kw['column_B']}" if kw.get("column_A") else "table"))
        expectation = config.type
        details = r.result or {}
        results.append(Result(
            suite=suite, expectation=expectation, column=column,
            severity=severity_of(suite, expectation, column), success=bool(r.success),
            unexpected_count=details.get("unexpected_count"),
            detail=_detail(details) if not r.success else "",
            rows=tuple(details.get("unexpected_index_list") or ()) if not r.success else ()))
    gx_ctx.validation_definitions.delete(name)
    gx_ctx.suites.delete(name)
    gx_ctx.data_sources.delete(name)
    return results


def _docs_site(gx_ctx, docs_dir: Path) -> str:
    """The Data Docs site for `docs_dir` (static HTML analysts can open, at
    data/quality/index.html; the weekly report links to it). One site per folder: a process
    may audit for more than one CLAIMWATCH_HOME (the tests do)."""
    import hashlib

    name = "claimwatch-" + hashlib.sha256(str(docs_dir.resolve()).encode()).hexdigest()[:12]
    if name in (gx_ctx.get_site_names() or []):
        return name
    gx_ctx.add_data_docs_site(site_name=name, site_config={
        "class_name": "SiteBuilder",
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(docs_dir.resolve())}})
    return name


def _detail(details: dict) -> str:
    if "partial_unexpected_list" in details:
        return str(details["partial_unexpected_list"][:20])[:500]
    return f"observed {details.get('observed_value')}"[:500]


def check_load(con: duckdb.DuckDBPyConnection, load_id: str) -> dict:
    """Validate every table of one load, store the results, and raise on a critical failure."""
    from checks.suites import NEAR_EMPTY_CHARS

    all_results = []
    window = con.execute("SELECT window_start FROM loads WHERE load_id = ?", [load_id]).fetchone()
    trailing = [r[0] for r in con.execute(query_text("select_trailing_volume"), [window[0]]).fetchall()] \
        if window else []
    ctx = Context(trailing_pages=tuple(trailing))  # fetch times were checked before publishing
    con.execute("BEGIN TRANSACTION")
    try:
        for suite in SUITES:
            params = [load_id, NEAR_EMPTY_CHARS] if suite == "hosts" else [load_id]
            frame = con.execute(query_text(f"select_batch_{suite}"), params).df()
            if suite == "dosing":
                frame["plausible_max"] = frame["unit"].map(_config()["plausible_max"])
            results = validate_frame(suite, frame, ctx)
            all_results += results
            run_id = f"{load_id}:{suite}"
            failed = sum(not r.success for r in results)
            con.execute("DELETE FROM check_results WHERE check_run_id = ?", [run_id])
            con.execute("INSERT OR REPLACE INTO check_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [run_id, load_id, suite, len(frame), failed == 0, len(results), failed])
            if results:  # a suite may have nothing to check yet (volume without history)
                con.executemany(
                    "INSERT OR REPLACE INTO check_results VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [[run_id, r.expectation, r.column, r.severity, r.success, r.unexpected_count,
                      r.detail] for r in results])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    critical = [r for r in all_results if not r.success and r.severity == "critical"]
    warnings = [r for r in all_results if not r.success and r.severity != "critical"]
    for r in warnings:
        log.warning("check warning: %s %s on %s: %s", r.suite, r.expectation, r.column, r.detail)
    if critical:
        raise CriticalCheckFailed("; ".join(
            f"{r.suite}.{r.expectation}({r.column}): {r.unexpected_count} unexpected {r.detail}"
            for r in critical))
    return {"evaluated": len(all_results), "failed": len(critical) + len(warnings),
            "warnings": len(warnings)}
