"""Score the extractors against the annotated set in tests/fixtures/eval/ (see its README).

    python -m tests.eval.score                 # print the table (`make eval`)
    python -m tests.eval.score --write-baseline  # pin floors just below today's numbers

Each category is scored as precision / recall / F1 over matched items; the rules are in the
functions below, one per category."""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

EVAL_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "eval"
BASELINE = Path(__file__).resolve().parent / "baseline.json"
CATEGORIES = ["unsupported_terms", "term_grouping", "inconsistent_definitions", "numeric_doses",
              "dosing_phrases", "claims", "citations", "boilerplate", "language"]
MARGIN = 0.02  # floors sit this far below the measured value, so noise-free code changes pass


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list = field(default_factory=list)  # (page, kind, what) for the report

    def add(self, other: "Tally") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        self.misses += other.misses

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def _key(variant: str) -> str:
    """The grouping key the extractors use: acronyms lose dots, phrases are normalised."""
    from extractors.terms import term_key
    bare = variant.replace(".", "")
    kind = "acronym" if bare.isupper() and len(bare) <= 10 and " " not in variant else "coinage"
    return term_key(variant, kind)


def score_terms(page: str, gold: dict, result) -> tuple[Tally, Tally, Tally]:
    """Unsupported term groups, pairwise grouping of spellings, inconsistent definitions."""
    terms, grouping, inconsistent = Tally(), Tally(), Tally()
    gold_groups = [{_key(v) for v in g["variants"]} for g in gold.get("unsupported_terms") or []]
    predicted = [t for t in result.terms if not t.supported]
    pred_groups = [{t.normalized} | {_key(v) for v in t.variants} for t in predicted]
    matched = set()
    for g in gold_groups:
        hit = next((i for i, p in enumerate(pred_groups) if p & g and i not in matched), None)
        if hit is None:
            terms.fn += 1
            terms.misses.append((page, "missed", sorted(g)))
        else:
            terms.tp += 1
            matched.add(hit)
    for i, p in enumerate(pred_groups):
        if i not in matched:
            terms.fp += 1
            terms.misses.append((page, "spurious", predicted[i].term))
    # Pairs of spellings: together in gold ⇔ together in a predicted group.
    gold_pairs = {frozenset((a, b)) for g in gold_groups for a in g for b in g if a < b}
    known = set().union(*gold_groups) if gold_groups else set()
    pred_pairs = {frozenset((a, b)) for p in pred_groups for a in p & known for b in p & known if a < b}
    grouping.tp, grouping.fn = len(gold_pairs & pred_pairs), len(gold_pairs - pred_pairs)
    grouping.fp = len(pred_pairs - gold_pairs)
    grouping.misses += [(page, "split", sorted(p)) for p in gold_pairs - pred_pairs]
    gold_inc = {_key(v) for v in gold.get("inconsistent_definitions") or []}
    pred_inc = {t.normalized for t in result.terms if len(t.expansions) > 1}
    inconsistent.tp, inconsistent.fn = len(gold_inc & pred_inc), len(gold_inc - pred_inc)
    inconsistent.fp = len(pred_inc - gold_inc)
    inconsistent.misses += [(page, "inconsistent?", sorted(pred_inc ^ gold_inc))] if pred_inc ^ gold_inc else []
    return terms, grouping, inconsistent


def _multiset_match(gold: list, predicted: list, same) -> tuple[int, list, list]:
    left = list(predicted)
    missed = []
    tp = 0
    for g in gold:
        hit = next((p for p in left if same(g, p)), None)
        if hit is None:
            missed.append(g)
        else:
            tp += 1
            left.remove(hit)
    return tp, missed, left


def score_doses(page: str, gold: dict, result) -> Tally:
    """Explicit doses as (low, high, unit) multisets; every extra predicted dose is a false positive."""
    def value(x):
        return round(float(x), 3) if x is not None else None
    gold_doses = [(value(d["low"]), value(d.get("high", d["low"])), d["unit"]) for d in gold.get("doses") or []]
    pred = [(value(d.amount_low), value(d.amount_high), d.unit) for d in result.dosing
            if d.amount_low is not None]
    tp, missed, extra = _multiset_match(gold_doses, pred, lambda a, b: a == b)
    tally = Tally(tp=tp, fn=len(missed), fp=len(extra))
    tally.misses += [(page, "missed", m) for m in missed] + [(page, "spurious", e) for e in extra]
    return tally


def _overlaps(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    if a in b or b in a:
        return True
    ta, tb = set(re.findall(r"\w+", a)), set(re.findall(r"\w+", b))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) >= 0.5


def score_phrases(page: str, gold: dict, result) -> Tally:
    """Non-numeric dosing language: same kind and overlapping wording."""
    gold_phrases = [(p["text"], p["kind"]) for p in gold.get("dosing_phrases") or []]
    pred = [(d.text, d.kind) for d in result.dosing
            if d.amount_low is None and d.kind != "form"]  # forms are not annotated
    same = lambda g, p: g[1] == p[1] and _overlaps(g[0], p[0])  # noqa: E731
    tp, missed, extra = _multiset_match(gold_phrases, pred, same)
    # The extractor reports canonical pieces: "start low" and "go slow" for one annotated
    # "start low and go slow". A second piece of a found phrase is not a false positive.
    extra = [p for p in extra if not any(same(g, p) for g in gold_phrases if g not in missed)]
    tally = Tally(tp=tp, fn=len(missed), fp=len(extra))
    tally.misses += [(page, "missed", m) for m in missed] + [(page, "spurious", e) for e in extra]
    return tally


