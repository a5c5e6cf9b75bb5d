"""Warehouse query benchmark: a synthetic warehouse of a million documents built in SQL, and
the latency of every view, report query and cookbook query. Run through
`python -m bench.warehouse_speed`."""
from __future__ import annotations

import re
import statistics
import threading
import time
from datetime import timedelta
from pathlib import Path

from bench.warehouse_batch import (CONDITIONS, COOKBOOK, DOSING_KINDS, EFFECTS, FIRST_WEEK, FLAG_KINDS,
                                   MENTION_TABLES, SUBSTANCES, UNITS, WEEKS, peak_rss_mib,
                                   table_counts)
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
            # A cookbook query may open with SET VARIABLE statements: explain the last one.
            *setup, last = [part for part in sql.split(";") if part.strip()]
            for statement in setup:
                con.execute(statement)
            plan = con.execute(f"EXPLAIN ANALYZE {last}", list(params)).fetchall()
            out = workdir / "explain" / (re.sub(r"\W+", "_", name) + ".txt")
            out.write_text("\n".join(str(r[-1]) for r in plan), encoding="utf-8")
    con.close()


