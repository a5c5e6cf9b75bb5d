"""Re-analyse archived pages with the current extractors, without crawling again: after an
extractor improvement, history is re-read from the WARC archive and the derived rows of each
affected document are replaced, one crawl window per transaction."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Callable

import duckdb
import pandas as pd

from warehouse.db import query_text
from warehouse.sweep import sweep_known_terms
from warehouse.load import _COLUMNS, _KEYS, doc_id_for, stage_records

# The staged relations a reprocess merge reads (fetches, pages, sightings, loads and sources
# are facts about the crawl, which reprocessing leaves as they are).
_MERGED = ("documents", "term_mentions", "term_groups", "term_variants", "dosing", "claims", "flags")


def candidates(con, since: datetime | None, version: str, force: bool = False) -> list[dict]:
    cur = con.execute(query_text("select_reprocess_candidates"), [since, version, force])
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def reprocess(con: duckdb.DuckDBPyConnection, read_body: Callable[[tuple[str, int]], bytes],
              since: datetime | None = None, force: bool = False) -> dict:
    """Re-analyse the documents `candidates` selects. A page that has no archived body, or
    that the current extractors cannot analyse, keeps its old analysis and is counted."""
    from extractors import EXTRACTOR_VERSION
    from extractors.batch import analyse

    todo = candidates(con, since, EXTRACTOR_VERSION, force)
    by_window: dict[datetime, list[dict]] = defaultdict(list)
    for doc in todo:
        by_window[doc["first_seen_window"]].append(doc)
    done = failed = unarchived = 0
    for window, docs in sorted(by_window.items()):
        analyses, replaced = [], []
        for doc in docs:
            if not doc["warc_file"]:
                unarchived += 1  # analysed before the WARC archive existed
                continue
            record = analyse({
                "final_url": doc["url"], "source": doc["source"], "content_hash": doc["content_hash"],
                "fetched_at": (doc["fetched_at"] or window).isoformat(),
                "window_start": window.isoformat(), "warc_file": doc["warc_file"],
                "warc_offset": doc["warc_offset"], "charset": doc["charset"]}, read_body)
            if record["error"]:
                failed += 1
                continue
            analyses.append(record)
            new_id = doc_id_for(doc["url"], doc["content_hash"], EXTRACTOR_VERSION)
            if new_id != doc["doc_id"]:
                replaced.append({"old_doc_id": doc["doc_id"], "new_doc_id": new_id})
        if analyses:
            _merge(con, analyses, replaced)
            done += len(analyses)
    return {"candidates": len(todo), "reanalysed": done, "failed": failed,
            "not_archived": unarchived, "windows": len(by_window),
            "extractor_version": EXTRACTOR_VERSION}


def _merge(con, analyses: list[dict], replaced: list[dict]) -> None:
    existing = dict(con.execute("SELECT normalized, group_key FROM term_variants").fetchall())
    kinds = dict(con.execute("SELECT group_key, kind FROM term_groups").fetchall())
    # The records carry the document's first window, so its rows keep that window's load_id.
    rows = stage_records([], analyses, existing, kinds)
    con.execute("BEGIN TRANSACTION")
    try:
        for name in _MERGED:
            frame = pd.DataFrame(rows[name], columns=_COLUMNS[name])
            if name in _KEYS:
                frame = frame.drop_duplicates(subset=_KEYS[name], keep="first")
            con.register(f"batch_{name}", frame)
        con.register("batch_replaced", pd.DataFrame(replaced, columns=["old_doc_id", "new_doc_id"]))
        con.execute(query_text("reprocess_merge"))
        con.execute(query_text("replace_mentions"))
        sweep_known_terms(con)
        con.execute(query_text("refresh_term_stats"))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in (*_MERGED, "replaced"):
            con.unregister(f"batch_{name}")
