"""claimwatch's extractors beside the generic tools users would reach for, on the same text:
abbreviation–definition pairs beside Schwartz–Hearst (the `abbreviations` package), and dose
ranges beside quantulum3. Input: the main text of the 42 annotated pages in tests/fixtures/eval,
and, for abbreviations, a third-party gold set when one is on disk: MED1250, the 1,250 MEDLINE
abstracts annotated by the Ab3P authors (Sohn et al., BMC Bioinformatics 2008;9:402; a US
Government Work, public domain), file `MED1250_labeled` of github.com/ncbi-nlp/Ab3P. It is not
copied into this repository; point the benchmark at a copy, or at its first records.

    pip install abbreviations==0.2.5 quantulum3==0.10.0   # bench-only dependencies
    python -m bench.baselines [--med1250 PATH]            # or CLAIMWATCH_MED1250=PATH
"""
from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path

import yaml

from tests.eval.score import EVAL_DIR, Tally, _key, _multiset_match
from extractors.vocabulary import normalize_phrase

# quantulum3 unit names → claimwatch's canonical units (anything else is not a dose unit).
QUANTULUM_UNITS = {"milligram": "mg", "gram": "g", "microgram": "mcg", "millilitre": "ml",
                   "milliliter": "ml", "ounce": "oz", "fluid ounce": "oz", "teaspoon": "tsp",
                   "tablespoon": "tbsp", "drop": "drop"}


def _pages():
    from extractors.analyze import analyze_html
    for path in sorted(EVAL_DIR.glob("*.yaml")):
        gold = yaml.safe_load(path.read_text())
        if gold.get("language", "en") != "en":
            continue
        yield gold, analyze_html(path.with_suffix(".html").read_text(), gold["url"])


def abbreviation_pairs() -> dict[str, Tally]:
    """Pairs (acronym, long form) for the acronyms the annotators defined."""
    from abbreviations import schwartz_hearst

    ours, theirs = Tally(), Tally()
    for gold, result in _pages():
        gold_pairs = set()
        for group in gold.get("unsupported_terms") or []:
            acronyms = {_key(v) for v in group["variants"] if v.replace(".", "").isupper()}
            for a in acronyms:
                gold_pairs |= {(a, normalize_phrase(e)) for e in group.get("expansions") or []}
        keys = {a for a, _ in gold_pairs}
        mine = {(t.normalized, normalize_phrase(e)) for t in result.terms
                for e in t.expansions if t.normalized in keys}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sh = schwartz_hearst.extract_abbreviation_definition_pairs(doc_text=result.page.text)
        sh_pairs = {(_key(a), normalize_phrase(d)) for a, d in sh.items() if _key(a) in keys}
        for tally, pred in ((ours, mine), (theirs, sh_pairs)):
            tally.tp += len(gold_pairs & pred)
            tally.fp += len(pred - gold_pairs)
            tally.fn += len(gold_pairs - pred)
    return {"claimwatch": ours, "schwartz_hearst": theirs}


def dose_ranges() -> dict[str, Tally]:
    """Explicit doses as (low, high, unit); quantulum3 reports a range as value ± uncertainty."""
    from quantulum3 import parser

    ours, theirs = Tally(), Tally()
    for gold, result in _pages():
        gold_doses = [(round(d["low"], 3), round(d.get("high", d["low"]), 3), d["unit"])
                      for d in gold.get("doses") or []]
        mine = [(round(d.amount_low, 3), round(d.amount_high, 3), d.unit) for d in result.dosing
                if d.amount_low is not None]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantities = parser.parse(result.page.text)
        q = []
        for quantity in quantities:
            unit = QUANTULUM_UNITS.get(quantity.unit.name)
            if unit:
                spread = quantity.uncertainty or 0
                q.append((round(quantity.value - spread, 3), round(quantity.value + spread, 3), unit))
        for tally, pred in ((ours, mine), (theirs, q)):
            tp, missed, extra = _multiset_match(gold_doses, pred, lambda a, b: a == b)
            tally.tp, tally.fn, tally.fp = tally.tp + tp, tally.fn + len(missed), tally.fp + len(extra)
    return {"claimwatch": ours, "quantulum3": theirs}


def read_med1250(path: Path) -> list[tuple[str, set[tuple[str, str]]]]:
    """(title and abstract, gold (short form, long form) pairs) per record. A record is a PMID
    line, a title line, an abstract line, then gold lines "  SF|LF"; "//" lines are notes, not
    gold; a blank line ends the record. A record cut off at the end of the file is dropped."""
    records, lines = [], []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.strip():
            lines.append(line)
            continue
        if len(lines) >= 3 and lines[0].strip().isdigit():
            gold = {tuple(x.strip().split("|", 1)) for x in lines[3:]
                    if x.startswith("  ") and "|" in x and not x.lstrip().startswith("//")}
            records.append((lines[1].strip() + "\n" + lines[2].strip(), gold))
        lines = []
    return records


def med1250_pairs(path: Path) -> tuple[dict[str, Tally], int, int]:
    """Pairs on the third-party gold set, matched on the short form's letters and the long
    form's normalised words. Both tools see the same title and abstract."""
    from abbreviations import schwartz_hearst

    from extractors.sentences import split_sentences
    from extractors.terms import extract_terms
    from extractors.vocabulary import abbreviation_key

    def key(short: str) -> str:
        return abbreviation_key(short).lower()

    ours, theirs = Tally(), Tally()
    records = read_med1250(path)
    for text, gold in records:
        gold_pairs = {(key(sf), normalize_phrase(lf)) for sf, lf in gold}
        mine = {(t.normalized, normalize_phrase(e)) for t in extract_terms(text, split_sentences(text))
                if t.kind == "acronym" for e in t.expansions}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sh = schwartz_hearst.extract_abbreviation_definition_pairs(doc_text=text)
        sh_pairs = {(key(a), normalize_phrase(d)) for a, d in sh.items()}
        for tally, pred in ((ours, mine), (theirs, sh_pairs)):
            tally.tp += len(gold_pairs & pred)
            tally.fp += len(pred - gold_pairs)
            tally.fn += len(gold_pairs - pred)
    return ({"claimwatch": ours, "schwartz_hearst": theirs}, len(records),
            sum(len(g) for _, g in records))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--med1250", type=Path, default=os.environ.get("CLAIMWATCH_MED1250"),
                        help="a copy of Ab3P's MED1250_labeled (whole, or its first records)")
    args = parser.parse_args()
    sections = [("abbreviation–definition pairs, project gold", abbreviation_pairs()),
                ("dose ranges (low, high, unit), project gold", dose_ranges())]
    if args.med1250:
        results, n_records, n_pairs = med1250_pairs(Path(args.med1250))
        sections.append((f"abbreviation–definition pairs, MED1250 ({n_records} abstracts, "
                         f"{n_pairs} gold pairs)", results))
    for title, results in sections:
        print(title)
        for name, t in results.items():
            print(f"  {name:<16} precision {t.precision:.3f}  recall {t.recall:.3f}  F1 {t.f1:.3f}"
                  f"  (tp {t.tp}, fp {t.fp}, fn {t.fn})")


if __name__ == "__main__":
    main()
