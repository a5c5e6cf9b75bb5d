"""Claim rules (config/rules.yaml) over the warehouse: each rule reads a document's analysis
(terms, claims, dosing, the extractor's flags and its text) and says where, in the text, the
document trips it. Results replace the document's `rules` flags and its risk score, so the
rules can be retuned and re-run over past weeks without crawling or re-extracting."""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from warehouse.db import query_text

CONFIG = Path(__file__).resolve().parents[1] / "config" / "rules.yaml"
SEVERITIES = ("high", "medium", "low")
# Frequencies as written → times a day, for daily totals ("every six hours" → 4).
_PER_DAY = [(r"every\s+(\d+|one|two|three|four|six|eight|twelve)\s+hours?", None),
            (r"\b(?:three|3)\s+times\s+(?:a|per|each)?\s*day|three times daily", 3),
            (r"\b(?:four|4)\s+times\s+(?:a|per|each)?\s*day|four times daily", 4),
            (r"\btwice\s+(?:a|per|each)?\s*day|twice daily|\b(?:two|2)\s+times\s+(?:a|per)\s+day", 2)]
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "eight": 8, "twelve": 12}


@dataclass(frozen=True)
class Hit:
    doc_id: str
    rule: str
    severity: str
    evidence: str
    detail: str


class RulesError(ValueError):
    """config/rules.yaml is invalid; the message says which rule and field."""


@lru_cache(maxsize=1)
def load_rules(path: Path = CONFIG) -> tuple[dict, list[dict], str]:
    """(weights, enabled rules, hash of the file)."""
    text = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    weights = data.get("weights") or {"high": 3, "medium": 2, "low": 1}
    rules = []
    for i, rule in enumerate(data.get("rules") or []):
        where = f"{path}: rules[{i}]"
        if not isinstance(rule, dict) or rule.get("id") not in RULES:
            raise RulesError(f"{where}: unknown rule id {rule.get('id') if isinstance(rule, dict) else rule!r} "
                             f"(known: {', '.join(RULES)})")
        if rule.get("severity") not in SEVERITIES:
            raise RulesError(f"{where} ({rule['id']}): severity must be one of {', '.join(SEVERITIES)}")
        if rule.get("enabled", True):
            rules.append({**rule, "params": rule.get("params") or {}})
    return weights, rules, hashlib.sha256(text.encode()).hexdigest()[:16]


def evaluate(con: duckdb.DuckDBPyConnection, since: datetime | None = None,
             doc_ids: list[str] | None = None, config: Path = CONFIG) -> dict:
    """Run the enabled rules over documents first seen on or after `since` (or the given
    ones), replacing their rule flags and risk scores in one transaction."""
    weights, rules, digest = load_rules(config)
    inputs = _inputs(con, since, doc_ids)
    hits: list[Hit] = []
    for rule in rules:
        hits += RULES[rule["id"]](inputs, rule)
    texts = dict(zip(inputs["documents"]["doc_id"], inputs["documents"]["text"]))
    total = sum(weights[r["severity"]] for r in rules) or 1
    fired: dict[str, dict[str, str]] = defaultdict(dict)
    for h in hits:
        fired[h.doc_id][h.rule] = h.severity
    flags, risks = [], []
    for h in dict.fromkeys(hits):  # a hit once, in rule order
        start = texts[h.doc_id].find(h.evidence) if h.evidence else -1
        flags.append({"doc_id": h.doc_id, "kind": h.rule, "detail": h.detail[:500], "origin": "rules",
                      "severity": h.severity, "evidence": h.evidence[:500],
                      "start_offset": start if start >= 0 else None,
                      "end_offset": start + len(h.evidence) if start >= 0 else None})
    for doc_id in texts:
        tripped = fired.get(doc_id, {})
        score = round(100 * sum(weights[s] for s in tripped.values()) / total)
        risks.append({"doc_id": doc_id, "risk_score": score, "rules": sorted(tripped),
                      "rules_hash": digest})
    _write(con, list(texts), flags, risks)
    return {"documents": len(texts), "flags": len(flags), "rules": [r["id"] for r in rules],
            "rules_hash": digest}


def _inputs(con, since, doc_ids) -> dict[str, pd.DataFrame]:
    params = [since, doc_ids]
    return {name: con.execute(query_text(f"select_rule_{name}"), params).df()
            for name in ("documents", "terms", "claims", "dosing", "flags")}


def _write(con, doc_ids: list[str], flags: list[dict], risks: list[dict]) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("rule_docs", pd.DataFrame({"doc_id": doc_ids}, dtype=object))
        con.execute("DELETE FROM document_flags WHERE origin = 'rules' AND doc_id IN (SELECT doc_id FROM rule_docs)")
        con.execute("DELETE FROM document_risk WHERE doc_id IN (SELECT doc_id FROM rule_docs)")
        if flags:
            con.register("rule_flags", pd.DataFrame(flags))
            con.execute("INSERT OR REPLACE INTO document_flags BY NAME SELECT * FROM rule_flags")
            con.unregister("rule_flags")
        if risks:
            con.register("rule_risks", pd.DataFrame(risks))
            con.execute("INSERT OR REPLACE INTO document_risk BY NAME SELECT * FROM rule_risks")
            con.unregister("rule_risks")
        con.unregister("rule_docs")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


