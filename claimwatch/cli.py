"""The `claimwatch` command: analyze pages, query the warehouse, set up Airflow, run the demo."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def cmd_analyze(args) -> int:
    """One JSON object per page (JSON Lines). No network, no database."""
    from extractors.analyze import analyze_html
    from extractors.batch import decode_body
    from extractors.text import ExtractionError

    if args.url and len(args.paths) != 1:
        print("claimwatch analyze: --url applies to a single path", file=sys.stderr)
        return 2
    status = 0
    for raw in args.paths:
        path = Path(raw)
        url = args.url or path.resolve().as_uri()
        try:
            html = decode_body(path.read_bytes())
            record = analyze_html(html, url).to_json()
        except (OSError, ExtractionError) as exc:
            print(f"claimwatch analyze: {path}: {exc}", file=sys.stderr)
            status = 1
            continue
        print(json.dumps(record, ensure_ascii=False))
    return status


def cmd_sql(args) -> int:
    """Run read-only SQL against the warehouse and print a table."""
    import duckdb

    from claimwatch import settings

    # The snapshot, not the warehouse: a load may be writing the warehouse right now.
    path = Path(args.database) if args.database else settings.load().snapshot_path
    if not path.exists():
        print(f"claimwatch sql: no warehouse snapshot at {path}; run `make demo` first "
              "(each checked load publishes one)", file=sys.stderr)
        return 1
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            relation = con.sql(args.query)
            if relation is None:
                return 0
            if args.format == "csv":
                import csv
                writer = csv.writer(sys.stdout)
                writer.writerow(relation.columns)
                writer.writerows(relation.fetchall())
            else:
                relation.show(max_width=args.width, max_rows=args.max_rows)
    except duckdb.Error as exc:
        print(f"claimwatch sql: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_crawl(args) -> int:
    """One crawl outside Airflow, for debugging a sources file: fetch, archive, log; with
    --db, also extract and load the batch so v_fetch_log can be queried."""
    import dataclasses
    from datetime import datetime, time, timedelta, timezone

    from claimwatch import pipeline, settings
    from crawler.models import Window
    from crawler.sources import SourcesError

    conf = settings.load()
    conf = dataclasses.replace(conf, sources_path=Path(args.sources).resolve())
    if args.db:
        conf = dataclasses.replace(conf, warehouse_override=Path(args.db).resolve())
    end = datetime.combine(args.until, time(), timezone.utc)
    window = Window(end - timedelta(days=args.days), end)
    try:
        result = {"window": window.key,
                  "crawl": pipeline.crawl_window(conf, window, run_id=args.run_id, fresh=args.fresh)}
    except SourcesError as exc:
        print(f"claimwatch crawl: {exc}", file=sys.stderr)
        return 2
    if args.db:
        result["extract"] = pipeline.extract_window(conf, result["crawl"]["path"])
        result["load"] = pipeline.load_window(conf, result["crawl"]["path"], result["extract"]["path"])
    print(json.dumps(result, indent=2, default=str))
    return 0


def cmd_reprocess(args) -> int:
    """Re-analyse the archive with the current extractors; then republish the snapshot."""
    from datetime import datetime, time, timezone

    from claimwatch import pipeline, settings

    conf = settings.load()
    if not conf.warehouse_path.exists():
        print(f"claimwatch reprocess: no warehouse at {conf.warehouse_path}", file=sys.stderr)
        return 1
    since = datetime.combine(args.since, time(), timezone.utc) if args.since else None
    result = pipeline.reprocess(conf, since, force=args.all)
    result["snapshot"] = pipeline.publish_snapshot(conf)["snapshot"]
    print(json.dumps(result, indent=2))
    return 0


def cmd_rules(args) -> int:
    """Re-run the claim rules over past weeks (after editing config/rules.yaml)."""
    from datetime import datetime, time, timezone

    from checks.rules import RulesError
    from claimwatch import pipeline, settings

    conf = settings.load()
    if not conf.warehouse_path.exists():
        print(f"claimwatch rules: no warehouse at {conf.warehouse_path}", file=sys.stderr)
        return 1
    since = datetime.combine(args.since, time(), timezone.utc) if args.since else None
    try:
        print(json.dumps(pipeline.run_rules(conf, since), indent=2, default=str))
    except RulesError as exc:
        print(f"claimwatch rules: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_export(args) -> int:
    """Hive-partitioned Parquet by week, from the analysts' snapshot."""
    import duckdb

    from claimwatch import settings
    from warehouse.export import export_parquet

    path = Path(args.database) if args.database else settings.load().snapshot_path
    if not path.exists():
        print(f"claimwatch export: no warehouse snapshot at {path}; run `make demo` first",
              file=sys.stderr)
        return 1
    with duckdb.connect(str(path), read_only=True) as con:
        counts = export_parquet(con, Path(args.to))
    for view, rows in counts.items():
        print(f"{view}: {rows} rows")
    print(f"written to {Path(args.to).resolve()} (partitioned by week=YYYY-MM-DD)")
    return 0


