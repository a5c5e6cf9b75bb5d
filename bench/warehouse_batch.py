"""Warehouse load benchmark: a synthetic batch in the extract stage's format, loaded and
re-loaded with the step times (staging, merge, known-term sweep). Run through
`python -m bench.warehouse_speed`."""
from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import random
import threading
import time
from datetime import datetime
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
COOKBOOK = ROOT / "docs" / "queries.md"
# A Monday: date_trunc('week', …) is ISO (Monday) in DuckDB, so every window falls in its week.
FIRST_WEEK = datetime(2026, 1, 5)
WEEKS = 52
MENTION_TABLES = ("term_mentions", "dosing_mentions", "claims", "document_flags")


# --------------------------------------------------------------------------------------------
# 1. A synthetic batch, in the shape extractors/batch.py writes and warehouse/load.py reads.
# --------------------------------------------------------------------------------------------

SYLLABLES = ["ka", "lo", "mi", "ra", "ve", "sun", "dor", "tal", "bri", "ne", "qua", "zen",
             "mor", "fel", "tis", "gra", "po", "lu", "rex", "vin"]
WORDS = ["black", "quiet", "ember", "dusk", "tide", "velvet", "hollow", "amber", "glass",
         "river", "stone", "calm", "spiral", "fog", "recall", "drift", "bloom", "ridge", "ash",
         "lantern", "copper", "willow", "static", "thorn", "harbor", "echo", "frost", "mellow"]
SUBSTANCES = ["kratom", "kava", "kanna", "ashwagandha", "cbd", "phenibut", "tianeptine",
              "melatonin", "magnesium", "valerian", "gabapentin", "sertraline"]
CONDITIONS = ["anxiety", "insomnia", "pain", "withdrawal", "depression", "fatigue", "dependence"]
EFFECTS = ["ease", "treat", "cure", "reduce", "improve", "prevent"]
DOSING_KINDS = ["amount", "maximum", "taper", "titration", "individualised", "as_needed", "form"]
UNITS = ["mg", "g", "mcg", "ml", "capsule", "tsp", "drop"]
FLAG_KINDS = ["unsupported_term", "inconsistent_definition", "vague_dosing", "uncited_claim",
              "vague_attribution", "absolute_safety", "disease_claim"]
FILLER = ["Many readers ask about this every week.", "We are not doctors and this is not advice.",
          "Results vary from person to person and from batch to batch.",
          "The evening hours are usually the hardest part.",
          "Talk to someone you trust before changing anything.",
          "Several people in the thread described the same pattern.",
          "Quality differs a lot between vendors and between harvests."]


def zipf_picker(n: int, rng: random.Random, s: float = 1.1):
    """Index 0..n-1 with frequency ∝ 1/rank^s: a few terms everywhere, a long tail seen once."""
    cum = list(itertools.accumulate(1 / (rank ** s) for rank in range(1, n + 1)))
    return lambda: bisect.bisect_left(cum, rng.random() * cum[-1])


def term_vocabulary(groups: int, rng: random.Random) -> list[dict]:
    """Term groups with their spellings. Coinages get near-identical variants (spacing, a
    hyphen, a two-letter typo) so assign_group's fuzzy grouping and the sweep's variant
    patterns do real work; acronyms get dotted spellings; a quarter are known (supported)."""
    from extractors.terms import term_key

    vocab, seen = [], set()
    while len(vocab) < groups:
        if rng.random() < 0.45:
            letters = "".join(rng.choice("ABCDEFGHKLMNPRSTVW") for _ in range(rng.randint(3, 5)))
            spellings = [letters, ".".join(letters) + "."]
            kind, expansion = "acronym", " ".join(rng.choice(WORDS).title() for _ in letters)
        else:
            a = rng.choice(WORDS) if rng.random() < 0.6 else "".join(rng.sample(SYLLABLES, 2))
            phrase = f"{a} {rng.choice(WORDS)}"
            spellings = [phrase, phrase.replace(" ", "-")]
            if len(phrase) >= 9 and rng.random() < 0.3:  # a typo two edits away, same group
                i = rng.randrange(len(phrase) - 2) + 1
                if phrase[i] != " " and phrase[i + 1] != " ":
                    spellings.append(phrase[:i] + phrase[i + 1] + phrase[i] + phrase[i + 2:])
            kind, expansion = "coinage", f"the {rng.choice(WORDS)} feeling"
        key = term_key(spellings[0], kind)
        if key in seen or not key:
            continue
        seen.add(key)
        vocab.append({"kind": kind, "spellings": spellings, "expansion": expansion,
                      "supported": rng.random() < 0.25})
    return vocab


