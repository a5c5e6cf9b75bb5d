"""The weekly report reads only the analyst views, never the tables the loads write."""
import re

from warehouse.db import QUERIES, connect, migrate


def test_report_queries_name_no_table():
    with connect(":memory:") as con:
        migrate(con)
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    for path in sorted(QUERIES.glob("report_*.sql")):
        sql = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
        named = set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_]+)", sql, re.IGNORECASE))
        assert not named & tables, f"{path.name} reads tables {sorted(named & tables)}"
