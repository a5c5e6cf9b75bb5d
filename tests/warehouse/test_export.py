"""claimwatch export: Hive-partitioned Parquet by week that other engines read back whole."""
import duckdb

from claimwatch.cli import main
from warehouse.export import EXPORTS, export_parquet


def test_export_round_trips_every_view_by_week(two_week_warehouse, tmp_path):
    con = two_week_warehouse
    counts = export_parquet(con, tmp_path / "out")
    assert set(counts) == set(EXPORTS)
    for view, week in EXPORTS.items():
        pattern = str(tmp_path / "out" / view / ("*/*.parquet" if week else "*.parquet"))
        if counts[view] == 0:
            continue
        back = duckdb.sql(f"SELECT count(*) FROM read_parquet('{pattern}', hive_partitioning = true)").fetchall()[0][0]
        assert back == counts[view], view
    weeks = duckdb.sql(f"""SELECT DISTINCT week FROM read_parquet('{tmp_path}/out/v_fetch_log/*/*.parquet',
                           hive_partitioning = true) ORDER BY 1""").fetchall()
    assert [str(w[0]) for w in weeks] == [str(r[0]) for r in con.execute(
        "SELECT DISTINCT week_start FROM v_fetch_log ORDER BY 1").fetchall()]
    assert sorted(p.name for p in (tmp_path / "out" / "v_fetch_log").iterdir())[0].startswith("week=")


def test_export_replaces_an_earlier_export(two_week_warehouse, tmp_path):
    out = tmp_path / "out"
    (out / "v_claims" / "week=1999-01-04").mkdir(parents=True)
    export_parquet(two_week_warehouse, out)
    assert not (out / "v_claims" / "week=1999-01-04").exists()
    assert not list(out.glob(".*.tmp"))


def test_export_command_reads_the_snapshot(two_week_warehouse, tmp_path, capsys):
    from warehouse.snapshot import publish
    snapshot = tmp_path / "snap.duckdb"
    publish(two_week_warehouse, snapshot)
    assert main(["export", "--format", "parquet", "--to", str(tmp_path / "x"),
                 "--database", str(snapshot)]) == 0
    assert "v_fetch_log:" in capsys.readouterr().out
    assert main(["export", "--to", str(tmp_path / "y"), "--database", str(tmp_path / "none")]) == 1
