import pandas as pd
import pytest

from checks.suites import SUITES, expectations
from checks.validate import CriticalCheckFailed, check_load, severity_of, validate_frame


def latest_load(con) -> str:
    return con.execute("SELECT load_id FROM loads ORDER BY window_start DESC LIMIT 1").fetchone()[0]


def test_a_clean_batch_passes_and_results_are_stored(two_week_warehouse):
    con = two_week_warehouse
    load_id = latest_load(con)
    result = check_load(con, load_id)
    assert result["evaluated"] == sum(len(expectations(s)) for s in SUITES)
    assert result["failed"] == 0
    runs = con.execute("SELECT suite, success FROM check_runs WHERE load_id = ?", [load_id]).fetchall()
    assert sorted(runs) == sorted((s, True) for s in SUITES)
    # Re-running the check replaces its results rather than duplicating them.
    check_load(con, load_id)
    assert con.execute("SELECT count(*) FROM check_runs").fetchone()[0] == len(SUITES)


def test_a_thousandfold_dose_bug_fails_critically(two_week_warehouse):
    con = two_week_warehouse
    # A parser bug that swaps bounds or invents units must stop the batch.
    con.execute("UPDATE dosing_mentions SET amount_low = amount_high * 1000 WHERE amount_high IS NOT NULL")
    con.execute("UPDATE dosing_mentions SET unit = 'kg' WHERE unit IS NOT NULL")
    with pytest.raises(CriticalCheckFailed, match="dosing"):
        check_load(con, latest_load(con))
    failed = con.execute("""SELECT expectation FROM check_results r JOIN check_runs c USING (check_run_id)
                            WHERE c.suite = 'dosing' AND NOT r.success""").fetchall()
    assert {"expect_column_pair_values_a_to_be_greater_than_b", "expect_column_values_to_be_in_set"} <= {f[0] for f in failed}


def test_warning_severity_is_reported_but_does_not_fail(two_week_warehouse):
    con = two_week_warehouse
    con.execute("UPDATE documents SET language = 'xx'")
    assert severity_of("documents", "expect_column_values_to_be_in_set", "language") == "warning"
    result = check_load(con, latest_load(con))
    assert result["warnings"] >= 1


def test_empty_frames_pass_vacuously():
    frame = pd.DataFrame({"sentence": [], "substance": [], "effect": [], "condition": []})
    assert all(r.success for r in validate_frame("claims", frame))
