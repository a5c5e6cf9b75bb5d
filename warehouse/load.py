"""Load one batch (a crawl run's fetches.jsonl and analyses.jsonl) into the warehouse:
stage, deduplicate, and merge in one transaction. Safe to re-run."""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pandas as pd

from crawler.models import WITH_BODY
from crawler.urls import url_hash
from extractors.terms import near_identical, term_key
from warehouse.db import query_text
from warehouse.sweep import sweep_known_terms

# Columns of each staged relation, in table order; empty batches still need their shape.
_COLUMNS = {
    "fetches": ["window_start", "url_hash", "kind", "source", "url", "final_url", "host",
                "fetched_at", "status", "content_type", "content_hash", "size_bytes", "etag",
                "last_modified", "outcome", "error", "load_id", "run_id", "elapsed_ms",
                "attempts", "charset", "warc_file", "warc_offset"],
    "pages": ["url_hash", "url", "host", "source", "first_seen_window"],
    "documents": ["doc_id", "url_hash", "url", "host", "source", "content_hash",
                  "extractor_version", "title", "published", "language", "canonical_url", "text",
                  "text_length", "first_seen_window", "load_id", "warc_file", "warc_offset"],
    "sightings": ["doc_id", "window_start", "fetched_at", "load_id"],
    "errors": ["window_start", "url", "content_hash", "error", "load_id"],
    "term_mentions": ["doc_id", "normalized", "group_key", "term", "kind", "expansions",
                      "variants", "supported", "mention_count", "snippet"],
    "term_groups": ["group_key", "display_term", "kind"],
    "term_variants": ["normalized", "group_key"],
    "dosing": ["doc_id", "ordinal", "kind", "text", "phrase", "substance", "amount_low",
               "amount_high", "unit", "frequency", "sentence"],
    "claims": ["doc_id", "ordinal", "sentence", "substance", "effect", "condition", "hedged",
               "cited"],
    "flags": ["doc_id", "kind", "detail"],
    "loads": ["load_id", "window_start", "fetches", "documents", "errors"],
    "sources": ["name", "hosts", "seeds", "sitemaps", "feeds", "max_depth", "max_pages",
                "delay_seconds", "crawl_every_weeks", "first_load_id", "last_load_id"],
}
# Natural keys used to deduplicate a batch before the merge (ON CONFLICT keeps the first row).
_KEYS = {
    "fetches": ["window_start", "url_hash", "kind"], "pages": ["url_hash"], "documents": ["doc_id"],
    "sightings": ["doc_id", "window_start"], "errors": ["window_start", "url", "content_hash"],
    "term_mentions": ["doc_id", "normalized"], "term_groups": ["group_key"],
    "term_variants": ["normalized"], "flags": ["doc_id", "kind", "detail"],
    "dosing": ["doc_id", "ordinal"], "claims": ["doc_id", "ordinal"],
}


class LoadError(RuntimeError):
    """The batch could not be loaded; the warehouse is unchanged."""


