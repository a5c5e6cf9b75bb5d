"""Warehouse query benchmark: a synthetic warehouse of a million documents built in SQL, and
the latency of every view, report query and cookbook query. Run through
`python -m bench.warehouse_speed`."""
from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from pathlib import Path

from bench.warehouse_batch import (CONDITIONS, COOKBOOK, DOSING_KINDS, EFFECTS, FIRST_WEEK, FLAG_KINDS,
                                   MENTION_TABLES, SUBSTANCES, UNITS, WEEKS, table_counts)
from warehouse.db import query_text


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
    # Derived as a load derives it, in the load's transaction (warehouse/load.py merge_staged).
    run("term_stats", query_text("refresh_term_stats"))
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


def time_query(con, sql: str, params: list, runs: int, slow: float, timeout: float) -> dict:
    """Median of `runs` timed runs after one warm-up. A query whose warm-up takes longer than
    `slow` s is timed once only: its miss is clear and the budget is short. One still running
    after `timeout` s is interrupted, so a runaway query cannot stall the rest."""
    from bench import harness

    timer = threading.Timer(timeout, con.interrupt)
    timer.start()
    try:
        t0 = time.perf_counter()
        con.execute(sql, params).fetchall()
        warm = time.perf_counter() - t0
    except Exception as exc:  # the cookbook may hold work in progress
        if "Interrupt" in str(exc):
            return {"seconds": None, "note": f"interrupted after {timeout:.0f} s"}
        return {"seconds": None, "note": f"error: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}"}
    finally:
        timer.cancel()
    if warm > slow:
        return {"seconds": harness.summary([warm]), "note": "single run (slow)"}
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        con.execute(sql, params).fetchall()
        times.append(time.perf_counter() - t0)
    return {"seconds": harness.summary(times), "note": ""}


def build(workdir: Path, documents: int, mentions: int, name: str = "views.duckdb") -> dict:
    """A fresh synthetic warehouse of this size, its views created; returns where and what."""
    from warehouse.db import connect, create_views, migrate

    db_path = workdir / name
    for p in (db_path, Path(str(db_path) + ".wal")):
        p.unlink(missing_ok=True)
    con = connect(db_path)
    migrate(con)
    t0 = time.perf_counter()
    steps = build_warehouse(con, documents, mentions)
    built = time.perf_counter() - t0
    create_views(con)
    counts = table_counts(con)
    con.close()
    return {"path": str(db_path), "documents": counts["documents"],
            "mention_rows": sum(counts[t] for t in MENTION_TABLES),
            "sightings": counts["document_sightings"], "fetches": counts["fetches"],
            "build_s": built, "steps": steps, "gib": db_path.stat().st_size / 2**30}


def report_week():
    """Mid-year, so documents first seen earlier are carried over as sightings."""
    return (FIRST_WEEK + timedelta(weeks=WEEKS // 2)).date()


def bench_queries(db_path: Path, runs: int, slow: float, explain: float, timeout: float) -> dict:
    """Latency of every view (weekly views filtered to one week), report query and cookbook
    query on the warehouse at `db_path`."""
    import sys

    from warehouse.db import QUERIES, connect, view_names

    con = connect(db_path)
    week = report_week()
    results, slow_ones = [], []

    def measure(name, kind, form, sql, params=()):
        r = time_query(con, sql, list(params), runs, slow, timeout)
        rows = None
        if r["seconds"]:
            wrapped = sql if sql.lstrip().lower().startswith("select count(*)") else \
                f"SELECT count(*) FROM ({sql})"
            try:
                rows = con.execute(wrapped, list(params)).fetchone()[0]
            except Exception:  # a multi-statement cookbook query: its row count is not needed
                rows = None
            if r["seconds"]["median"] >= explain:
                slow_ones.append((name, sql, params))
        if r["seconds"] is None and kind != "cookbook" and not r["note"].startswith("interrupted"):
            # Views and report queries are the product: one that fails fails the benchmark
            # (and CI's bench-quick); the cookbook may hold work in progress, noted in its row.
            raise RuntimeError(f"{kind} {name}: {r['note']}")
        results.append({"name": name, "kind": kind, "form": form, "rows": rows, **r})
        med = r["seconds"]["median"] if r["seconds"] else None
        print(f"  {name}: {med if med is None else round(med, 3)} s {r['note']}", file=sys.stderr)

    for view in view_names():
        columns = {r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()}
        if "week_start" in columns:
            measure(view, "weekly view", "week",
                    f"SELECT count(*) FROM (SELECT * FROM {view} WHERE week_start = ?)", [week])
        else:
            measure(view, "view", "whole", f"SELECT count(*) FROM (SELECT * FROM {view})")
    # The weekly report's own queries ($1 = the week) read the same views.
    # $2, where a query has it, is the term groups the report shows: the week's top 30.
    shown = [r[0] for r in con.execute(
        """SELECT group_key FROM weekly_unsupported_terms WHERE week_start = ?
           ORDER BY documents DESC, group_key LIMIT 30""", [week]).fetchall()]
    for path in sorted(QUERIES.glob("report_*.sql")):
        sql = path.read_text(encoding="utf-8").strip().rstrip(";")
        has_groups = "$2" in sql
        measure(path.stem, "report query", "$1 = week" + (", $2 = 30 groups" if has_groups else ""),
                sql, [week, shown] if has_groups else [week])
    for heading, sql in cookbook_queries():
        params = [week] if "$1" in sql else []
        measure(heading, "cookbook", "as written", sql, params)
    if slow_ones:
        out_dir = db_path.parent / "explain"
        out_dir.mkdir(exist_ok=True)
        for name, sql, params in slow_ones:
            # A cookbook query may open with SET VARIABLE statements: explain the last one.
            # The plans are diagnostics for whoever tunes the query: never fail the run.
            try:
                *setup, last = con.extract_statements(sql)
                for statement in setup:
                    con.execute(statement)
                plan = con.execute(f"EXPLAIN ANALYZE {last.query}", list(params)).fetchall()
            except Exception as exc:  # noqa: BLE001
                plan = [(f"EXPLAIN failed: {type(exc).__name__}: {exc}",)]
            (out_dir / (re.sub(r"\W+", "_", name) + ".txt")).write_text(
                "\n".join(str(r[-1]) for r in plan), encoding="utf-8")
    con.close()
    return {"week": str(week), "runs": runs, "queries": results}
