from warehouse.db import MIGRATIONS, connect, migrate, view_names


def test_migrations_apply_once_in_order(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    applied = migrate(con)
    expected = sorted(p.stem for p in MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    assert applied == expected
    assert migrate(con) == []  # a second run applies nothing
    versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
    assert versions == [int(name[:4]) for name in expected]


def test_every_table_and_view_exists_and_tables_are_documented(warehouse):
    tables = {r[0]: r[1] for r in warehouse.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE table_name <> 'schema_migrations'").fetchall()}
    for name in ["fetches", "pages", "documents", "document_sightings", "term_groups",
                 "term_variants", "term_mentions", "dosing_mentions", "claims", "document_flags",
                 "check_runs", "check_results", "report_runs", "loads"]:
        assert name in tables
        assert tables[name], f"table {name} has no COMMENT"
    views = {r[0] for r in warehouse.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert set(view_names()) <= views
    assert {"weekly_unsupported_terms", "weekly_dosing_language", "v_documents", "v_claims",
            "v_terms", "v_dosing", "v_fetch_log", "term_first_seen"} <= views


def test_views_declare_their_grain():
    from warehouse.db import VIEWS
    for path in VIEWS.glob("*.sql"):
        first = path.read_text().splitlines()[0]
        assert first.startswith(f"-- {path.stem}: one row per"), path.name