def cmd_report(args) -> int:
    """Rebuild one week's report (data/reports/<YYYY>-W<ww>.html); --send delivers it to the
    recipients that have not had it (--force: to all of them again)."""
    from claimwatch import pipeline, settings
    from reports.config import ReportConfigError
    from reports.mail import DeliveryError

    if args.force and not args.send:
        print("claimwatch report: --force only applies with --send", file=sys.stderr)
        return 2
    conf = settings.load()
    if not conf.warehouse_path.exists():
        print(f"claimwatch report: no warehouse at {conf.warehouse_path}; run `make demo` first",
              file=sys.stderr)
        return 1
    smtp = None
    if args.send:  # the Airflow connection smtp_default (AIRFLOW_CONN_SMTP_DEFAULT works too)
        from claimwatch.airflow_support import smtp_from_connection
        smtp = smtp_from_connection("smtp_default")
    try:
        result = pipeline.build_week(conf, args.week, send=args.send, smtp=smtp, force=args.force)
    except (pipeline.ReportNotReady, ReportConfigError) as exc:
        print(f"claimwatch report: {exc}", file=sys.stderr)
        return 1
    except DeliveryError as exc:
        print(f"claimwatch report: {exc}", file=sys.stderr)
        return 3
    print(json.dumps(result, indent=2))
    return 0


def cmd_docs(args) -> int:
    from warehouse import docs

    if args.check:
        current = docs.DOC_PATH.exists() and docs.DOC_PATH.read_text(encoding="utf-8") == docs.generate()
        print(f"{docs.DOC_PATH}: {'up to date' if current else 'STALE: run claimwatch docs'}")
        return 0 if current else 1
    changed = docs.write()
    print(f"{docs.DOC_PATH}: {'written' if changed else 'unchanged'}")
    return 0


