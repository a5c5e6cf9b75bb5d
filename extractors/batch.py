"""Run the extract stage over one crawl run: fetches.jsonl + archived bodies → analyses.jsonl."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator

import extractors
from crawler.models import WITH_BODY
from extractors.analyze import analyze_html
from extractors.text import ExtractionError


def decode_body(body: bytes, content_type_charset: str | None = None) -> str:
    """Bytes → text: declared charset first, then UTF-8, then a detector."""
    for encoding in filter(None, (content_type_charset, "utf-8")):
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes
    best = from_bytes(body).best()
    return str(best) if best else body.decode("utf-8", errors="replace")


def pages_to_analyse(fetches_path: Path) -> Iterator[dict]:
    """The run's page fetches that have a body (fetched, or unchanged since an earlier run),
    once per (final URL, content): a redirect can reach the same body twice. Read as they are
    used (fix, bench/soak.py: the list of a 50,000-page run held 140 MB through the stage)."""
    seen = set()
    with open(fetches_path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            fetch = json.loads(line)
            if (fetch["kind"] != "page" or fetch["outcome"] not in WITH_BODY
                    or not fetch["content_hash"] or not fetch.get("warc_file")):
                continue
            key = (fetch["final_url"], fetch["content_hash"])
            if key not in seen:
                seen.add(key)
                yield fetch


def extract_run(fetches_path: Path, read_body: Callable[[tuple[str, int]], bytes], out_path: Path,
                known: set[tuple[str, str]] = frozenset()) -> dict:
    """Analyse the run's pages. An unchanged page (304, or the same bytes) whose version the
    warehouse has already analysed (`known`: (url, content hash)) is not analysed again: it
    gets a sighting record only. A page that cannot be analysed is recorded with its error and
    the batch goes on. Writes atomically; returns counts."""
    counts = {"documents": 0, "errors": 0, "unchanged": 0}
    tmp = out_path.with_suffix(".jsonl.tmp")
    # Fix (bench/soak.py): each record is written as it is made. All of them were kept in a
    # list until the end, so memory grew by ~16 KB a page (800 MB for a 50,000-page run).
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            for fetch in pages_to_analyse(fetches_path):
                if fetch["outcome"] != "fetched" and (fetch["final_url"], fetch["content_hash"]) in known:
                    record = {**_base(fetch), "unchanged": True}
                    counts["unchanged"] += 1
                else:
                    record = analyse(fetch, read_body)
                    counts["documents" if record["error"] is None else "errors"] += 1
                fh.write(json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out_path)
    return {**counts, "path": str(out_path)}


def _base(fetch: dict) -> dict:
    return {"url": fetch["final_url"], "source": fetch["source"],
            "content_hash": fetch["content_hash"], "fetched_at": fetch["fetched_at"],
            "window_start": fetch["window_start"],
            "extractor_version": extractors.EXTRACTOR_VERSION,  # read now: reprocess after a bump
            "warc_file": fetch["warc_file"], "warc_offset": fetch["warc_offset"],
            "analysis": None, "error": None}


def analyse(fetch: dict, read_body) -> dict:
    """One page fetch → an analysis record (its error recorded, never raised)."""
    record = _base(fetch)
    try:
        html = decode_body(read_body((fetch["warc_file"], fetch["warc_offset"])),
                           fetch.get("charset"))
        record["analysis"] = analyze_html(html, fetch["final_url"]).to_json()
    except ExtractionError as exc:
        record["error"] = f"extraction: {exc}"
    except Exception as exc:  # one bad page must not stop the batch; the error is stored
        record["error"] = f"{type(exc).__name__}: {exc}"[:500]
    return record
