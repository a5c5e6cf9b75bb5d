import ast
from pathlib import Path

DAGS = Path(__file__).resolve().parents[2] / "dags"


def test_dags_import_without_errors():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    assert {"claimwatch_ingest", "claimwatch_report", "claimwatch_reprocess",
            "claimwatch_checks"} <= set(bag.dag_ids)
    checks = bag.dags["claimwatch_checks"]
    assert type(checks.timetable).__name__ == "AssetTriggeredTimetable"  # runs on each publish
    assert ingest_audit_alerts(bag)
    assert type(bag.dags["claimwatch_reprocess"].timetable).__name__ == "NullTimetable"  # manual only


def ingest_audit_alerts(bag) -> bool:
    return bag.dags["claimwatch_ingest"].get_task("audit").on_failure_callback is not None


def test_dags_are_weekly_with_real_data_intervals_and_a_writer_pool():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    ingest = bag.dags["claimwatch_ingest"]
    writers = {t.task_id: t.pool for t in ingest.tasks}
    assert writers["stage"] == writers["audit"] == writers["publish"] == "claimwatch_warehouse"
    order = [t.task_id for t in ingest.topological_sort()]
    assert order.index("extract") < order.index("stage") < order.index("audit") < order.index("publish")
    assert {t.pool for t in bag.dags["claimwatch_reprocess"].tasks} == {"claimwatch_warehouse"}
    assert bag.dags["claimwatch_report"].get_task("report").pool == "claimwatch_warehouse"
    for dag in (ingest, bag.dags["claimwatch_report"]):
        assert dag.timetable.interval.days == 7  # not an empty CronTriggerTimetable interval


def test_dag_files_only_orchestrate():
    """No heavy or stage imports at module level: they belong inside tasks."""
    for path in DAGS.glob("*.py"):
        tree = ast.parse(path.read_text())
        top_imports = {alias.name.split(".")[0] for node in tree.body
                       if isinstance(node, (ast.Import, ast.ImportFrom))
                       for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])}
        assert not top_imports & {"great_expectations", "trafilatura", "duckdb", "crawler",
                                  "extractors", "warehouse", "checks", "reports", "claimwatch"}, path.name
        assert len(path.read_text().splitlines()) < 100
