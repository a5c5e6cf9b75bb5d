"""Warehouse speed: batch load throughput, re-load time, and view / cookbook query latency.

    python -m bench.warehouse_speed [--documents 1000000 --mentions 10000000 --load-mentions 1000000]

Targets (issue): every weekly view under 1 s on a warehouse of 1 M documents and 10 M mention
rows. Prints Markdown tables. Everything is written under --workdir (default /tmp)."""
from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import random
import re
import resource
import statistics
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COOKBOOK = ROOT / "docs" / "queries.md"
# A Monday: date_trunc('week', …) is ISO (Monday) in DuckDB, so every window falls in its week.
FIRST_WEEK = datetime(2026, 1, 5)
WEEKS = 52
MENTION_TABLES = ("term_mentions", "dosing_mentions", "claims", "document_flags")


def peak_rss_mib() -> float:
    # ru_maxrss is KiB on Linux and covers DuckDB's buffers too: it runs in this process.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    sweep = sum(s for k, s in timed.timings.items() if k.startswith("-- sweep_known_terms"))
    return {"total": total, "stage": staged["seconds"], "merge": merge, "sweep": sweep,
            "other": total - staged["seconds"] - merge - sweep, "error": error}


def bench_load(workdir: Path, mention_rows: int, timeout: float) -> None:
    from warehouse.db import connect, migrate

    t0 = time.perf_counter()
    fetches, analyses, rows = synthetic_batch(workdir / "batch", mention_rows)
    generated = time.perf_counter() - t0
    docs = sum(1 for _ in open(analyses, encoding="utf-8"))
    size_mib = (fetches.stat().st_size + analyses.stat().st_size) / 2**20
    db_path = workdir / "load.duckdb"
    db_path.unlink(missing_ok=True)
    con = connect(db_path)
    migrate(con)
    first = timed_load(con, fetches, analyses, timeout)
    after_first = table_counts(con)
    # A load that timed out rolled back: re-loading would only time out again.
    second = timed_load(con, fetches, analyses, timeout) if not first["error"] else None
    after_second = table_counts(con)
    swept = con.execute("SELECT count(*) FROM term_mentions WHERE origin = 'known_term'").fetchone()[0]
    con.close()
    loaded = sum(after_first.get(t, 0) for t in MENTION_TABLES)
    print(f"\n## Batch load ({rows:,} extractor mention rows, {docs:,} documents, "
          f"{size_mib:,.0f} MiB of JSONL; generated in {generated:.0f} s)\n")
    print("| run | total s | staging (Python) s | merge SQL s | sweep SQL s | other s "
          "| mention rows/s | result |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in (("first load", first), ("re-load, same batch", second)):
        if r is None:
            print(f"| {name} | — | — | — | — | — | — | skipped: the first load failed |")
            continue
        result = f"failed: {r['error']}" if r["error"] else "ok"
        rate = f"{rows / r['total']:,.0f}" if not r["error"] else "—"
        print(f"| {name} | {r['total']:.1f} | {r['stage']:.1f} | {r['merge']:.1f} "
              f"| {r['sweep']:.1f} | {r['other']:.1f} | {rate} | {result} |")
    same = after_first == after_second if second else "not tested (no re-load)"
    print(f"\nRows after load: {loaded:,} mention rows, of which {swept:,} term_mentions the "
          f"sweep added; "
          f"re-load idempotent (all table counts identical): **{same}**. "
          f"Peak RSS so far: {peak_rss_mib():,.0f} MiB.")
    if not same:
        for t in sorted(after_first):
            if after_first[t] != after_second.get(t):
                print(f"- {t}: {after_first[t]:,} → {after_second.get(t):,}")


# --------------------------------------------------------------------------------------------
# 2. A synthetic warehouse built in SQL, and the latency of every view and cookbook query.
# --------------------------------------------------------------------------------------------

def build_warehouse(con, documents: int, mentions: int) -> dict[str, float]:
    """Fill the migrated schema with INSERT … SELECT over range(). Mention rows are split
    terms 40 %, dosing 25 %, claims 20 %, flags 15 %, about their share in real batches.
    Each document is first seen in one of 52 weeks and seen again in 0–4 later weeks."""
    per_doc = mentions / documents
    n_groups = 4000
    timings = {}

    def run(label, sql):
        t0 = time.perf_counter()
        con.execute(sql)
        timings[label] = time.perf_counter() - t0

    # Terms: group g's key is 'term{g}'; a fifth of groups also have a spacing variant.
    run("term_groups", f"""
        INSERT INTO term_groups (group_key, display_term, kind)
        SELECT 'term' || g, 'Term ' || g, CASE WHEN g % 9 < 4 THEN 'acronym' ELSE 'coinage' END
        FROM range({n_groups}) t(g)""")
    run("term_variants", f"""
        INSERT INTO term_variants (normalized, group_key)
        SELECT 'term' || g, 'term' || g FROM range({n_groups}) t(g)
        UNION ALL SELECT 'term ' || g, 'term' || g FROM range({n_groups}) t(g) WHERE g % 5 = 0""")
    # Documents: id md5(i) (32 hex chars like doc_id_for); hosts skewed over 50k.
    run("documents", f"""
        INSERT INTO documents (doc_id, url_hash, url, host, source, content_hash,
            extractor_version, title, published, language, canonical_url, text, text_length,
            first_seen_window, load_id, warc_file, warc_offset)
        SELECT md5(i::VARCHAR), md5('u' || i)[:32],
            'https://h' || h || '.example/p/' || i || '.html', 'h' || h || '.example',
            'source' || (h % 40), md5('c' || i), '0.1.0', 'Page ' || i,
            DATE '2025-06-01' + (i % 400)::INTEGER, CASE WHEN i % 50 = 0 THEN 'de' ELSE 'en' END,
            NULL, 'synthetic text ' || i, 200 + i % 5000,
            TIMESTAMP '{FIRST_WEEK}' + INTERVAL (w * 7) DAY + INTERVAL (i % 86400) SECOND,
            md5('load' || w)[:16], 'bench/' || (i // 1000) || '.warc.gz', i * 4096
        FROM (SELECT i, (i * {WEEKS} // {documents}) AS w,
                     floor(50000 * power(hash(i) % 1000000 / 1000000.0, 2))::BIGINT AS h
              FROM range({documents}) t(i))""")
    # Sightings: the first week, then 0–4 of the following weeks.
    run("document_sightings", f"""
        INSERT INTO document_sightings (doc_id, window_start, fetched_at, load_id)
        SELECT d.doc_id, d.first_seen_window + INTERVAL (k * 7) DAY,
               d.first_seen_window + INTERVAL (k * 7) DAY + INTERVAL 3 HOUR,
               md5('load' || (date_diff('week', TIMESTAMP '{FIRST_WEEK}', d.first_seen_window) + k))[:16]
        FROM documents d, range(5) r(k)
        WHERE k = 0 OR (hash(d.doc_id, k) % 3 = 0
              AND d.first_seen_window + INTERVAL (k * 7) DAY < TIMESTAMP '{FIRST_WEEK}' + INTERVAL {WEEKS * 7} DAY)""")
    # Fetches: one page fetch per sighting, a tenth failing, plus robots/sitemap per host-week.
    run("fetches", """
        INSERT INTO fetches (window_start, url_hash, kind, source, url, final_url, host,
            fetched_at, status, content_type, content_hash, size_bytes, etag, last_modified,
            outcome, error, load_id, run_id, elapsed_ms, attempts, charset, warc_file, warc_offset)
        SELECT s.window_start, d.url_hash, 'page', d.source, d.url, d.url, d.host, s.fetched_at,
            200, 'text/html', d.content_hash, d.text_length * 3, NULL, NULL,
            CASE WHEN s.window_start = d.first_seen_window THEN 'fetched' ELSE 'not_modified' END,
            NULL, s.load_id, 'bench', 300, 1, 'utf-8', d.warc_file, d.warc_offset
        FROM document_sightings s JOIN documents d USING (doc_id)
        UNION ALL
        SELECT s.window_start, md5('fail' || d.url || s.window_start)[:32], 'page', d.source,
            d.url || '?x', d.url || '?x', d.host, s.fetched_at, 503, NULL, NULL, 0, NULL, NULL,
            'http_error', '503 Service Unavailable', s.load_id, 'bench', 900, 3, NULL, NULL, NULL
        FROM document_sightings s JOIN documents d USING (doc_id)
        WHERE hash(s.doc_id, s.window_start) % 10 = 0
        UNION ALL
        SELECT DISTINCT s.window_start, md5('robots' || d.host)[:32], 'robots', d.source,
            'https://' || d.host || '/robots.txt', 'https://' || d.host || '/robots.txt', d.host,
            s.window_start, 200, 'text/plain', NULL, 100, NULL, NULL, 'fetched', NULL,
            s.load_id, 'bench', 100, 1, 'utf-8', NULL, NULL
        FROM document_sightings s JOIN documents d USING (doc_id)""")
    # Doc i gets ~per_doc mention rows; group keys log-uniform (Zipf, s≈1) over 4000 groups.
    n_terms, n_dosing = round(per_doc * 0.40), round(per_doc * 0.25)
    n_claims, n_flags = round(per_doc * 0.20), round(per_doc * 0.15)
    run("term_mentions", f"""
        INSERT INTO term_mentions (doc_id, normalized, group_key, term, kind, expansions,
            variants, supported, mention_count, snippet, origin)
        SELECT DISTINCT ON (doc_id, g) md5(i::VARCHAR) AS doc_id, 'term' || g, 'term' || g,
            'Term ' || g, CASE WHEN g % 9 < 4 THEN 'acronym' ELSE 'coinage' END,
            ['Expansion of term ' || g], ['term' || g], g % 4 = 0, 1 + (i + k) % 5,
            'People call it Term ' || g || ' and it helps.',
            CASE WHEN k = 0 AND i % 7 = 0 THEN 'known_term' ELSE 'extractor' END
        FROM (SELECT i, k, least(floor(exp(random() * ln({n_groups}))) - 1, {n_groups - 1})::BIGINT AS g
              FROM range({documents}) t(i), range({n_terms}) r(k))""")
    run("dosing_mentions", f"""
        INSERT INTO dosing_mentions (doc_id, ordinal, kind, text, phrase, substance,
            amount_low, amount_high, unit, frequency, sentence)
        SELECT md5(i::VARCHAR), k, {sql_list(DOSING_KINDS)}[1 + (i + k) % 7],
            (1 + (i * 7 + k) % 50) || ' mg', CASE WHEN (i + k) % 3 = 0 THEN NULL
                ELSE 'phrase ' || ((i * 13 + k) % 300) END,
            {sql_list(SUBSTANCES)}[1 + (i + k) % 12], 1 + (i * 7 + k) % 50,
            2 + (i * 7 + k) % 50, {sql_list(UNITS)}[1 + k % 7], 'twice a day',
            'Take ' || (1 + (i * 7 + k) % 50) || ' mg twice a day.'
        FROM range({documents}) t(i), range({n_dosing}) r(k)""")
    run("claims", f"""
        INSERT INTO claims (doc_id, ordinal, sentence, substance, effect, condition, hedged, cited)
        SELECT md5(i::VARCHAR), k, 'Studies suggest it may help ' || i,
            {sql_list(SUBSTANCES)}[1 + (i * 3 + k) % 12], {sql_list(EFFECTS)}[1 + k % 6],
            {sql_list(CONDITIONS)}[1 + (i + k) % 7], (i + k) % 3 > 0, (i + k) % 4 = 0
        FROM range({documents}) t(i), range({n_claims}) r(k)""")
    run("document_flags", f"""
        INSERT INTO document_flags (doc_id, kind, detail)
        SELECT md5(i::VARCHAR), {sql_list(FLAG_KINDS)}[1 + k], 'detail ' || (i % 97)
        FROM range({documents}) t(i), range({n_flags}) r(k)""")
    # One load per week, each checked by two suites of 20 expectations.
    run("loads/checks", f"""
        INSERT INTO loads (load_id, window_start, fetches, documents, errors)
        SELECT md5('load' || w)[:16], TIMESTAMP '{FIRST_WEEK}' + INTERVAL (w * 7) DAY, 0, 0, 0
        FROM range({WEEKS + 5}) t(w);
        INSERT INTO check_runs (check_run_id, load_id, suite, rows_checked, success, evaluated, failed)
        SELECT md5('run' || w || s), md5('load' || w)[:16], 'suite' || s, 100000, true, 20, 0
        FROM range({WEEKS + 5}) t(w), range(2) u(s);
        INSERT INTO check_results (check_run_id, expectation, column_name, severity, success,
            unexpected_count, detail)
        SELECT check_run_id, 'expect_' || e, 'col', CASE WHEN e < 5 THEN 'critical' ELSE 'warning' END,
            e != 7, 0, NULL
        FROM check_runs, range(20) t(e)""")
    con.execute("CHECKPOINT")
    return timings


def sql_list(values: list[str]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def cookbook_queries() -> list[tuple[str, str]]:
    """(heading, SQL) of every ```sql block in docs/queries.md, read now: the file is still
    being written, so its queries are whatever it holds when the benchmark runs."""
    if not COOKBOOK.exists():
        return []
    out, heading = [], "docs/queries.md"
    for match in re.finditer(r"^(#+ [^\n]*)$|^```sql\s*\n(.*?)^```", COOKBOOK.read_text(encoding="utf-8"),
                             re.M | re.S):
        if match.group(1):
            heading = match.group(1).lstrip("#").strip()
        else:
            out.append((heading, match.group(2).strip().rstrip(";")))
    return out


def time_query(con, sql: str, params: list, runs: int, slow: float,
               timeout: float) -> tuple[str, str]:
    """Median of `runs` timed runs after one warm-up, as (seconds, note). A query whose warm-up
    takes longer than `slow` s is timed once only: its miss is clear and the budget is short.
    One still running after `timeout` s is interrupted, so a runaway query cannot stall the rest."""
    timer = threading.Timer(timeout, con.interrupt)
    timer.start()
    try:
        t0 = time.perf_counter()
        con.execute(sql, params).fetchall()
        warm = time.perf_counter() - t0
    except Exception as exc:  # the cookbook may hold work in progress
        if "Interrupt" in str(exc):
            return f"> {timeout:.0f}", "interrupted (timeout)"
        return "—", f"error: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
    finally:
        timer.cancel()
    if warm > slow:
        return f"{warm:.2f}", "single run (slow)"
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        con.execute(sql, params).fetchall()
        times.append(time.perf_counter() - t0)
    return f"{statistics.median(times):.3f}", ""


def bench_queries(workdir: Path, documents: int, mentions: int, runs: int, slow: float,
                  explain: float, timeout: float) -> None:
    from warehouse.db import QUERIES, connect, create_views, migrate, view_names

    db_path = workdir / "views.duckdb"
    for p in (db_path, Path(str(db_path) + ".wal")):
        p.unlink(missing_ok=True)
    con = connect(db_path)
    migrate(con)
    t0 = time.perf_counter()
    build = build_warehouse(con, documents, mentions)
    built = time.perf_counter() - t0
    create_views(con)
    counts = table_counts(con)
    mention_rows = sum(counts[t] for t in MENTION_TABLES)
    week = (FIRST_WEEK + timedelta(weeks=WEEKS // 2)).date()  # mid-year: sightings carried over
    print(f"\n## Query latency ({counts['documents']:,} documents, {mention_rows:,} mention rows, "
          f"{counts['document_sightings']:,} sightings, {counts['fetches']:,} fetches; "
          f"built in {built:.0f} s, {db_path.stat().st_size / 2**30:.1f} GiB)\n")
    print("Build steps (s): " + ", ".join(f"{k} {v:.1f}" for k, v in build.items()) + "\n")
    print(f"Median of {runs} runs after one warm-up; week = {week}. Weekly views are timed as "
          f"`SELECT count(*) FROM (SELECT * FROM view WHERE week_start = '{week}')`; views "
          f"without week_start as `SELECT count(*) FROM view` (the whole view).\n")
    print("| query | form | rows | seconds | under 1 s | note |")
    print("|---|---|---|---|---|---|")
    slow_ones = []

    def report(name, form, sql, params=()):
        seconds, note = time_query(con, sql, list(params), runs, slow, timeout)
        rows = "—"
        if seconds.startswith(">"):
            print(f"| {name} | {form} | — | {seconds} | **no** | {note} |", flush=True)
            return
        if seconds != "—":
            rows = f"{con.execute(f'SELECT count(*) FROM ({sql})', list(params)).fetchone()[0]:,}" \
                if not sql.lstrip().lower().startswith("select count(*)") else \
                f"{con.execute(sql, list(params)).fetchone()[0]:,}"
        ok = "—" if seconds == "—" else ("yes" if float(seconds) < 1 else "**no**")
        print(f"| {name} | {form} | {rows} | {seconds} | {ok} | {note} |", flush=True)
        if seconds != "—" and float(seconds) >= explain:
            slow_ones.append((name, sql, params))

    for view in view_names():
        columns = {r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()}
        if "week_start" in columns:
            report(view, "week", f"SELECT count(*) FROM (SELECT * FROM {view} WHERE week_start = ?)",
                   [week])
        else:
            report(view, "full", f"SELECT count(*) FROM (SELECT * FROM {view})")
    # The weekly report's own queries ($1 = the week) read the same views.
    for path in sorted(QUERIES.glob("report_*.sql")):
        report(path.stem, "report $1", path.read_text(encoding="utf-8").strip().rstrip(";"), [week])
    cookbook = cookbook_queries()
    if not cookbook:
        print(f"| docs/queries.md | — | — | — | — | {'absent' if not COOKBOOK.exists() else 'no sql blocks'}: skipped |")
    for heading, sql in cookbook:
        params = [week] if "$1" in sql else []  # the cookbook sets its dates in a params CTE
        report(f"cookbook: {heading}", "as written", sql, params)
    print(f"\nPeak RSS: {peak_rss_mib():,.0f} MiB.")
    if slow_ones:
        (workdir / "explain").mkdir(exist_ok=True)
        print(f"\nEXPLAIN ANALYZE of queries ≥ {explain} s written to {workdir / 'explain'}/")
        for name, sql, params in slow_ones:
            plan = con.execute(f"EXPLAIN ANALYZE {sql}", list(params)).fetchall()
            out = workdir / "explain" / (re.sub(r"\W+", "_", name) + ".txt")
            out.write_text("\n".join(str(r[-1]) for r in plan), encoding="utf-8")
    con.close()


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
