"""Run the extract stage over one crawl run: fetches.jsonl + raw bodies → analyses.jsonl."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from extractors import EXTRACTOR_VERSION
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


def extract_run(fetches_path: Path, read_body: Callable[[str], bytes], out_path: Path) -> dict:
    """Analyse every successfully fetched page of a run. A page that cannot be analysed is
    recorded with its error and the batch goes on. Writes atomically; returns counts."""
    records, seen = [], set()
    with open(fetches_path, encoding="utf-8") as fh:
        fetches = [json.loads(line) for line in fh if line.strip()]
    for fetch in fetches:
        if fetch["kind"] != "page" or fetch["outcome"] != "ok" or not fetch["content_hash"]:
            continue
        key = (fetch["final_url"], fetch["content_hash"])
        if key in seen:  # the same body reached twice (a redirect): analyse it once
            continue
        seen.add(key)
        records.append(_analyse(fetch, read_body))
    tmp = out_path.with_suffix(".jsonl.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n")
    tmp.replace(out_path)
    return {"documents": sum(r["error"] is None for r in records),
            "errors": sum(r["error"] is not None for r in records), "path": str(out_path)}


def _analyse(fetch: dict, read_body) -> dict:
    record = {
        "url": fetch["final_url"], "source": fetch["source"],
        "content_hash": fetch["content_hash"], "fetched_at": fetch["fetched_at"],
        "window_start": fetch["window_start"], "extractor_version": EXTRACTOR_VERSION,
        "analysis": None, "error": None,
    }
    try:
        html = decode_body(read_body(fetch["content_hash"]))
        record["analysis"] = analyze_html(html, fetch["final_url"]).to_json()
    except ExtractionError as exc:
        record["error"] = f"extraction: {exc}"
    except Exception as exc:  # one bad page must not stop the batch; the error is stored
        record["error"] = f"{type(exc).__name__}: {exc}"[:500]
    return record
