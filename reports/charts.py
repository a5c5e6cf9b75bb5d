"""Charts as PNG bytes (matplotlib, no display). Byte-identical for identical data."""
from __future__ import annotations

import io

from reports.data import ReportData

_BLUE, _ORANGE = "#1f5f8b", "#d9822b"
_LABEL_CHARS = 32


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _label(text: str) -> str:
    """Page text as a chart label: short, and with "$" escaped so that matplotlib does not
    parse it as mathtext (a hostile term like "$\\frac" would otherwise break the build)."""
    text = " ".join(str(text).split())
    if len(text) > _LABEL_CHARS:
        text = text[:_LABEL_CHARS - 1] + "…"
    return text.replace("$", r"\$")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    # No Software metadata: a rebuilt report must be byte-identical.
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    _plt().close(fig)
    return buf.getvalue()


def terms_chart(data: ReportData, top: int = 10) -> bytes | None:
    """Horizontal bars: documents per unsupported term this week, new terms in orange."""
    terms = data.terms[:top]
    if not terms:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.0, 0.35 * len(terms) + 0.9))
    labels = [_label(t["term"]) for t in reversed(terms)]
    values = [t["documents"] for t in reversed(terms)]
    colours = [_ORANGE if t["is_new"] else _BLUE for t in reversed(terms)]
    ax.barh(range(len(terms)), values, color=colours)
    ax.set_yticks(range(len(terms)), labels)  # positions, not labels: two terms may look alike
    ax.set_xlabel("documents this week")
    ax.set_title(f"Unsupported terms, {data.label} (orange: new this week)", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _png(fig)


def trend_chart(data: ReportData, top: int = 5) -> bytes | None:
    """Lines: documents per week over the last 8 weeks for the top terms."""
    terms = [t for t in data.terms if t["group_key"] in data.trend][:top]
    if not terms:
        return None
    plt = _plt()
    weeks = [w.strftime("%d %b") for w in data.trend_weeks]
    fig, ax = plt.subplots(figsize=(6.0, 2.8))
    for t in terms:  # positions, not week strings: matplotlib would try to parse those
        ax.plot(range(len(weeks)), data.trend[t["group_key"]], marker="o", label=_label(t["term"]))
    ax.set_xticks(range(len(weeks)), weeks)
    ax.set_ylabel("documents")
    ax.set_title("Top unsupported terms, last 8 weeks", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="x", labelsize=7)
    return _png(fig)


def claims_chart(data: ReportData, substances: int = 8, conditions: int = 8) -> bytes | None:
    """A substance × condition grid: claims per cell, shaded by the share without a citation."""
    rows = data.claims_matrix
    if not rows:
        return None
    by_claims: dict[str, dict[str, int]] = {"substance": {}, "condition": {}}
    for r in rows:
        for axis in by_claims:
            by_claims[axis][r[axis]] = by_claims[axis].get(r[axis], 0) + r["claims"]
    ranked = {axis: sorted(counts, key=lambda k: (-counts[k], k)) for axis, counts in by_claims.items()}
    subs, conds = ranked["substance"][:substances], ranked["condition"][:conditions]
    cells = {(r["substance"], r["condition"]): r for r in rows}
    plt = _plt()
    import numpy as np

    shade = np.full((len(subs), len(conds)), np.nan)
    fig, ax = plt.subplots(figsize=(6.0, 0.45 * len(subs) + 1.5))
    for i, s in enumerate(subs):
        for j, c in enumerate(conds):
            cell = cells.get((s, c))
            if cell:
                shade[i, j] = float(cell["uncited_share"])
                ax.text(j, i, f"{cell['claims']}\n{round(cell['uncited_share'] * 100)}%",
                        ha="center", va="center", fontsize=9,
                        color="white" if cell["uncited_share"] > 0.6 else "#1f2328")
    ax.imshow(np.ma.masked_invalid(shade), cmap="Reds", vmin=0, vmax=1.25, aspect="auto",
              interpolation="nearest")  # flat cells: a small PNG
    ax.set_xticks(range(len(conds)), [_label(c) for c in conds], rotation=30, ha="right", fontsize=9)
    ax.set_yticks(range(len(subs)), [_label(s) for s in subs], fontsize=9)
    ax.set_title("Claims by substance and condition (claims, % uncited)", fontsize=10)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return _png(fig)


def sparkline(values: list[int]) -> str:
    """A text sparkline ("▁▃▇"), which every mail client shows."""
    bars = "▁▂▃▄▅▆▇█"
    peak = max(values) if values else 0
    if peak == 0:
        return "▁" * len(values)
    return "".join(bars[min(len(bars) - 1, round(v / peak * (len(bars) - 1)))] for v in values)