# --- the rules ------------------------------------------------------------------------------

def unsupported_term(inp, rule) -> list[Hit]:
    t = inp["terms"]
    return [Hit(r.doc_id, rule["id"], rule["severity"], _first_spelling(r), f"{r.term} ({r.kind})")
            for r in t[~t["supported"]].itertuples()]


def inconsistent_definition(inp, rule) -> list[Hit]:
    t = inp["terms"]
    hits = []
    for r in t.itertuples():
        mine = list(r.expansions) if r.expansions is not None else []
        across = list(r.group_expansions) if rule["params"].get("across_sites", True) else mine
        if len({e.lower() for e in mine}) > 1 or len({e.lower() for e in across}) > 1 and mine:
            shown = mine if len(mine) > 1 else across
            hits.append(Hit(r.doc_id, rule["id"], rule["severity"], mine[0] if mine else r.term,
                            f"{r.term}: " + " | ".join(shown[:5])))
    return hits


def uncited_claim(inp, rule) -> list[Hit]:
    c = inp["claims"]
    c = c[~c["cited"]]
    if rule["params"].get("ignore_hedged"):
        c = c[~c["hedged"]]
    return [Hit(r.doc_id, rule["id"], rule["severity"], r.sentence,
                f"{r.substance} → {r.effect} → {r.condition}") for r in c.itertuples()]


def vague_attribution(inp, rule) -> list[Hit]:
    return _from_extractor_flag(inp, rule, "vague_attribution")


def absolute_safety_claim(inp, rule) -> list[Hit]:
    return _from_extractor_flag(inp, rule, "absolute_safety")


def unapproved_use(inp, rule) -> list[Hit]:
    from extractors.claims import _ADVERSE_EFFECTS
    from extractors.lexicons import regulatory_status

    statuses, diseases = regulatory_status()
    c = inp["claims"]
    return [Hit(r.doc_id, rule["id"], rule["severity"], r.sentence,
                f"{r.substance} → {r.effect} → {r.condition} ({statuses[r.substance]})")
            for r in c.itertuples()
            if r.substance in statuses and r.condition in diseases and r.effect not in _ADVERSE_EFFECTS]


def dosing_without_guidance(inp, rule) -> list[Hit]:
    d = inp["dosing"]
    explicit = d[d["amount_low"].notna()]
    cues = [c.lower() for c in rule["params"].get("guidance", [])]
    texts = dict(zip(inp["documents"]["doc_id"], inp["documents"]["text"]))
    hits = []
    for doc_id, rows in explicit.groupby("doc_id"):
        text = texts[doc_id].lower()
        if not any(cue in text for cue in cues):
            first = rows.iloc[0]
            hits.append(Hit(doc_id, rule["id"], rule["severity"], first["text"],
                            f"{len(rows)} explicit dose(s), no advice to consult a professional"))
    return hits


def high_dose(inp, rule) -> list[Hit]:
    limits = rule["params"].get("daily_max", {})
    hits = []
    for r in inp["dosing"][inp["dosing"]["amount_high"].notna()].itertuples():
        limit = (limits.get(r.substance) or {}).get(r.unit)
        if limit is None:
            continue
        per_day = times_a_day(r.frequency) or 1
        daily = r.amount_high * per_day
        if daily > limit:
            how = f" × {per_day}/day" if per_day > 1 else ""
            hits.append(Hit(r.doc_id, rule["id"], rule["severity"], r.text,
                            f"{r.substance}: {r.amount_high:g} {r.unit}{how} = {daily:g} {r.unit} "
                            f"a day, over {limit:g}"))
    return hits


RULES = {f.__name__: f for f in (unsupported_term, inconsistent_definition, uncited_claim,
                                 vague_attribution, unapproved_use, dosing_without_guidance,
                                 absolute_safety_claim, high_dose)}


def times_a_day(frequency: str | None) -> int | None:
    """"every six hours" → 4, "twice daily" → 2; None when the wording gives no count."""
    if not isinstance(frequency, str) or not frequency:  # NULL arrives from pandas as NaN
        return None
    text = frequency.lower()
    for pattern, count in _PER_DAY:
        m = re.search(pattern, text)
        if m and count is None:
            hours = _WORD_NUMBERS.get(m.group(1)) or int(m.group(1))
            return max(1, 24 // hours) if hours else None
        if m:
            return count
    return None


def _from_extractor_flag(inp, rule, kind: str) -> list[Hit]:
    f = inp["flags"]
    hits = []
    for r in f[f["kind"] == kind].itertuples():
        quoted = re.match(r"“(.+?)”", r.detail)  # the extractor writes “phrase”: sentence
        hits.append(Hit(r.doc_id, rule["id"], rule["severity"], quoted.group(1) if quoted else "",
                        r.detail))
    return hits


def _first_spelling(r) -> str:
    return r.spelling or r.term
