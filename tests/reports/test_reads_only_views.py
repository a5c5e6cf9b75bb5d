"""The weekly report reads only the analyst views, never the tables the loads write, and every
report query is windowed on the week it reports ($1)."""
import re

from warehouse.db import QUERIES, connect, migrate


def _report_queries():
    for path in sorted(QUERIES.glob("report_*.sql")):
        yield path, re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))


def test_report_queries_name_no_table():
    with connect(":memory:") as con:
        migrate(con)
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    for path, sql in _report_queries():
        named = set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_]+)", sql, re.IGNORECASE))
        assert not named & tables, f"{path.name} reads tables {sorted(named & tables)}"


def test_report_queries_are_windowed_and_state_their_grain():
    for path, sql in _report_queries():
        assert "$1" in sql, f"{path.name} does not filter on the report's week"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(f"-- {path.stem}: one row"), path.name
