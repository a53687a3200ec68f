"""Charts of the workshop apps (matplotlib ``Figure`` objects, no pyplot state) and PNG helpers."""

from __future__ import annotations

import base64
import html
import io

from ..plots import BAND_COLOURS, GREY, OKABE_ITO, SEQUENTIAL_CMAP, band_spans

__all__ = ["readiness_chart", "alliance_chart", "destination_chart", "spillover_chart", "png_bytes", "img_tag"]


def _figure(w, h):
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), dpi=100)


def png_bytes(fig, dpi: int = 110) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def img_tag(png: bytes, alt: str, width: str = "100%") -> str:
    """An ``<img>`` with a data URI and alt text (the text alternative for screen readers)."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
            f'style="max-width:{width};height:auto">')


def _wrap(text, width=28):
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def readiness_chart(result, bands=None):
    """Horizontal bars 0-100 per area, coloured by band; returns (figure, alt text).

    ``bands`` are the instrument's (``Instrument.bands``; default the course's instrument):
    the band limits are drawn from there, never typed here.
    """
    from sme_teach import measures

    bands = measures.load_instrument().bands if bands is None else bands

    ids = list(result.scores.index)[::-1]
    vals = [float(result.scores[i]) for i in ids]
    fig = _figure(7, 3.6)
    ax = fig.add_subplot()
    colours = [BAND_COLOURS.get(str(measures.readiness_band(v)), GREY) for v in vals]
    ax.barh([_wrap(result.labels[i], 34) for i in ids], vals, color=colours)
    for y, v in enumerate(vals):
        ax.text(min(v + 1.5, 92), y, f"{v:.0f}", va="center", fontsize=9)
    for _band, _lo, hi in band_spans(bands)[:-1]:
        ax.axvline(hi, color="#999", lw=0.8, ls=":")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Score (0 = not ready, 100 = fully ready)")
    ax.set_title(f"Readiness by area - overall {result.overall:.0f} of 100", fontsize=11)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    alt = "Bar chart of readiness scores out of 100: " + "; ".join(
        f"{result.labels[i]} {result.scores[i]:.0f}" for i in result.scores.index) + f". Overall {result.overall:.0f}."
    return fig, alt


def alliance_chart(result):
    """Bars of the ten competencies (0-100); returns (figure, alt text)."""
    comp = result.competency.sort_values(kind="stable")
    fig = _figure(7, 3.6)
    ax = fig.add_subplot()
    labels = [_wrap(result.labels[c], 34) for c in comp.index]
    ax.barh(labels, 100 * comp.to_numpy(), color=OKABE_ITO[0])
    for y, v in enumerate(comp.to_numpy()):
        ax.text(100 * v + 1, y, f"{100 * v:.0f}", va="center", fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("How much the alliance builds it (0-100)")
    ax.set_title("What your alliance builds for going abroad", fontsize=11)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    alt = "Bar chart of what the alliance builds, out of 100: " + "; ".join(
        f"{result.labels[c]} {100 * result.competency[c]:.0f}" for c in result.competency.index) + "."
    return fig, alt


def destination_chart(result):
    """Stacked bars of each factor's share of the total distance; returns (figure, alt text)."""
    from ..cases import DESTINATION_FACTOR_LABELS

    t = result.table.iloc[::-1]
    fig = _figure(7, max(2.6, 0.45 * len(t) + 1.8))
    ax = fig.add_subplot()
    left = [0.0] * len(t)
    colours = OKABE_ITO
    for f, col in zip(DESTINATION_FACTOR_LABELS, colours):
        key = f"contribution_{f}"
        if key not in t:
            continue
        vals = t[key].fillna(0).to_numpy()
        ax.barh(t["name"], vals, left=left, color=col, label=DESTINATION_FACTOR_LABELS[f])
        left = [a + b for a, b in zip(left, vals)]
    for y, total in enumerate(t["total"]):  # no bar for a market without a score: say so where it would be
        if total != total:
            ax.text(0.01, y, "no score (no culture scores)", va="center", fontsize=8, color="#444444")
    ax.set_xlabel("Distance score (0 = close and easy, 1 = far and hard)")
    ax.set_title(f"Markets compared from {result.home_name} - shortest bar = best fit", fontsize=11)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.45, -0.28), ncol=2, frameon=False)
    ax.set_xlim(0, 1)
    fig.tight_layout()
    alt = f"Bar chart of distance from {result.home_name}, lowest first: " + "; ".join(
        f"{r['rank']}. {r['name']} {r['total']:.2f}" if r["total"] == r["total"] else f"{r['rank']}. {r['name']} no score"
        for _, r in result.table.iterrows()) + "."
    return fig, alt


def _two_lines(name: str, width: int = 14) -> str:
    """A firm's name on at most two lines, broken between words."""
    words, first = name.split(), ""
    while words and len(first) + len(words[0]) <= width:
        first = f"{first} {words.pop(0)}".strip()
    return first + ("\n" + " ".join(words) if words else "") if first else name


def spillover_chart(result, G, pos):
    """Network map: colour = chance of hearing the news, squares = start firms; returns (figure, alt)."""
    import networkx as nx

    fig = _figure(9, 7)
    ax = fig.add_subplot()
    nodes = list(G)
    nx.draw_networkx_edges(G, pos, ax=ax, alpha=0.25, width=0.8)
    others = [n for n in nodes if n not in result.starts]
    sc = nx.draw_networkx_nodes(G, pos, nodelist=others, node_color=[result.probability[n] for n in others],
                                cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1, node_size=160, ax=ax, edgecolors="#555",
                                linewidths=0.5)
    nx.draw_networkx_nodes(G, pos, nodelist=result.starts, node_color=OKABE_ITO[5], node_shape="s", node_size=220,
                           ax=ax)
    # the firms' names, as every list on the page and in the report names them (wrapped to two lines)
    ys = [y for _x, y in pos.values()]
    below = 0.025 * ((max(ys) - min(ys)) or 1.0)
    nx.draw_networkx_labels(G, {n: (x, y - below) for n, (x, y) in pos.items()}, labels={n: _two_lines(result.names.get(n, str(n))) for n in nodes},
                            font_size=5.5, ax=ax, verticalalignment="top",
                            bbox={"boxstyle": "square,pad=0", "fc": "white", "ec": "none", "alpha": 0.6})
    fig.colorbar(sc, ax=ax, shrink=0.7, label="Chance the firm hears the news")
    ax.set_title(f"News starts at the red squares - about {result.expected:.0f} of {len(nodes)} firms hear it",
                 fontsize=10)
    ax.set_axis_off()
    fig.tight_layout()
    heard = sorted(nodes, key=lambda n: -result.probability[n])
    alt = (f"Network map of {len(nodes)} local firms. News starts at {', '.join(result.names[s] for s in result.starts)}."
           f" About {result.expected:.0f} firms hear it. Most likely to hear: "
           + ", ".join(f"{result.names[n]} {100 * result.probability[n]:.0f}%" for n in heard[:5]) + ".")
    return fig, alt
