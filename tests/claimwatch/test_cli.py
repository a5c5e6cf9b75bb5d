import json

import duckdb

from claimwatch.cli import main
from claimwatch.demo_site import SITE_ROOT

GUIDE = SITE_ROOT / "leafwise" / "posts" / "kratom-opioid-withdrawal-guide.html"
CONTRACT = {"url", "title", "published", "language", "text", "terms", "dosing", "claims", "flags"}


def test_analyze_shows_both_conflicting_expansions_of_opms(capsys):
    assert main(["analyze", str(GUIDE), "--url", "https://leafwise.example/guide.html"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert CONTRACT <= set(record)  # later versions may add fields
    assert record["url"] == "https://leafwise.example/guide.html"
    opms = next(t for t in record["terms"] if t["normalized"] == "opms")
    assert opms["supported"] is False
    assert {e.lower() for e in opms["expansions"]} >= {
        "opioid withdrawal management", "opioid-induced mood changes and sleep disturbances"}
    recall = next(t for t in record["terms"] if t["normalized"] == "black recall")
    assert "Black Recoil" in recall["variants"]
    kinds = {f["kind"] for f in record["flags"]}
    assert {"inconsistent_definition", "unsupported_term", "uncited_claim"} <= kinds
    assert any(d["kind"] == "titration" for d in record["dosing"])


def test_analyze_several_paths_uses_file_uris_and_reports_bad_files(tmp_path, capsys):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>")
    status = main(["analyze", str(GUIDE), str(empty), str(tmp_path / "missing.html")])
    out, err = capsys.readouterr()
    assert status == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["url"] for r in records] == [GUIDE.resolve().as_uri()]
    assert "empty.html" in err and "missing.html" in err


def test_analyze_rejects_url_with_several_paths(capsys):
    assert main(["analyze", str(GUIDE), str(GUIDE), "--url", "https://x.example/"]) == 2


def test_sql_is_read_only_and_prints_a_table(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE t AS SELECT 42 AS answer")
    assert main(["sql", "SELECT answer FROM t", "--database", str(db)]) == 0
    assert "42" in capsys.readouterr().out
    assert main(["sql", "DROP TABLE t", "--database", str(db)]) == 1
    assert "read-only" in capsys.readouterr().err.lower()
    assert main(["sql", "SELECT * FROM t", "--database", str(db), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["answer", "42"]


def test_sql_without_a_warehouse_says_what_to_do(tmp_path, capsys):
    assert main(["sql", "SELECT 1", "--database", str(tmp_path / "none.duckdb")]) == 1
    assert "make demo" in capsys.readouterr().err


def test_crawl_runs_one_crawl_and_loads_it_with_db(tmp_path, capsys, monkeypatch):
    from claimwatch.demo_site import DemoWeb, sources_yaml

    monkeypatch.setenv("CLAIMWATCH_HOME", str(tmp_path))
    with DemoWeb(ports={"leafwise": 0}) as web:
        sources = tmp_path / "sources.yaml"
        sources.write_text(sources_yaml(web.origins, delay_seconds=0))
        db = tmp_path / "debug.duckdb"
        status = main(["crawl", "--sources", str(sources), "--db", str(db),
                       "--until", "2026-11-23", "--days", "28"])
    out = json.loads(capsys.readouterr().out)
    assert status == 0
    assert out["window"] == "2026-10-26_2026-11-23"
    assert out["crawl"]["pages_fetched"] > 3 and out["extract"]["documents"] > 3
    with duckdb.connect(str(db), read_only=True) as con:
        outcomes = dict(con.execute("SELECT outcome, count(*) FROM v_fetch_log GROUP BY 1").fetchall())
        columns = [c[0] for c in con.execute("SELECT * FROM v_fetch_log LIMIT 0").description]
    assert outcomes["fetched"] == out["crawl"]["fetches"] - sum(
        n for k, n in outcomes.items() if k != "fetched")
    assert columns[:10] == ["url", "final_url", "host", "status", "outcome", "reason", "bytes",
                            "elapsed_ms", "fetched_at", "run_id"]
    assert (tmp_path / "data" / "archive" / out["window"]).is_dir()  # WARC files


def test_crawl_reports_a_bad_sources_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CLAIMWATCH_HOME", str(tmp_path))
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources:\n  - name: x\n    seeds: [ftp://x.example/]\n")
    assert main(["crawl", "--sources", str(bad)]) == 2
    assert "sources.yaml:2" in capsys.readouterr().err
