"""Claim rules (config/rules.yaml) on fixture pages: each rule fires where it should and stays
quiet where it should not; evidence points into the text; rules are data."""
import textwrap

import pytest

from checks import rules as rules_module
from checks.rules import RulesError, evaluate, times_a_day
from tests.conftest import page_html, write_batch
from warehouse.load import load_batch

FILLER = "Readers ask us every week about their evening routines and what helps them wind down. "


def page(*paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in (FILLER * 3, *paragraphs))
    return f"<html><head><title>Notes</title></head><body><article><h1>Notes</h1>{body}</article></body></html>"


PAGES = {
    "https://fernleaf.example/blog/quiet-evenings.html": page_html("vendor_blog.html"),
    "https://eastbrook.example/sleep.html": page_html("clinic_page.html"),
    "https://dosehub.example/high.html": page(
        "Kratom powder works best at 4 grams every 6 hours for most readers.",
        "Our kratom is completely safe and has no side effects."),
    "https://dosehub.example/low.html": page(
        "A typical amount is 1 gram of kratom, taken once. Consult your doctor before trying it."),
    "https://dosehub.example/claims.html": page(
        "Kratom eases opioid withdrawal within days.",
        "Melatonin improves sleep quality (Okafor et al., 2021)."),
}


@pytest.fixture
def flagged(tmp_path, warehouse):
    load_batch(warehouse, *write_batch(tmp_path / "w", list(PAGES.items()), "2026-11-16T00:00:00+00:00",
                                       "2026-11-22T09:00:00+00:00"))
    result = evaluate(warehouse)
    rows = warehouse.execute("""
        SELECT d.url, f.kind, f.severity, f.evidence, f.start_offset, f.end_offset, d.text
        FROM document_flags f JOIN documents d USING (doc_id) WHERE f.origin = 'rules'""").fetchall()
    by_url = {}
    for url, kind, severity, evidence, start, end, text in rows:
        by_url.setdefault(url, {}).setdefault(kind, []).append((severity, evidence, start, end, text))
    return warehouse, result, by_url


def kinds(by_url, url) -> set[str]:
    return set(by_url.get(url, {}))


def test_the_seed_style_page_trips_the_core_rules(flagged):
    _, result, by_url = flagged
    assert result["documents"] == len(PAGES)
    blog = kinds(by_url, "https://fernleaf.example/blog/quiet-evenings.html")
    assert {"unsupported_term", "vague_attribution", "uncited_claim"} <= blog


def test_the_clinic_page_trips_no_jargon_or_safety_rule(flagged):
    _, _, by_url = flagged
    clinic = kinds(by_url, "https://eastbrook.example/sleep.html")
    assert not clinic & {"unsupported_term", "absolute_safety_claim", "high_dose", "unapproved_use"}


def test_high_dose_uses_the_daily_total_and_the_threshold(flagged):
    _, _, by_url = flagged
    high = by_url["https://dosehub.example/high.html"]
    assert "high_dose" in high and high["high_dose"][0][0] == "high"
    assert "high_dose" not in kinds(by_url, "https://dosehub.example/low.html")


def test_dosing_without_guidance_and_absolute_safety(flagged):
    _, _, by_url = flagged
    assert {"dosing_without_guidance", "absolute_safety_claim"} <= kinds(by_url, "https://dosehub.example/high.html")
    assert "dosing_without_guidance" not in kinds(by_url, "https://dosehub.example/low.html")  # "Consult"


def test_unapproved_use_and_citations(flagged):
    _, _, by_url = flagged
    claims = by_url["https://dosehub.example/claims.html"]
    assert "unapproved_use" in claims and claims["unapproved_use"][0][1].startswith("Kratom eases")
    uncited = [e for _, e, *_ in claims.get("uncited_claim", [])]
    assert any("Kratom" in e for e in uncited) and not any("Melatonin" in e for e in uncited)


def test_evidence_offsets_point_into_the_text(flagged):
    _, _, by_url = flagged
    checked = 0
    for flags in by_url.values():
        for hits in flags.values():
            for _, evidence, start, end, text in hits:
                if start is not None:
                    assert text[start:end] == evidence
                    checked += 1
    assert checked > 10


