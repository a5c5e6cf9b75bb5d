"""Run every benchmark and regenerate BENCHMARKS.md (issue 9).

    python -m bench.run                       # `make bench`: full sizes; rewrites BENCHMARKS.md
    python -m bench.run --quick               # `make bench-quick`: small sizes, a few minutes;
                                              # writes data/bench/BENCHMARKS.quick.md only
    python -m bench.run --only crawl --only accuracy --med1250 PATH --boilerplate-gold PATH
    python -m bench.run --render-only         # after editing bench/BENCHMARKS.md.j2

Each section runs in its own interpreter, so its peak RSS (wait4) is its own. Raw results go
to data/bench/results.json. A full run also updates bench/recorded.json, the committed record
BENCHMARKS.md is rendered from: a section (or a gold set) not run this time keeps its last
recorded numbers there, shown with their date, and one never recorded says "not run"."""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import traceback
from pathlib import Path

from bench import harness

ROOT = harness.ROOT
RAW = ROOT / "data" / "bench" / "results.json"
RECORDED = ROOT / "bench" / "recorded.json"
MARKDOWN = ROOT / "BENCHMARKS.md"
QUICK_MARKDOWN = ROOT / "data" / "bench" / "BENCHMARKS.quick.md"
# Section → module with run(quick, **options). Order: cheap and independent first.
SECTIONS = {"accuracy": "bench.accuracy", "analysis_cost": "bench.extract_speed",
            "analysis": "bench.analysis_speed", "crawl": "bench.crawl_speed",
            "warehouse": "bench.warehouse_speed", "e2e": "bench.e2e_airflow"}
# Parts of a section that need inputs a run may not have: kept from the record when absent.
OPTIONAL_PARTS = {"accuracy": ("med1250", "boilerplate_public")}


def run_section(name: str, quick: bool, options: dict) -> dict:
    load_before = harness.machine()["load_average"]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        child = harness.run_child(["-m", "bench.run", "--child", name, "--options",
                                   json.dumps(options)] + (["--quick"] if quick else []))
    except RuntimeError as exc:
        return {"measured_at": started, "quick": quick, "error": str(exc)}
    return {"measured_at": started, "quick": quick, "result": child["result"],
            "section_wall_s": child["wall_s"], "section_peak_rss_mib": child["rss_mib"],
            "load_average": {"start": load_before, "end": harness.machine()["load_average"]}}


def merge(recorded: dict, fresh: dict) -> dict:
    """Fresh sections over the recorded ones; optional parts a fresh section lacks are taken
    from the record with the date they were measured."""
    out = {name: dict(entry) for name, entry in recorded.get("sections", {}).items()}
    for name, entry in fresh.items():
        # A copy: the fresh result itself stays as measured (results.json, the quick render).
        entry = {**entry, "result": dict(entry["result"])} if "result" in entry else entry
        old = recorded.get("sections", {}).get(name)
        if "error" in entry and old and "result" in old:
            # A failed section keeps its last numbers, marked with this run's failure.
            out[name] = {**old, "failed": {"at": entry["measured_at"], "error": entry["error"][-500:]}}
            continue
        if "result" in entry and old and "result" in old:
            for part in OPTIONAL_PARTS.get(name, ()):
                if entry["result"].get(part) is None and old["result"].get(part) is not None:
                    carried = old["result"][part]
                    entry["result"][part] = {**carried,
                                             "carried_from": carried.get("carried_from", old["measured_at"])}
        out[name] = entry
    return out


def options_for(name: str, args) -> dict:
    if name == "accuracy":
        return {"med1250_path": args.med1250, "boilerplate_gold": args.boilerplate_gold}
    if name == "analysis":
        return {"stream_pages": args.stream_pages}
    return {}


def child_main(name: str, quick: bool, options: dict) -> None:
    module = importlib.import_module(SECTIONS[name])
    if name == "analysis_cost":  # extract_speed predates the sections: measure(repeat)
        harness.emit(module.measure(2 if quick else harness.RUNS))
        return
    harness.emit(module.run(quick=quick, **options))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes; never touches BENCHMARKS.md")
    ap.add_argument("--only", action="append", choices=list(SECTIONS))
    ap.add_argument("--med1250", help="Ab3P's MED1250_labeled (or its first records)")
    ap.add_argument("--boilerplate-gold", help="trafilatura's tests/ folder (evaldata.py + cache/)")
    ap.add_argument("--stream-pages", type=int, help="pages for the streaming row (default 100,000)")
    ap.add_argument("--render-only", action="store_true",
                    help="re-render BENCHMARKS.md from bench/recorded.json, running nothing")
    ap.add_argument("--child", choices=list(SECTIONS), help=argparse.SUPPRESS)
    ap.add_argument("--options", default="{}", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_main(args.child, args.quick, json.loads(args.options))
        return 0

    from bench.render import render

    if args.render_only:
        recorded = json.loads(RECORDED.read_text())
        latest = max(recorded["machines"].values(), key=lambda m: m["date"])
        MARKDOWN.write_text(render(latest, recorded["sections"], quick=False,
                                   machines=recorded["machines"]), encoding="utf-8")
        return 0
    machine = harness.machine()
    fresh = {}
    for name in args.only or SECTIONS:
        print(f"== {name}{' (quick)' if args.quick else ''}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        fresh[name] = run_section(name, args.quick, options_for(name, args))
        state = "failed" if "error" in fresh[name] else "done"
        print(f"== {name} {state} in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    machine["load_average_end"] = harness.machine()["load_average"]
    RAW.parent.mkdir(parents=True, exist_ok=True)
    RAW.write_text(json.dumps({"machine": machine, "quick": args.quick, "sections": fresh},
                              indent=1, default=str))
    if args.quick:
        # The quick run's own numbers, nothing carried: it is a smoke test at small sizes.
        QUICK_MARKDOWN.write_text(render(machine, fresh, quick=True), encoding="utf-8")
        print(f"wrote {QUICK_MARKDOWN.relative_to(ROOT)} and {RAW.relative_to(ROOT)}", file=sys.stderr)
    else:
        recorded = json.loads(RECORDED.read_text()) if RECORDED.exists() else {}
        sections = merge(recorded, fresh)
        # A failed section keeps its old numbers, so it keeps the machine they came from too.
        machines = {**recorded.get("machines", {}),
                    **{n: machine for n, e in fresh.items() if "result" in e}}
        RECORDED.write_text(json.dumps({"machines": machines, "sections": sections},
                                       indent=1, default=str) + "\n")
        MARKDOWN.write_text(render(machine, sections, quick=False, machines=machines), encoding="utf-8")
        print(f"wrote {MARKDOWN.relative_to(ROOT)} and {RECORDED.relative_to(ROOT)}", file=sys.stderr)
    failed = [n for n, e in fresh.items() if "error" in e]
    for name in failed:
        print(f"section {name} failed: {fresh[name]['error'][:2000]}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # noqa: BLE001  (a child's traceback, then a non-zero exit)
        traceback.print_exc()
        sys.exit(2)