def synthetic_batch(out_dir: Path, mention_rows: int, seed: int = 7) -> tuple[Path, Path, int]:
    """Write fetches.jsonl + analyses.jsonl for one crawl window with ≈ mention_rows rows of
    terms + dosing + claims + flags. Returns the paths and the exact mention row count."""
    from extractors.terms import term_key

    rng = random.Random(seed)
    vocab = term_vocabulary(4000, rng)
    pick_term = zipf_picker(len(vocab), rng)
    hosts = [f"{''.join(rng.sample(SYLLABLES, 3))}{i}.example" for i in range(50_000)]
    pick_host = zipf_picker(len(hosts), rng, s=0.6)  # flatter: most hosts have a page or two
    window = "2026-11-16T00:00:00+00:00"
    out_dir.mkdir(parents=True, exist_ok=True)
    fetches_path, analyses_path = out_dir / "fetches.jsonl", out_dir / "analyses.jsonl"
    rows = doc = 0
    with open(fetches_path, "w", encoding="utf-8") as ff, \
            open(analyses_path, "w", encoding="utf-8") as af:
        while rows < mention_rows:
            doc += 1
            url = f"https://{hosts[pick_host()]}/p/{doc}.html"
            fetched_at = f"2026-11-{16 + doc % 7:02d}T{doc % 24:02d}:{doc % 60:02d}:00+00:00"
            # A tenth of the requests fail: the merge's fetch upsert sees failures too.
            outcome = "fetched" if rng.random() > 0.1 else rng.choice(["http_error", "timeout"])
            text_parts, terms = [], {}
            for _ in range(max(0, int(rng.gauss(3.5, 2)))):
                entry = vocab[pick_term()]
                surface = rng.choice(entry["spellings"])
                normalized = term_key(surface, entry["kind"])
                if normalized in terms:
                    continue
                count = rng.randint(1, 4)
                sentence = f"People call it {surface} ({entry['expansion']}) and {surface} again."
                text_parts.append(sentence)
                terms[normalized] = {
                    "count": count, "expansions": [entry["expansion"]], "kind": entry["kind"],
                    "normalized": normalized, "snippet": sentence,
                    "supported": entry["supported"], "term": surface,
                    "variants": sorted({surface, entry["spellings"][0]})}
            # Known jargon this page uses without the extractor picking it up: the sweep's work.
            for _ in range(rng.randint(0, 2)):
                text_parts.append(f"Some say {rng.choice(vocab[pick_term()]['spellings'])} helps.")
            dosing = []
            for i in range(max(0, int(rng.gauss(2.5, 1.5)))):
                low = rng.choice([1, 2, 5, 10, 50, 100, 250])
                unit, substance = rng.choice(UNITS), rng.choice(SUBSTANCES)
                text = f"{low}-{low * 2} {unit}"
                sentence = f"Take {text} of {substance} twice a day."
                text_parts.append(sentence)
                dosing.append({"amount_high": float(low * 2), "amount_low": float(low),
                               "frequency": rng.choice([None, "twice a day", "as needed"]),
                               "kind": rng.choice(DOSING_KINDS),
                               "phrase": rng.choice([None, "start low", f"{text} twice a day"]),
                               "sentence": sentence, "substance": substance, "text": text,
                               "unit": unit})
            claims = []
            for i in range(max(0, int(rng.gauss(2, 1.2)))):
                s, e, c = rng.choice(SUBSTANCES), rng.choice(EFFECTS), rng.choice(CONDITIONS)
                sentence = f"Studies suggest {s} may {e} {c}."
                text_parts.append(sentence)
                claims.append({"cited": rng.random() < 0.3, "condition": c, "effect": e,
                               "hedged": rng.random() < 0.6, "sentence": sentence,
                               "substance": s})
            flags = [{"detail": f"{t['term']} ({t['kind']}, {t['count']}×)",
                      "kind": "unsupported_term"} for t in terms.values() if not t["supported"]]
            flags += [{"detail": f"detail {rng.randint(1, 50)}", "kind": k}
                      for k in rng.sample(FLAG_KINDS[1:], rng.randint(0, 2))]
            # Pages of ~2 KB of text: the sweep's regexes scan all of it.
            text_parts += rng.choices(FILLER, k=rng.randint(15, 35))
            rng.shuffle(text_parts)
            text = " ".join(text_parts)
            content_hash = hashlib.sha256(f"{url}|{doc}".encode()).hexdigest()
            fetch = {"source": f"source{doc % 40}", "url": url, "final_url": url, "kind": "page",
                     "fetched_at": fetched_at, "window_start": window,
                     "status": 200 if outcome == "fetched" else 503,
                     "content_type": "text/html", "content_hash": content_hash,
                     "size": len(text) * 3, "etag": None, "last_modified": None,
                     "outcome": outcome, "error": None if outcome == "fetched" else outcome,
                     "redirects": [], "run_id": "bench", "elapsed_ms": rng.randint(50, 3000),
                     "attempts": 1, "charset": "utf-8",
                     "warc_file": f"bench/{doc // 1000}.warc.gz", "warc_offset": doc * 4096}
            ff.write(json.dumps(fetch) + "\n")
            if outcome != "fetched":
                continue
            analysis = {"canonical_url": None, "claims": claims, "dosing": dosing,
                        "extractor_version": "0.1.0", "flags": flags, "language": "en",
                        "published": f"2026-{1 + doc % 11:02d}-{1 + doc % 28:02d}",
                        "terms": list(terms.values()), "text": text,
                        "title": f"Page {doc}", "url": url}
            record = {"analysis": analysis, "content_hash": content_hash, "error": None,
                      "extractor_version": "0.1.0", "fetched_at": fetched_at, "source": fetch["source"],
                      "url": url, "warc_file": fetch["warc_file"],
                      "warc_offset": fetch["warc_offset"], "window_start": window}
            af.write(json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n")
            rows += len(terms) + len(dosing) + len(claims) + len(flags)
    return fetches_path, analyses_path, rows


class TimedConnection:
    """Wraps the DuckDB connection load_batch is given, timing each statement it runs, so the
    SQL merge and the known-term sweep can be told apart without touching warehouse/."""

    def __init__(self, con):
        self._con, self.timings = con, {}

    def execute(self, sql, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            label = sql.lstrip().split("\n", 1)[0][:40]
            self.timings[label] = self.timings.get(label, 0.0) + time.perf_counter() - t0

    def __getattr__(self, name):
        return getattr(self._con, name)


def table_counts(con) -> dict[str, int]:
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1").fetchall()]
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def timed_load(con, fetches, analyses, timeout: float) -> dict:
    """One load_batch call with its split: Python staging (stage_batch), the merge SQL, the
    sweep SQL. A load still running after `timeout` s is interrupted (it rolls back)."""
    import warehouse.load as load

    staged = {"seconds": 0.0}
    real_stage = load.stage_batch

    def stage_batch(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return real_stage(*args, **kwargs)
        finally:
            staged["seconds"] = time.perf_counter() - t0

    timed = TimedConnection(con)
    timer = threading.Timer(timeout, con.interrupt)
    load.stage_batch = stage_batch  # in this process only; load_batch looks it up per call
    timer.start()
    t0 = time.perf_counter()
    error = None
    try:
        load.load_batch(timed, fetches, analyses)
    except load.LoadError as exc:
        error = str(exc)[:200]
    finally:
        total = time.perf_counter() - t0
        timer.cancel()
        load.stage_batch = real_stage
    merge = sum(s for k, s in timed.timings.items() if k.startswith("-- merge_batch"))
    sweep = sum(s for k, s in timed.timings.items()
                if k.startswith(("-- sweep_", "CREATE OR REPLACE TEMP TABLE sweep")))
    slowest = sorted(timed.timings.items(), key=lambda kv: -kv[1])[:6]
    return {"total": total, "stage": staged["seconds"], "merge": merge, "sweep": sweep,
            "other": total - staged["seconds"] - merge - sweep, "error": error, "slowest": slowest}


def bench_load(workdir: Path, mention_rows: int, timeout: float, runs: int,
               budget_s: float | None = None) -> dict:
    """Load a synthetic batch of `mention_rows` mention rows into an empty warehouse, then load
    it again (idempotence: every table's row count unchanged). Each run starts from a fresh
    file; the batch is generated once, outside the clock."""
    import sys

    from bench import harness
    from warehouse.db import connect, migrate

    t0 = time.perf_counter()
    fetches, analyses, rows = synthetic_batch(workdir / f"batch-{mention_rows}", mention_rows)
    generated = time.perf_counter() - t0
    docs = sum(1 for _ in open(analyses, encoding="utf-8"))
    size_mib = (fetches.stat().st_size + analyses.stat().st_size) / 2**20
    db_path = workdir / f"load-{mention_rows}.duckdb"

    def one_run() -> dict:
        for p in (db_path, Path(str(db_path) + ".wal")):
            p.unlink(missing_ok=True)
        con = connect(db_path)
        migrate(con)
        first = timed_load(con, fetches, analyses, timeout)
        after_first = table_counts(con)
        second = timed_load(con, fetches, analyses, timeout) if not first["error"] else None
        after_second = table_counts(con)
        swept = con.execute("SELECT count(*) FROM term_mentions WHERE origin = 'known_term'").fetchone()[0]
        con.close()
        changed = {t: [after_first[t], after_second.get(t)] for t in after_first
                   if after_first[t] != after_second.get(t)}
        print(f"  load {rows:,} rows: {first['total']:.1f} s, re-load "
              f"{second['total'] if second else float('nan'):.1f} s", file=sys.stderr)
        return {"load_s": first["total"], "reload_s": second["total"] if second else None,
                "stage_s": first["stage"], "merge_s": first["merge"], "sweep_s": first["sweep"],
                "other_s": first["other"], "error": first["error"] or (second or {}).get("error"),
                "idempotent": bool(second) and not changed, "changed": changed,
                "loaded_rows": sum(after_first.get(t, 0) for t in MENTION_TABLES),
                "swept_rows": swept, "slowest": first["slowest"]}

    results = harness.repeat(one_run, runs, warmup=0, budget_s=budget_s)
    for p in (db_path, Path(str(db_path) + ".wal")):
        p.unlink(missing_ok=True)
    ok = [r for r in results if not r["error"]]
    if not ok or not all(r["idempotent"] for r in results):
        raise RuntimeError(f"load of {rows:,} rows: errors {[r['error'] for r in results if r['error']]}, "
                           f"changed on re-load {next((r['changed'] for r in results if r['changed']), {})}")
    summary = {k: harness.collect(ok, k) for k in ("load_s", "reload_s", "stage_s", "merge_s",
                                                   "sweep_s", "other_s")} if ok else {}
    return {"mention_rows": rows, "documents": docs, "batch_mib": size_mib,
            "generated_s": generated, **summary,
            "rows_per_s": harness.summary([rows / r["load_s"] for r in ok]) if ok else None,
            "idempotent": all(r["idempotent"] for r in results),
            "errors": [r["error"] for r in results if r["error"]],
            "changed": next((r["changed"] for r in results if r["changed"]), {}),
            "loaded_rows": results[0]["loaded_rows"], "swept_rows": results[0]["swept_rows"],
            "slowest": results[0]["slowest"]}