def doc_id_for(url: str, content_hash: str, extractor_version: str) -> str:
    key = f"{url_hash(url)}|{content_hash}|{extractor_version}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def load_id_for(window_start: datetime | None) -> str:
    """One load per crawl window: re-crawling and re-loading a window replaces its load (and
    its check results) instead of adding another."""
    key = window_start.isoformat() if window_start else "no-window"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _utc(value: str | None) -> datetime | None:
    """ISO 8601 → naive UTC, the warehouse's TIMESTAMP convention."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise LoadError(f"{path}:{number}: half-written or corrupt batch: {exc}") from exc
    return rows


def stage_batch(fetches_path: Path, analyses_path: Path, existing_groups: dict[str, str],
                group_kinds: dict[str, str], sources=()) -> dict[str, list[dict]]:
    """Turn the two batch files into rows per table (pure apart from reading the files)."""
    return stage_records(_read_jsonl(fetches_path), _read_jsonl(analyses_path), existing_groups,
                         group_kinds, sources)


def stage_records(fetches: list[dict], analyses: list[dict], existing_groups: dict[str, str],
                  group_kinds: dict[str, str], sources=()) -> dict[str, list[dict]]:
    """Fetch and analysis records of one crawl window → rows per table (pure)."""
    window = _utc((fetches or analyses or [{}])[0].get("window_start"))
    load_id = load_id_for(window)
    rows: dict[str, list[dict]] = {name: [] for name in _COLUMNS}
    for f in fetches:
        rows["fetches"].append({
            "window_start": _utc(f["window_start"]), "url_hash": url_hash(f["url"]), "kind": f["kind"],
            "source": f["source"], "url": f["url"], "final_url": f["final_url"],
            "host": urlsplit(f["final_url"]).netloc.lower(), "fetched_at": _utc(f["fetched_at"]),
            "status": f["status"], "content_type": f["content_type"],
            "content_hash": f["content_hash"], "size_bytes": f["size"], "etag": f["etag"],
            "last_modified": f["last_modified"], "outcome": f["outcome"], "error": f["error"],
            "load_id": load_id, "run_id": f.get("run_id"), "elapsed_ms": f.get("elapsed_ms"),
            "attempts": f.get("attempts"), "charset": f.get("charset"),
            "warc_file": f.get("warc_file"), "warc_offset": f.get("warc_offset")})
    # A response with a body beats an earlier failure for the same key within one batch.
    rows["fetches"].sort(key=lambda r: r["outcome"] not in WITH_BODY)
    groups = dict(existing_groups)
    kinds = dict(group_kinds)
    staged_groups: set[str] = set()  # group keys already in rows["term_groups"]
    index = CoinageGroups(groups, kinds)
    for a in analyses:
        if a.get("unchanged"):  # analysed in an earlier window: only seen again
            doc_id = doc_id_for(a["url"], a["content_hash"], a["extractor_version"])
            rows["sightings"].append({"doc_id": doc_id, "window_start": _utc(a["window_start"]),
                                      "fetched_at": _utc(a["fetched_at"]), "load_id": load_id})
            continue
        if a["error"]:
            rows["errors"].append({"window_start": _utc(a["window_start"]), "url": a["url"],
                                   "content_hash": a["content_hash"], "error": a["error"],
                                   "load_id": load_id})
            continue
        _stage_document(a, load_id, rows, groups, kinds, staged_groups, index)
    rows["term_variants"] = [{"normalized": k, "group_key": v} for k, v in sorted(groups.items())
                             if k not in existing_groups]
    crawled = {f["source"] for f in fetches}
    rows["sources"] = [_source_row(s, load_id) for s in sources if s.name in crawled]
    rows["loads"] = [{"load_id": load_id, "window_start": window, "fetches": len(fetches),
                      "documents": len(rows["documents"]), "errors": len(rows["errors"])}] if window else []
    return rows


def _source_row(source, load_id: str) -> dict:
    hosts = sorted({urlsplit(u).netloc.lower() for u in source.seeds + source.sitemaps + source.feeds})
    return {"name": source.name, "hosts": hosts, "seeds": list(source.seeds),
            "sitemaps": list(source.sitemaps), "feeds": list(source.feeds),
            "max_depth": source.max_depth, "max_pages": source.max_pages,
            "delay_seconds": float(source.delay_seconds),
            "crawl_every_weeks": source.crawl_every_weeks, "first_load_id": load_id,
            "last_load_id": load_id}


def _stage_document(a: dict, load_id: str, rows: dict, groups: dict, kinds: dict,
                    staged_groups: set[str], index: "CoinageGroups") -> None:
    doc = a["analysis"]
    window, fetched_at = _utc(a["window_start"]), _utc(a["fetched_at"])
    doc_id = doc_id_for(a["url"], a["content_hash"], a["extractor_version"])
    host = urlsplit(a["url"]).netloc.lower()
    rows["documents"].append({
        "doc_id": doc_id, "url_hash": url_hash(a["url"]), "url": a["url"], "host": host,
        "source": a["source"], "content_hash": a["content_hash"],
        "extractor_version": a["extractor_version"], "title": doc["title"],
        "published": _date(doc["published"]), "language": doc["language"],
        "canonical_url": doc.get("canonical_url"), "text": doc["text"],
        "text_length": len(doc["text"]), "first_seen_window": window, "load_id": load_id,
        "warc_file": a.get("warc_file"), "warc_offset": a.get("warc_offset")})
    rows["pages"].append({"url_hash": url_hash(a["url"]), "url": a["url"], "host": host,
                          "source": a["source"], "first_seen_window": window})
    rows["sightings"].append({"doc_id": doc_id, "window_start": window,
                              "fetched_at": fetched_at, "load_id": load_id})
    for term in doc["terms"]:
        group = assign_group(term["normalized"], term["kind"], groups, kinds, index)
        for variant in term.get("variants", []):
            groups.setdefault(term_key(variant, term["kind"]), group)
        if group not in staged_groups and group == term["normalized"]:
            staged_groups.add(group)
            rows["term_groups"].append({"group_key": group, "display_term": term["term"],
                                        "kind": term["kind"]})
        rows["term_mentions"].append({
            "doc_id": doc_id, "normalized": term["normalized"], "group_key": group,
            "term": term["term"], "kind": term["kind"], "expansions": term["expansions"],
            "variants": term.get("variants", []), "supported": term["supported"],
            "mention_count": term["count"], "snippet": term.get("snippet")})
    for i, d in enumerate(doc["dosing"]):
        rows["dosing"].append({"doc_id": doc_id, "ordinal": i, **{
            k: d.get(k) for k in _COLUMNS["dosing"][2:]}})
    for i, c in enumerate(doc["claims"]):
        rows["claims"].append({"doc_id": doc_id, "ordinal": i, **{
            k: c[k] for k in _COLUMNS["claims"][2:]}})
    for f in doc["flags"]:
        rows["flags"].append({"doc_id": doc_id, "kind": f["kind"], "detail": f["detail"]})


class CoinageGroups:
    """The coinage groups seen so far, indexed so a new spelling is compared only with the
    groups near_identical could accept: the same spelling without spaces or plural s, or the
    same first letter. A load of a million mentions makes thousands of new spellings; comparing
    each with every group was half the staging time."""

    def __init__(self, groups: dict[str, str], kinds: dict[str, str]):
        self.compact: dict[str, set[str]] = {}
        self.by_letter: dict[str, set[str]] = {}
        for group in set(groups.values()):
            if kinds.get(group) == "coinage":
                self.add(group)

    def add(self, group: str) -> None:
        compact = group.replace(" ", "")
        self.compact.setdefault(compact, set()).add(group)
        self.by_letter.setdefault(compact[:1], set()).add(group)

    def match(self, normalized: str) -> str | None:
        """The first group, in sorted order, that `normalized` is near-identical to."""
        compact = normalized.replace(" ", "")
        candidates = set(self.by_letter.get(compact[:1], ()))
        for form in (compact, compact + "s", compact[:-1] if compact.endswith("s") else None):
            candidates |= self.compact.get(form, set()) if form else set()
        return min((g for g in candidates if near_identical(normalized, g)), default=None)


def assign_group(normalized: str, kind: str, groups: dict[str, str], kinds: dict[str, str],
                 index: CoinageGroups | None = None) -> str:
    """The group of a spelling across documents: a known spelling keeps its group; a coinage
    spelt nearly like a known coinage group joins it; anything else starts a new group. Pass the
    same `index` (built from `groups` and `kinds`) across calls to keep this fast."""
    if normalized in groups:
        return groups[normalized]
    index = index if index is not None else CoinageGroups(groups, kinds)
    target = (index.match(normalized) if kind == "coinage" else None) or normalized
    groups[normalized] = target
    kinds.setdefault(target, kind)
    if target == normalized and kinds[target] == "coinage":
        index.add(target)
    return target


# Staged relation → the table it merges into (their columns match, so staging has its types).
TARGETS = {"fetches": "fetches", "pages": "pages", "documents": "documents",
           "sightings": "document_sightings", "errors": "extract_errors",
           "term_mentions": "term_mentions", "term_groups": "term_groups",
           "term_variants": "term_variants", "dosing": "dosing_mentions", "claims": "claims",
           "flags": "document_flags", "loads": "loads", "sources": "sources"}


def stage(con: duckdb.DuckDBPyConnection, fetches_path: Path, analyses_path: Path,
          sources=()) -> dict:
    """Write: the batch into schema staging (staging.batch_<relation>), deduplicated on natural
    keys, typed like its target table. Analysts never see staging; replaces an earlier stage."""
    existing = dict(con.execute("SELECT normalized, group_key FROM term_variants").fetchall())
    kinds = dict(con.execute("SELECT group_key, kind FROM term_groups").fetchall())
    rows = stage_batch(Path(fetches_path), Path(analyses_path), existing, kinds, sources)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS staging")
        for name, columns in _COLUMNS.items():
            frame = pd.DataFrame(rows[name], columns=columns)
            if name in _KEYS:
                frame = frame.drop_duplicates(subset=_KEYS[name], keep="first")
            con.register("staging_frame", frame)
            con.execute(f"CREATE OR REPLACE TABLE staging.batch_{name} AS "
                        f"SELECT {', '.join(columns)} FROM {TARGETS[name]} LIMIT 0")
            con.execute(f"INSERT INTO staging.batch_{name} BY NAME SELECT * FROM staging_frame")
            con.unregister("staging_frame")
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        raise LoadError(f"staging {analyses_path} failed, nothing changed: {exc}") from exc
    return {"load_id": rows["loads"][0]["load_id"] if rows["loads"] else None,
            "documents": len(rows["documents"]), "fetches": len(rows["fetches"]),
            "errors": len(rows["errors"])}


def staged_load_id(con) -> str | None:
    if not _staging_exists(con):
        return None
    row = con.execute("SELECT load_id FROM staging.batch_loads").fetchone()
    return row[0] if row else None


def _staging_exists(con) -> bool:
    return bool(con.execute("""SELECT count(*) FROM duckdb_tables()
                               WHERE schema_name = 'staging' AND table_name = 'batch_loads'""").fetchone()[0])


def merge_staged(con: duckdb.DuckDBPyConnection) -> dict:
    """Publish: merge the (audited) staged batch into the warehouse in one transaction, then
    drop the staging tables. A kill before COMMIT leaves the warehouse and the stage as they
    were, so a re-run completes it."""
    if not _staging_exists(con):
        raise LoadError("nothing staged: run the stage (and audit) first")
    con.execute("BEGIN TRANSACTION")
    try:
        for name in _COLUMNS:
            con.execute(f"CREATE OR REPLACE TEMP VIEW batch_{name} AS SELECT * FROM staging.batch_{name}")
        counts = con.execute("""SELECT (SELECT count(*) FROM batch_documents),
                                       (SELECT count(*) FROM batch_fetches),
                                       (SELECT count(*) FROM batch_errors),
                                       (SELECT any_value(load_id) FROM batch_loads)""").fetchone()
        con.execute(query_text("merge_batch"))
        con.execute(query_text("replace_mentions"))
        sweep_known_terms(con)
        con.execute(query_text("refresh_term_stats"))
        for name in _COLUMNS:
            con.execute(f"DROP VIEW batch_{name}")
            con.execute(f"DROP TABLE staging.batch_{name}")
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        raise LoadError(f"merge of the staged batch failed, nothing changed: {exc}") from exc
    return {"load_id": counts[3], "documents": counts[0], "fetches": counts[1], "errors": counts[2]}


def load_batch(con: duckdb.DuckDBPyConnection, fetches_path: Path, analyses_path: Path,
               sources=()) -> dict:
    """Stage and merge one batch without an audit (tests, tools). The pipeline audits in
    between: claimwatch.pipeline.load_window."""
    staged = stage(con, fetches_path, analyses_path, sources)
    merged = merge_staged(con)
    return {**merged, "load_id": staged["load_id"]}
