"""docs/queries.md: every query in the cookbook runs against the demo warehouse, returns the
columns its section promises, and, where the demo data guarantees it, the rows it should."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

COOKBOOK = Path(__file__).resolve().parents[2] / "docs" / "queries.md"
_SECTION = re.compile(r"^## (\d+)\. (.+?)\s*$", re.M)
_SQL = re.compile(r"^```sql\n(.*?)^```", re.M | re.S)


def sections() -> list[dict]:
    """One dict per `## N. Question` section: number, title, prose, columns, sql blocks."""
    text = COOKBOOK.read_text(encoding="utf-8")
    heads = list(_SECTION.finditer(text))
    found = []
    for head, nxt in zip(heads, heads[1:] + [None]):
        body = text[head.end(): nxt.start() if nxt else len(text)]
        first_sql = body.find("```sql")
        prose = body[: first_sql if first_sql >= 0 else len(body)]
        columns = re.search(r"^Columns: (.+?)\.?\s*$", prose, re.M)
        found.append({
            "number": int(head.group(1)), "title": head.group(2),
            "description": [p.strip() for p in prose.split("\n\n")
                            if p.strip() and not p.strip().startswith("Columns:")],
            "columns": [c.strip() for c in columns.group(1).split(",")] if columns else None,
            "sql": _SQL.findall(body),
        })
    return found


SECTIONS = sections()


def _rows(con, sql) -> tuple[list[str], list[dict]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return names, [dict(zip(names, r)) for r in cur.fetchall()]


def _terms(rows) -> set[str]:
    return {r["term"] for r in rows}


# What the demo web guarantees, checked for the section whose heading holds the phrase. The
# other sections must run and return their columns; the demo has no rows for them (no pages that
# failed extraction) or nothing worth pinning.
def new_terms(rows):
    # Week one: the leafwise withdrawal guide coins both; leaf fog first appears in week two.
    return ({"O.P.M.S.", "black recall"} <= _terms(rows) and "leaf fog" not in _terms(rows)
            and all(r["pages"] for r in rows))


def spread_in_a_month(rows):
    # These three reach all four demo sites within the four weeks.
    return ({"O.P.M.S.", "black recall", "leaf fog"} <= _terms(rows)
            and all(r["domains"] > 3 for r in rows))


def kratom_over_10_g(rows):
    # The steadyroots thread: "4 g every 6 hours", 16 g a day.
    return (any(r["url"].endswith("/threads/how-much-are-people-actually-taking.html")
                and r["grams_per_day"] == pytest.approx(16.0) for r in rows)
            and all(r["grams_per_day"] > 10 for r in rows))


def uncited_withdrawal(rows):
    # A steadyroots thread ("takes the edge off withdrawal") and a northbridge page.
    return len(rows) >= 2 and all(r["claims"] >= 1 and r["urls"] for r in rows)


def conflicting_definitions(rows):
    # O.P.M.S. is two different things; CBT-I's "behavioural"/"behavioral" is no conflict.
    opms = {r["definition"].lower() for r in rows if r["term"] == "O.P.M.S."}
    return ({"opioid withdrawal management", "opioid-induced mood changes and sleep disturbances"}
            <= opms and "CBT-I" not in _terms(rows))


def one_term_trend(rows):
    return ([str(r["week_start"]) for r in rows] == ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"]
            and rows[0]["is_new"] and rows[0]["documents"] >= 1)


def rising_phrases(rows):
    return rows and all(r["documents"] > r["documents_week_before"] for r in rows)


def above_a_maximum(rows):
    return any(r["substance"] == "kratom" and r["text"] == "4 g every 6 hours"
               and r["daily_total"] == pytest.approx(16.0) for r in rows)


def domains_by_terms(rows):
    # terms: the first 20 names in order, so as many as unsupported_terms on the demo's sites.
    return (len(rows) == 4 and [r["unsupported_terms"] for r in rows] == sorted(
        (r["unsupported_terms"] for r in rows), reverse=True)
        and all(r["terms"] == sorted(r["terms"]) and len(r["terms"]) == min(r["unsupported_terms"], 20)
                for r in rows))


def disease_claims(rows):
    return (any(r["substance"] == "kratom" and r["condition"] == "withdrawal"
                and "FDA" in r["regulatory_status"] for r in rows)
            and all(r["regulatory_status"] and r["effect"] != "cause" for r in rows))


def crawl_health(rows):
    return len(rows) == 4 and all(r["fetched"] > 0 and r["robots_disallowed"] > 0 for r in rows)


def quality_checks(rows):
    return ({str(r["week_start"]) for r in rows} == {"2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"}
            and all(r["failed_critical"] == 0 for r in rows))


def first_seen_and_spread(rows):
    keys = {r["term"].lower().replace(".", "") for r in rows}
    # spread: "host (week)" steps in order of first week, the first 20 of `domains`.
    return ({"opms", "black recall", "leaf fog"} <= keys
            and all(r["next_host"] for r in rows if r["domains"] > 1)
            and all(len(r["spread"]) == min(r["domains"], 20)
                    and [x.rsplit("(", 1)[1] for x in r["spread"]] == sorted(x.rsplit("(", 1)[1] for x in r["spread"])
                    for r in rows))


EXPECT = {
    "new unsupported terms": new_terms,
    "more than 3 domains": spread_in_a_month,
    "10 g of kratom": kratom_over_10_g,
    "uncited claims about withdrawal": uncited_withdrawal,
    "defined differently": conflicting_definitions,
    "one term": one_term_trend,
    "dosing phrases": rising_phrases,
    "above a maximum": above_a_maximum,
    "most unsupported terms": domains_by_terms,
    "regulatory status": disease_claims,
    "crawl": crawl_health,
    "data-quality checks": quality_checks,
    "spread next": first_seen_and_spread,
}


def test_the_cookbook_has_ten_or_more_described_queries():
    assert len(SECTIONS) >= 12
    assert [s["number"] for s in SECTIONS] == list(range(1, len(SECTIONS) + 1))
    for s in SECTIONS:
        assert s["title"].endswith("?"), f"section {s['number']}: the heading asks a question"
        assert s["description"], f"section {s['number']}: no description paragraph"
        assert s["columns"], f"section {s['number']}: no 'Columns:' line"
        assert len(s["sql"]) == 1, f"section {s['number']}: expected one sql block"
        # Pasteable as `claimwatch sql "..."` in a shell.
        assert not set(s["sql"][0]) & set('"$`!'), f"section {s['number']}: shell-unsafe character"


@pytest.mark.integration  # builds the demo warehouse: starts the demo web on 127.0.0.1
@pytest.mark.parametrize("section", SECTIONS,
                         ids=[f"{s['number']:02d}-{s['title']}" for s in SECTIONS])
def test_query_runs_on_the_demo_warehouse(section, demo_warehouse):
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        names, rows = _rows(con, section["sql"][0])
    assert names == section["columns"]
    checks = [check for phrase, check in EXPECT.items() if phrase in section["title"]]
    for check in checks:
        assert check(rows), rows


def test_every_expectation_names_one_section():
    for phrase in EXPECT:
        assert sum(phrase in s["title"] for s in SECTIONS) == 1, phrase
