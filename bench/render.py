"""Render BENCHMARKS.md from benchmark results (bench/run.py) and the prose in
bench/BENCHMARKS.md.j2. Numbers are formatted here; the template says what they mean."""
from __future__ import annotations

from pathlib import Path

import jinja2

TEMPLATE = Path(__file__).with_name("BENCHMARKS.md.j2")
GIB = 1024.0


def num(x, digits: int = 2) -> str:
    if x is None or isinstance(x, jinja2.Undefined):
        return "—"
    if isinstance(x, int) or (isinstance(x, float) and digits == 0):
        return f"{x:,.0f}"
    return f"{x:,.{digits}f}"


def med(s: dict | None, digits: int = 2, scale: float = 1.0) -> str:
    return "—" if not s else num(s["median"] * scale, digits)


def spread(s: dict | None, digits: int = 2, scale: float = 1.0) -> str:
    if not s:
        return "—"
    return f"{num(s['min'] * scale, digits)}–{num(s['max'] * scale, digits)}"


def runs(s: dict | None) -> str:
    return "—" if not s else str(s["n"])


def mib(x) -> str:
    return "—" if x is None else (f"{x / GIB:.2f} GiB" if x >= GIB else f"{x:,.0f} MiB")


def verdict(value, target, higher_is_better: bool) -> str:
    if value is None:
        return "not run"
    met = value >= target if higher_is_better else value <= target
    if met:
        return "**met**"
    factor = target / value if higher_is_better else value / target
    return f"**missed** ({factor:,.1f}× off)"


def row(item, measure, value="—", spread_="—", n="—", rss="—", target="—", result="—"):
    return {"item": item, "measure": measure, "value": value, "spread": spread_, "n": n,
            "rss": rss, "target": target, "result": result}


def res(sections: dict, name: str) -> dict | None:
    entry = sections.get(name) or {}
    return entry.get("result")