def cmd_migrate(args) -> int:
    from claimwatch import pipeline, settings

    applied = pipeline.migrate_warehouse(settings.load())
    print("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))
    return 0


def cmd_airflow_init(args) -> int:
    """Ready Airflow's metadata DB for the DAGs: migrate it, create the pool that serialises
    warehouse writers, and each connection whose JSON the environment holds. Safe to re-run
    (an existing connection is replaced, so a rotated secret lands). docker-compose.yml's
    airflow-init service runs this too."""
    import os
    import tempfile

    from claimwatch import settings
    from claimwatch.demo import _airflow, airflow_env, airflow_init

    airflow_init()  # `airflow db migrate`, then the pool claimwatch_warehouse (1 slot)
    # Connection id → the variable holding it as Airflow's JSON form (conn_type, host, port,
    # login, password, extra). Values come from .env or a secrets manager, never from code.
    # Unset: no connection, and reports go to data/outbox/ (the demo).
    wanted = {"smtp_default": "CLAIMWATCH_SMTP_CONN"}
    connections = {}
    for conn_id, var in wanted.items():
        if os.environ.get(var):
            conn = json.loads(os.environ[var])
            if isinstance(conn.get("extra"), dict):
                conn["extra"] = json.dumps(conn["extra"])
            connections[conn_id] = conn
    if connections:
        with tempfile.NamedTemporaryFile("w", suffix=".json") as file:  # mode 0600
            json.dump(connections, file)
            file.flush()
            _airflow(airflow_env(settings.load().home), "connections", "import", "--overwrite",
                     file.name)
    print("Connections from the environment: " + (", ".join(connections) or "none"))
    return 0


def cmd_demo(args) -> int:
    from claimwatch.demo import run_demo

    return run_demo()


def cmd_serve_demo(args) -> int:
    import time

    from claimwatch.demo_site import DemoWeb

    with DemoWeb(host=args.host) as web:
        for site, origin in web.origins.items():
            print(f"{site}: {origin}/")
        print("Serving the demo web; Ctrl-C stops.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


def _date(text: str):
    from datetime import date
    return date.fromisoformat(text)


def _iso_week(text: str):
    """"2026-W47" → the Monday starting that ISO week."""
    import re
    from datetime import date

    match = re.fullmatch(r"(\d{4})-W(\d{2})", text.strip())
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"not an ISO week like 2026-W47: {text!r}") from None


def _today():
    # A debugging command may start from the calendar; the scheduled DAGs never do.
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).date()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="claimwatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("analyze", help="analyse saved HTML pages, print JSON Lines")
    p.add_argument("paths", nargs="+")
    p.add_argument("--url", help="the page's URL (only with a single path)")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("sql", help="run read-only SQL on the warehouse")
    p.add_argument("query")
    p.add_argument("--database", help="DuckDB file (default: data/warehouse.duckdb)")
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.add_argument("--width", type=int, default=160)
    p.add_argument("--max-rows", type=int, default=100)
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser("crawl", help="crawl a sources file once, outside Airflow (debugging)")
    p.add_argument("--sources", required=True, help="a sources YAML file")
    p.add_argument("--db", help="also extract and load the batch into this DuckDB file")
    p.add_argument("--until", type=_date, default=_today(),
                   help="window end, a date (UTC midnight; default: today)")
    p.add_argument("--days", type=int, default=7, help="window length in days (default 7)")
    p.add_argument("--run-id", default="cli", help="recorded with every fetch")
    p.add_argument("--fresh", action="store_true",
                   help="crawl again even if this window was crawled to the end before")
    p.set_defaults(func=cmd_crawl)

    sub.add_parser("migrate", help="apply warehouse migrations").set_defaults(func=cmd_migrate)
    p = sub.add_parser("reprocess", help="re-analyse archived pages with the current extractors")
    p.add_argument("--since", type=_date, help="only documents first seen on or after this date")
    p.add_argument("--all", action="store_true",
                   help="also documents already analysed by the current extractor version")
    p.set_defaults(func=cmd_reprocess)

    p = sub.add_parser("rules", help="re-run the claim rules of config/rules.yaml over past weeks")
    p.add_argument("--since", type=_date, help="only documents first seen on or after this date")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("export", help="write the analyst views as Parquet, partitioned by week")
    p.add_argument("--format", choices=["parquet"], default="parquet")
    p.add_argument("--to", required=True, help="target folder (each view's folder is replaced)")
    p.add_argument("--database", help="DuckDB file (default: the analysts' snapshot)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("report", help="rebuild (and with --send, deliver) one week's report")
    p.add_argument("--week", type=_iso_week, required=True, help="an ISO week, e.g. 2026-W47")
    p.add_argument("--send", action="store_true",
                   help="deliver it: SMTP (smtp_default) or data/outbox/, once per recipient")
    p.add_argument("--force", action="store_true",
                   help="with --send: send again to recipients who already had this week")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("docs", help="write docs/warehouse.md from the live schema")
    p.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    p.set_defaults(func=cmd_docs)
    sub.add_parser("airflow-init", help="migrate the metadata DB; create the pool, and "
                   "connections from CLAIMWATCH_SMTP_CONN").set_defaults(func=cmd_airflow_init)
    sub.add_parser("demo", help="run the pipeline over the demo web for four weeks") \
        .set_defaults(func=cmd_demo)
    p = sub.add_parser("serve-demo", help="serve the demo web on ports 8701-8704")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.set_defaults(func=cmd_serve_demo)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