def score_claims(page: str, gold: dict, result) -> tuple[Tally, Tally]:
    """Claims match on sentence, substance and condition; citations are scored on the claims
    whose sentence was found, with `cited` as the positive class."""
    claims, citations = Tally(), Tally()
    gold_claims = gold.get("claims") or []
    left = list(result.claims)
    for g in gold_claims:
        in_sentence = [c for c in left if _norm(g.get("sentence", "")) in _norm(c.sentence)]
        hit = next((c for c in in_sentence if c.substance == g["substance"] and c.condition and (
            _norm(g["condition"]) in _norm(c.condition) or _norm(c.condition) in _norm(g["condition"]))), None)
        if hit is None:
            claims.fn += 1
            claims.misses.append((page, "missed", (g["substance"], g["condition"], g.get("sentence", "")[:60])))
        else:
            claims.tp += 1
            left.remove(hit)
        if in_sentence:
            cited = any(c.cited for c in in_sentence)
            citations.tp += int(g["cited"] and cited)
            citations.fp += int(cited and not g["cited"])
            citations.fn += int(g["cited"] and not cited)
            if cited != g["cited"]:
                citations.misses.append((page, "cited?", g.get("sentence", "")[:60]))
    claims.fp += len(left)
    claims.misses += [(page, "spurious", (c.substance, c.condition, c.sentence[:60])) for c in left]
    return claims, citations


def score_text(page: str, gold: dict, result) -> tuple[Tally, Tally]:
    text = _norm(result.page.text)
    boiler = Tally()
    for s in gold.get("main_text_includes") or []:
        found = _norm(s) in text
        boiler.tp += found
        boiler.fn += not found
        if not found:
            boiler.misses.append((page, "lost", s[:60]))
    for s in gold.get("main_text_excludes") or []:
        if _norm(s) in text:
            boiler.fp += 1
            boiler.misses.append((page, "kept boilerplate", s[:60]))
    language = Tally()
    if result.page.language == gold.get("language"):
        language.tp = 1
    else:
        language.fp = language.fn = 1
        language.misses.append((page, "language", (gold.get("language"), result.page.language)))
    return boiler, language


def evaluate(eval_dir: Path = EVAL_DIR) -> dict[str, Tally]:
    from extractors.analyze import analyze_html

    totals = {c: Tally() for c in CATEGORIES}
    for ann_path in sorted(eval_dir.glob("*.yaml")):
        gold = yaml.safe_load(ann_path.read_text(encoding="utf-8"))
        html = ann_path.with_suffix(".html").read_text(encoding="utf-8")
        result = analyze_html(html, gold["url"])
        page = ann_path.stem
        if gold.get("language", "en") != "en":
            # English rules are not applied to other languages (they get a flag instead):
            # score only text extraction and language detection there.
            parts = dict(zip(["boilerplate", "language"], score_text(page, gold, result)))
            for name, tally in parts.items():
                totals[name].add(tally)
            continue
        parts = dict(zip(["unsupported_terms", "term_grouping", "inconsistent_definitions"],
                         score_terms(page, gold, result)))
        parts["numeric_doses"] = score_doses(page, gold, result)
        parts["dosing_phrases"] = score_phrases(page, gold, result)
        parts["claims"], parts["citations"] = score_claims(page, gold, result)
        parts["boilerplate"], parts["language"] = score_text(page, gold, result)
        for name, tally in parts.items():
            totals[name].add(tally)
    return totals


def table(totals: dict[str, Tally], pages: int) -> str:
    lines = [f"claimwatch extractor evaluation: {pages} annotated pages",
             f"{'category':<26}{'precision':>10}{'recall':>8}{'F1':>7}{'tp':>6}{'fp':>5}{'fn':>5}"]
    for name in CATEGORIES:
        t = totals[name]
        lines.append(f"{name:<26}{t.precision:>10.3f}{t.recall:>8.3f}{t.f1:>7.3f}{t.tp:>6}{t.fp:>5}{t.fn:>5}")
    return "\n".join(lines)


def floors(totals: dict[str, Tally]) -> dict:
    def floor(x):
        return max(0.0, math.floor((x - MARGIN) * 100) / 100)
    return {name: {"precision": floor(t.precision), "recall": floor(t.recall)}
            for name, t in totals.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-baseline", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    totals = evaluate()
    pages = len(list(EVAL_DIR.glob("*.yaml")))
    print(table(totals, pages))
    if args.misses:
        for name in CATEGORIES:
            for miss in totals[name].misses:
                print(f"  {name}: {miss}")
    if args.write_baseline:
        BASELINE.write_text(json.dumps({"pages": pages, "floors": floors(totals)}, indent=2) + "\n")
        print(f"wrote {BASELINE}")
        return 0
    baseline = json.loads(BASELINE.read_text())["floors"] if BASELINE.exists() else {}
    below = [f"{n} {m} {getattr(totals[n], m):.3f} < floor {v:.2f}"
             for n, fl in baseline.items() for m, v in fl.items() if getattr(totals[n], m) < v]
    for line in below:
        print("BELOW FLOOR:", line)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