def test_risk_score_orders_pages(flagged):
    con, _, _ = flagged
    scores = dict(con.execute("SELECT d.url, r.risk_score FROM document_risk r JOIN documents d USING (doc_id)").fetchall())
    assert scores["https://dosehub.example/high.html"] > scores["https://dosehub.example/low.html"]
    assert all(0 <= s <= 100 for s in scores.values())


def test_a_rule_can_be_disabled_or_retuned_and_rerun(flagged, tmp_path):
    con, _, _ = flagged
    config = tmp_path / "rules.yaml"
    text = rules_module.CONFIG.read_text().replace(
        "  - id: uncited_claim\n    description: A claim that a substance acts on a condition, with no citation in its sentence or paragraph.\n    severity: low\n    enabled: true",
        "  - id: uncited_claim\n    description: off\n    severity: low\n    enabled: false").replace(
        "kratom: {g: 10, capsule: 20}", "kratom: {g: 100, capsule: 20}")
    assert "enabled: false" in text and "g: 100" in text
    config.write_text(text)
    rules_module.load_rules.cache_clear()
    try:
        result = evaluate(con, config=config)
    finally:
        rules_module.load_rules.cache_clear()
    assert "uncited_claim" not in result["rules"]
    remaining = {r[0] for r in con.execute("SELECT DISTINCT kind FROM document_flags WHERE origin = 'rules'").fetchall()}
    assert "uncited_claim" not in remaining and "high_dose" not in remaining


def test_a_bad_rules_file_names_the_rule(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text(textwrap.dedent("""
        rules:
          - {id: unsupported_term, severity: medium}
          - {id: made_up_rule, severity: high}
    """))
    with pytest.raises(RulesError, match=r"rules\[1\].*made_up_rule"):
        rules_module.load_rules.__wrapped__(bad)


@pytest.mark.parametrize("frequency, per_day", [
    ("every 6 hours", 4), ("every six hours", 4), ("twice daily", 2), ("three times a day", 3),
    ("at bedtime", None), (None, None)])
def test_times_a_day(frequency, per_day):
    assert times_a_day(frequency) == per_day


def test_a_blocked_batch_alerts_through_the_outbox_without_smtp(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from claimwatch import airflow_support

    monkeypatch.setenv("CLAIMWATCH_HOME", str(tmp_path))
    monkeypatch.setattr(airflow_support, "smtp_from_connection", lambda conn_id: None)
    context = {"dag_run": SimpleNamespace(run_id="scheduled__2026-11-30T00:00:00+00:00"),
               "task_instance": SimpleNamespace(task_id="audit"),
               "exception": RuntimeError("batch 1a2b blocked, nothing published: dosing.expect_…")}
    airflow_support.alert_on_failure(context)
    (eml,) = (tmp_path / "data" / "outbox" / "alerts").glob("*.eml")
    text = eml.read_text()
    assert "batch blocked" in text and "nothing published" in text and "v_quarantine" in text


def test_rules_command_reflags_past_weeks_and_republishes(tmp_path, monkeypatch, capsys):
    import json

    from claimwatch import settings
    from claimwatch.cli import main
    from warehouse.db import connect, migrate

    monkeypatch.setenv("CLAIMWATCH_HOME", str(tmp_path))
    conf = settings.load()
    with connect(conf.warehouse_path) as con:
        migrate(con)
        load_batch(con, *write_batch(tmp_path / "w", list(PAGES.items()), "2026-11-16T00:00:00+00:00",
                                     "2026-11-22T09:00:00+00:00"))
    assert main(["rules", "--since", "2026-11-01"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["documents"] == len(PAGES) and result["flags"] > 0
    with connect(conf.snapshot_path, read_only=True) as con:  # analysts see the new flags
        assert con.execute("SELECT count(*) FROM v_flags WHERE origin = 'rules'").fetchone()[0] == result["flags"]
    assert main(["rules", "--since", "2030-01-01"]) == 0  # nothing that recent: no flags, no error
