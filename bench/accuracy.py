"""Accuracy beside baselines (issue 9, item 6): the annotated evaluation set (`make eval`),
abbreviation pairs beside Schwartz–Hearst, dose ranges beside quantulum3 (bench/baselines.py),
and boilerplate removal: claimwatch's wrapping of trafilatura (`extract_page`: precision
retry, link recovery) beside bare `trafilatura.extract` on the same pages.

    python -m bench.accuracy [--med1250 PATH] [--boilerplate-gold PATH]

Third-party gold sets are never copied into the repository; a run names the file it read and
its SHA-256. `--boilerplate-gold` takes a folder in the layout of trafilatura's own
evaluation (github.com/adbar/trafilatura, `tests/`): `evaldata.py` (EVAL_PAGES: url → file,
with, without) beside `cache/` (the HTML files)."""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import warnings
from pathlib import Path

import yaml

from bench import harness


def _tally(t) -> dict:
    return {"precision": t.precision, "recall": t.recall, "f1": t.f1, "tp": t.tp, "fp": t.fp,
            "fn": t.fn}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    for p in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if p.is_file():
            digest.update(p.read_bytes())
    return digest.hexdigest()


def eval_set() -> dict:
    from tests.eval.score import EVAL_DIR, evaluate

    totals = evaluate()
    return {"pages": len(list(EVAL_DIR.glob("*.yaml"))),
            "categories": {name: _tally(t) for name, t in totals.items()}}


def _contains(text: str, needles: list[str]) -> list[bool]:
    from tests.eval.score import _norm

    text = _norm(text or "")
    return [_norm(n) in text for n in needles]


def _score(pages: list[tuple[str, str, list[str], list[str]]], extract) -> dict:
    """Precision / recall / F1 over required and forbidden strings, trafilatura's own way:
    a required string found is a true positive, missing a false negative; a forbidden string
    found is a false positive. `found` keeps, per page, which strings were in the text."""
    from tests.eval.score import Tally

    t, found_by_page, failed = Tally(), [], 0
    for html, url, with_, without in pages:
        try:
            text = extract(html, url)
        except Exception:  # noqa: BLE001  (a page either tool cannot read scores as empty)
            text, failed = "", failed + 1
        found, kept = _contains(text, with_), _contains(text, without)
        t.tp += sum(found)
        t.fn += len(found) - sum(found)
        t.fp += sum(kept)
        found_by_page.append((found, kept))
    if pages and failed == len(pages):  # a broken extractor, not hard pages: fail the run
        raise RuntimeError(f"{extract.__name__} failed on every one of {len(pages)} pages")
    return {**_tally(t), "found": found_by_page}


def _compare(pages, extractors: dict) -> dict:
    """Both tools' scores, and the strings on which they disagree (page URL, kind, text)."""
    ours, bare = (_score(pages, f) for f in extractors.values())
    differences = []
    for (html, url, with_, without), (f1, k1), (f2, k2) in zip(pages, ours.pop("found"), bare.pop("found")):
        differences += [{"url": url, "kind": "required", "only": "claimwatch" if a else "trafilatura",
                         "text": w[:80]} for w, a, b in zip(with_, f1, f2) if a != b]
        differences += [{"url": url, "kind": "boilerplate kept", "only": "claimwatch" if a else "trafilatura",
                         "text": w[:80]} for w, a, b in zip(without, k1, k2) if a != b]
    return {"pages": len(pages), "claimwatch": ours, "trafilatura": bare, "differences": differences}


def _ours(html: str, url: str) -> str:
    from extractors.text import extract_page

    return extract_page(html, url)[0].text


def _bare(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def boilerplate_eval_set() -> dict:
    from tests.eval.score import EVAL_DIR

    pages = []
    for path in sorted(EVAL_DIR.glob("*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        pages.append((path.with_suffix(".html").read_text(encoding="utf-8"), gold["url"],
                      gold.get("main_text_includes") or [], gold.get("main_text_excludes") or []))
    return _compare(pages, {"claimwatch": _ours, "trafilatura": _bare})


def read_trafilatura_evaldata(folder: Path) -> tuple[list[tuple[str, str, list[str], list[str]]], int]:
    """(html, url, with, without) per page of trafilatura's evaluation layout whose HTML is in
    cache/, and how many pages evaldata.py lists. The dict is read as a literal (ast), never
    executed."""
    source = (folder / "evaldata.py").read_text(encoding="utf-8")
    pages = None
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "EVAL_PAGES" for t in node.targets):
            pages = ast.literal_eval(node.value)
    if pages is None:
        raise ValueError(f"{folder}/evaldata.py has no EVAL_PAGES literal")
    out = []
    for url, entry in pages.items():
        path = folder / "cache" / entry["file"]
        if path.exists():
            out.append((path.read_text(encoding="utf-8", errors="replace"), url,
                        list(entry.get("with", [])), list(entry.get("without", []))))
    return out, len(pages)


def boilerplate_public(folder: Path) -> dict:
    pages, listed = read_trafilatura_evaldata(folder)
    return {"source": str(folder), "sha256": sha256(folder), "listed": listed,
            **_compare(pages, {"claimwatch": _ours, "trafilatura": _bare})}


def med1250(path: Path) -> dict:
    from bench.baselines import med1250_pairs

    results, records, pairs = med1250_pairs(path)
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": sha256(path),
            "records": records, "gold_pairs": pairs,
            "tools": {name: _tally(t) for name, t in results.items()}}


def run(quick: bool = False, med1250_path: str | None = None,
        boilerplate_gold: str | None = None) -> dict:
    from bench.baselines import abbreviation_pairs, dose_ranges

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = {"eval_set": eval_set(),
               "abbreviations": {k: _tally(t) for k, t in abbreviation_pairs().items()},
               "doses": {k: _tally(t) for k, t in dose_ranges().items()},
               "boilerplate_eval_set": boilerplate_eval_set()}
        out["med1250"] = med1250(Path(med1250_path)) if med1250_path else None
        out["boilerplate_public"] = boilerplate_public(Path(boilerplate_gold)) if boilerplate_gold else None
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--med1250", default=os.environ.get("CLAIMWATCH_MED1250"))
    ap.add_argument("--boilerplate-gold", default=os.environ.get("CLAIMWATCH_BOILERPLATE_GOLD"))
    args = ap.parse_args()
    print(json.dumps(run(med1250_path=args.med1250, boilerplate_gold=args.boilerplate_gold), indent=1))


if __name__ == "__main__":
    main()