def summary_rows(sections: dict) -> list[dict]:
    rows = []
    a = res(sections, "analysis")
    if a:
        t, st = a["throughput"], a["stream"]
        p = f"{t['pages']:,} pages"
        rss = mib(sections["analysis"].get("section_peak_rss_mib"))
        rows += [
            row("1", f"full analysis, HTML → analysis JSON, 1 process, pages/s ({p})",
                med(t["pages_per_s"], 1), spread(t["pages_per_s"], 1), runs(t["pages_per_s"]), rss),
            row("1", f"bare `trafilatura.extract`, same pages, pages/s",
                med(t["trafilatura_pages_per_s"], 1), spread(t["trafilatura_pages_per_s"], 1),
                runs(t["trafilatura_pages_per_s"]), rss),
            row("1", "full analysis time ÷ `trafilatura.extract` time (same run)",
                med(t["ratio"]) + "×", spread(t["ratio"]), runs(t["ratio"]), rss, "≤ 1.25×",
                verdict(t["ratio"]["median"], 1.25, False)),
            row("1", "speed-up from 1 to 2 worker processes (same run)", med(t["scaling"]) + "×",
                spread(t["scaling"]), runs(t["scaling"]), rss, "≥ 1.8×",
                verdict(t["scaling"]["median"], 1.8, True)),
            row("1", f"peak RSS, extract stage streaming {st['pages']:,} pages", mib(st["peak_rss_mib"]),
                "—", "1", mib(st["peak_rss_mib"]), "≤ 1 GiB", verdict(st["peak_rss_mib"], 1024, False))]
    else:
        rows.append(row("1", "analysis throughput", "not run"))
    c = res(sections, "crawl")
    if c:
        cw, sc = c["crawlers"]["claimwatch"], c["crawlers"]["scrapy"]
        site = f"{c['hosts']} hosts × {c['pages_per_host']} pages"
        rows += [
            row("2", f"claimwatch crawl, pages/s ({site})", med(cw["pages_per_s"], 0),
                spread(cw["pages_per_s"], 0), runs(cw["pages_per_s"]), mib(cw["rss_mib"])),
            row("2", "Scrapy, same site and settings, pages/s", med(sc["pages_per_s"], 0),
                spread(sc["pages_per_s"], 0), runs(sc["pages_per_s"]), mib(sc["rss_mib"])),
            row("2", "claimwatch ÷ Scrapy pages/s (same round)", med(c["ratio"]) + "×",
                spread(c["ratio"]), runs(c["ratio"]), "—", "≥ 1.0×",
                verdict(c["ratio"]["median"], 1.0, True))]
    else:
        rows.append(row("2", "crawl throughput", "not run"))
    w = res(sections, "warehouse")
    if w:
        rss = mib(sections["warehouse"].get("section_peak_rss_mib"))
        big = w["loads"][-1]
        if big.get("rows_per_s"):
            rows.append(row("3", f"load, mention rows/s ({big['mention_rows']:,} rows)",
                            med(big["rows_per_s"], 0), spread(big["rows_per_s"], 0),
                            runs(big["rows_per_s"]), rss, "≥ 500,000",
                            verdict(big["rows_per_s"]["median"], 500_000, True)))
            rows.append(row("3", "idempotent re-load of the same batch, s", med(big["reload_s"], 1),
                            spread(big["reload_s"], 1), runs(big["reload_s"]), rss, "idempotent",
                            "**met** (identical row counts)" if big["idempotent"] else "**missed**"))
        else:
            rows.append(row("3", f"load ({big['mention_rows']:,} rows)", "failed: " + "; ".join(big["errors"])[:120]))
        q = w.get("queries")
        if q:
            size = w["warehouses"][-1]
            where = f"{size['documents']:,} documents / {size['mention_rows']:,} mentions"
            for kind, label in (("weekly view", "slowest weekly view (one week)"),
                                ("cookbook", "slowest cookbook query"),
                                ("report query", "slowest report query"),
                                ("view", "slowest whole-table view")):
                timed = [x for x in q["queries"] if x["kind"] == kind and x["seconds"]]
                failed = [x for x in q["queries"] if x["kind"] == kind and not x["seconds"]]
                if not timed:
                    continue
                worst = max(timed, key=lambda x: x["seconds"]["median"])
                over = sum(x["seconds"]["median"] > 1 for x in timed) + len(failed)
                target = "≤ 1 s each" if kind in ("weekly view", "cookbook") else "—"
                result = "—" if target == "—" else (
                    "**met**" if not over else f"**missed**: {over} of {len(timed) + len(failed)} over 1 s")
                rows.append(row("3", f"{label}, s ({where}): {worst['name']}",
                                med(worst["seconds"], 2), spread(worst["seconds"], 2),
                                runs(worst["seconds"]), rss, target, result))
        rep = w["warehouses"][-1]["report"]
        rows.append(row("4", f"weekly report build, charts included, s "
                             f"({w['warehouses'][-1]['documents']:,} documents / "
                             f"{w['warehouses'][-1]['mention_rows']:,} mentions)",
                        med(rep["seconds"]), spread(rep["seconds"]), runs(rep["seconds"]), rss,
                        "≤ 10 s", verdict(rep["seconds"]["median"], 10, False)))
    else:
        rows.append(row("3–4", "warehouse and report", "not run"))
    e = res(sections, "e2e")
    if e:
        rows += [row("5", f"end to end under Airflow, {e['pages']:,} pages, total wall s",
                     num(e["wall_s"], 0), "—", "1"),
                 row("5", "orchestration overhead: wall ÷ sum of task durations",
                     num(e["overhead_ratio"]) + "×", "—", "1", "—", "≤ 1.3×",
                     verdict(e["overhead_ratio"], 1.3, False))]
    else:
        rows.append(row("5", "end to end under Airflow", "not run"))
    acc = res(sections, "accuracy")
    if acc:
        ab, do, bp = acc["abbreviations"], acc["doses"], acc["boilerplate_eval_set"]
        rows += [
            row("6", "abbreviation pairs F1, project gold: claimwatch / Schwartz–Hearst",
                f"{num(ab['claimwatch']['f1'], 3)} / {num(ab['schwartz_hearst']['f1'], 3)}"),
            row("6", "dose ranges F1, project gold: claimwatch / quantulum3",
                f"{num(do['claimwatch']['f1'], 3)} / {num(do['quantulum3']['f1'], 3)}")]
        m = acc.get("med1250")
        rows.append(row("6", "abbreviation pairs F1, MED1250: claimwatch / Schwartz–Hearst",
                        f"{num(m['tools']['claimwatch']['f1'], 3)} / {num(m['tools']['schwartz_hearst']['f1'], 3)}"
                        + (f" (recorded {m['carried_from']})" if m.get("carried_from") else "")
                        if m else "not run (no --med1250)"))
        ours, bare = bp["claimwatch"]["f1"], bp["trafilatura"]["f1"]
        rows.append(row("6", f"boilerplate F1, project eval set ({bp['pages']} pages): "
                             "claimwatch wrapping / bare trafilatura",
                        f"{num(ours, 3)} / {num(bare, 3)}", "—", "—", "—", "no loss",
                        "**met**" if ours >= bare else f"**missed** by {bare - ours:.3f} F1"))
        pb = acc.get("boilerplate_public")
        if pb:
            ours, bare = pb["claimwatch"]["f1"], pb["trafilatura"]["f1"]
            rows.append(row("6", f"boilerplate F1, trafilatura's evaluation ({pb['pages']} pages)"
                                 + (f", recorded {pb['carried_from']}" if pb.get("carried_from") else ""),
                            f"{num(ours, 3)} / {num(bare, 3)}", "—", "—", "—", "no loss",
                            "**met**" if ours >= bare else f"**missed** by {bare - ours:.3f} F1"))
        else:
            rows.append(row("6", "boilerplate F1, public extraction benchmark", "not run (no --boilerplate-gold)"))
    else:
        rows.append(row("6", "accuracy beside baselines", "not run"))
    if not growth_fits(sections):
        rows.append(row("7", "growth (analysis, load, report at three sizes)", "not run"))
    for label, fit in growth_fits(sections):
        rows.append(row("7", f"growth, {label}", "—" if fit["exponent"] is None else
                        f"time ∝ size^{fit['exponent']:.2f} ({fit['shape']})", "—", "—", "—",
                        "linear (exponent ≤ 1.15)",
                        "not run" if fit["exponent"] is None else
                        ("**met**" if fit["exponent"] <= 1.15 else "**missed**")))
    return rows


def growth_fits(sections: dict) -> list[tuple[str, dict]]:
    out = []
    a, w = res(sections, "analysis"), res(sections, "warehouse")
    if a:
        out.append(("analysis (extract stage, ×1 ×10 ×100 pages)", a["growth_fit"]))
    if w:
        out.append(("load (×1 ×10 ×100 mention rows)", w["growth"]["load"]))
        out.append(("report (×1 ×10 ×100 warehouse)", w["growth"]["report"]))
    return out


def render(machine: dict, sections: dict, quick: bool, machines: dict | None = None) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE.parent),
                             undefined=jinja2.ChainableUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(num=num, med=med, spread=spread, runs=runs, mib=mib, verdict=verdict,
                       res=lambda name: res(sections, name))
    return env.get_template(TEMPLATE.name).render(
        machine=machine, machines=machines or {}, sections=sections, quick=quick,
        rows=summary_rows(sections))
