"""Charts as PNG bytes (matplotlib, no display). Byte-identical for identical data."""
from __future__ import annotations

import io

from reports.data import ReportData

_BLUE, _ORANGE = "#1f5f8b", "#d9822b"


def _png(fig) -> bytes:
    buf = io.BytesIO()
    # No Software metadata: a rebuilt report must be byte-identical.
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    import matplotlib.pyplot as plt
    plt.close(fig)
    return buf.getvalue()


def terms_chart(data: ReportData, top: int = 10) -> bytes | None:
    """Horizontal bars: documents per unsupported term this week, new terms in orange."""
    terms = data.terms[:top]
    if not terms:
        return None
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.0, 0.45 * len(terms) + 0.8))
    labels = [t["term"] for t in reversed(terms)]
    values = [t["documents"] for t in reversed(terms)]
    colours = [_ORANGE if t["is_new"] else _BLUE for t in reversed(terms)]
    ax.barh(labels, values, color=colours)
    ax.set_xlabel("documents this week")
    ax.set_title(f"Unsupported terms, {data.label} (orange: new)", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _png(fig)


def trend_chart(data: ReportData, top: int = 5) -> bytes | None:
    """Lines: documents per week over the last 8 weeks for the top terms."""
    terms = [t for t in data.terms if t["group_key"] in data.trend][:top]
    if not terms:
        return None
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    weeks = [w.strftime("%d %b") for w in data.trend_weeks]
    fig, ax = plt.subplots(figsize=(6.0, 2.8))
    for t in terms:
        ax.plot(weeks, data.trend[t["group_key"]], marker="o", label=t["term"])
    ax.set_ylabel("documents")
    ax.set_title("Top unsupported terms, last 8 weeks", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="x", labelsize=7)
    return _png(fig)


def sparkline(values: list[int]) -> str:
    """A text sparkline ("▁▃▇"), which every mail client shows."""
    bars = "▁▂▃▄▅▆▇█"
    peak = max(values) if values else 0
    if peak == 0:
        return "▁" * len(values)
    return "".join(bars[min(len(bars) - 1, round(v / peak * (len(bars) - 1)))] for v in values)
