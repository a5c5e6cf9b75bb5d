"""docs/warehouse.md is generated from the live schema, and the schema documents itself."""
from claimwatch.cli import main
from warehouse import docs
from warehouse.db import connect, migrate


def test_committed_schema_doc_is_current():
    assert docs.DOC_PATH.read_text(encoding="utf-8") == docs.generate(), \
        "docs/warehouse.md is stale: run `claimwatch docs` and commit it"


def test_every_table_and_column_has_a_comment():
    with connect(":memory:") as con:
        migrate(con)
        tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE coalesce(comment, '') = ''").fetchall()
        columns = con.execute("""SELECT table_name || '.' || column_name FROM duckdb_columns()
                                 WHERE coalesce(comment, '') = ''
                                   AND table_name IN (SELECT table_name FROM duckdb_tables())""").fetchall()
    assert tables == [] and columns == []


def test_required_tables_exist():
    with connect(":memory:") as con:
        migrate(con)
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {"sources", "fetches", "pages", "documents", "term_groups", "term_mentions",
            "dosing_mentions", "claims", "document_flags", "check_results", "report_runs"} <= names


def test_docs_check_command(capsys):
    assert main(["docs", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_the_doc_states_every_views_grain():
    text = docs.generate()
    for view in ("v_documents", "v_fetch_log", "weekly_unsupported_terms", "term_first_seen"):
        section = text.split(f"### `{view}`\n\n", 1)[1]
        assert section.lower().startswith("one row per"), view
