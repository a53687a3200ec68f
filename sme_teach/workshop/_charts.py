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


def _en():
    from ._i18n import Translator

    return Translator("en")


_FONTS_ADDED: list = []


def _fonts(tr):
    """rcParams for the chart's language: Bengali charts use Noto Sans Bengali, DejaVu Sans for Latin.

    matplotlib >= 3.11 shapes the text (conjuncts and vowel signs) itself. The font files are
    the report's (``_report.font_files``), registered with matplotlib once per kernel.
    """
    import matplotlib
    from matplotlib import font_manager

    from ._report import font_files

    if tr.lang != "bn":
        return matplotlib.rc_context({})
    pair = font_files()["bengali"]
    if pair and not _FONTS_ADDED:
        for path in pair:
            font_manager.fontManager.addfont(str(path))
        _FONTS_ADDED.append(True)
    return matplotlib.rc_context({"font.family": ["Noto Sans Bengali", "DejaVu Sans"] if pair else ["DejaVu Sans"]})


def _in_language(build):
    """Run a chart builder with ``tr`` (default English) and its fonts, drawn (and saved) in them."""
    import functools

    @functools.wraps(build)
    def wrapper(*args, tr=None, **kwargs):
        tr = tr or _en()
        with _fonts(tr):
            fig, alt = build(*args, tr=tr, **kwargs)
        fig._sme_tr = tr  # png_bytes draws it in the same fonts (tick labels are made at draw time)
        return fig, alt

    return wrapper


def png_bytes(fig, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (in the fonts of the language it was made in)."""
    buf = io.BytesIO()
    with _fonts(getattr(fig, "_sme_tr", None) or _en()):
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


@_in_language
def readiness_chart(result, bands=None, *, tr=None):
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
    ax.barh([_wrap(tr(result.labels[i]), 34) for i in ids], vals, color=colours)
    for y, v in enumerate(vals):
        ax.text(min(v + 1.5, 92), y, tr.num(v), va="center", fontsize=9)
    for _band, _lo, hi in band_spans(bands)[:-1]:
        ax.axvline(hi, color="#999", lw=0.8, ls=":")
    ax.set_xlim(0, 100)
    _digit_ticks(ax, tr)
    ax.set_xlabel(tr("Score (0 = not ready, 100 = fully ready)"))
    ax.set_title(tr("Readiness by area - overall {score} of 100", score=tr.num(result.overall)), fontsize=11)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    alt = tr("Bar chart of readiness scores out of 100:") + " " + "; ".join(
        f"{tr(result.labels[i])} {tr.num(result.scores[i])}" for i in result.scores.index) + ". " + tr(
        "Overall {score}.", score=tr.num(result.overall))
    return fig, alt


@_in_language
def alliance_chart(result, *, tr=None):
    """Bars of the ten competencies (0-100); returns (figure, alt text)."""
    comp = result.competency.sort_values(kind="stable")
    fig = _figure(7, 3.6)
    ax = fig.add_subplot()
    labels = [_wrap(tr(result.labels[c]), 34) for c in comp.index]
    ax.barh(labels, 100 * comp.to_numpy(), color=OKABE_ITO[0])
    for y, v in enumerate(comp.to_numpy()):
        ax.text(100 * v + 1, y, tr.num(100 * v), va="center", fontsize=8)
    ax.set_xlim(0, 100)
    _digit_ticks(ax, tr)
    ax.set_xlabel(tr("How much the alliance builds it (0-100)"))
    ax.set_title(tr("What your alliance builds for going abroad"), fontsize=11)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    alt = tr("Bar chart of what the alliance builds, out of 100:") + " " + "; ".join(
        f"{tr(result.labels[c])} {tr.num(100 * result.competency[c])}" for c in result.competency.index) + "."
    return fig, alt


@_in_language
def destination_chart(result, *, tr=None, names=None, home=None):
    """Stacked bars of each factor's share of the total distance; returns (figure, alt text).

    ``names`` (the markets' names in the table's order) and ``home`` as the reader writes them.
    """
    from ..cases import DESTINATION_FACTOR_LABELS

    names = list(result.table["name"]) if names is None else list(names)
    home = result.home_name if home is None else home
    t = result.table.assign(name=names).iloc[::-1]
    fig = _figure(7, max(2.6, 0.45 * len(t) + 1.8))
    ax = fig.add_subplot()
    left = [0.0] * len(t)
    colours = OKABE_ITO
    for f, col in zip(DESTINATION_FACTOR_LABELS, colours):
        key = f"contribution_{f}"
        if key not in t:
            continue
        vals = t[key].fillna(0).to_numpy()
        ax.barh(t["name"], vals, left=left, color=col, label=tr(DESTINATION_FACTOR_LABELS[f]))
        left = [a + b for a, b in zip(left, vals)]
    for y, total in enumerate(t["total"]):  # no bar for a market without a score: say so where it would be
        if total != total:
            ax.text(0.01, y, tr("no score (no culture scores)"), va="center", fontsize=8, color="#444444")
    ax.set_xlabel(tr("Distance score (0 = close and easy, 1 = far and hard)"))
    ax.set_title(tr("Markets compared from {home} - shortest bar = best fit", home=home), fontsize=11)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.45, -0.28), ncol=2, frameon=False)
    ax.set_xlim(0, 1)
    _digit_ticks(ax, tr, 1)
    fig.tight_layout()
    alt = tr("Bar chart of distance from {home}, lowest first:", home=home) + " " + "; ".join(
        f"{tr.digits(r['rank'])}. {name} " + (tr.num(r["total"], 2) if r["total"] == r["total"] else tr("no score"))
        for name, (_, r) in zip(names, result.table.iterrows())) + "."
    return fig, alt


def _two_lines(name: str, width: int = 14) -> str:
    """A firm's name on at most two lines, broken between words."""
    words, first = name.split(), ""
    while words and len(first) + len(words[0]) <= width:
        first = f"{first} {words.pop(0)}".strip()
    return first + ("\n" + " ".join(words) if words else "") if first else name


@_in_language
def spillover_chart(result, G, pos, *, tr=None):
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
    nx.draw_networkx_labels(G, {n: (x, y - below) for n, (x, y) in pos.items()},
                            labels={n: _two_lines(result.names.get(n, str(n))) for n in nodes},
                            font_size=5.5, ax=ax, verticalalignment="top",
                            bbox={"boxstyle": "square,pad=0", "fc": "white", "ec": "none", "alpha": 0.6})
    bar = fig.colorbar(sc, ax=ax, shrink=0.7, label=tr("Chance the firm hears the news"))
    if tr.lang != "en":
        bar.ax.yaxis.set_major_formatter(_formatter(tr, 1))
    ax.set_title(tr("News starts at the red squares - about {n} of {total} firms hear it",
                    n=tr.num(result.expected), total=tr.num(len(nodes))), fontsize=10)
    ax.set_axis_off()
    fig.tight_layout()
    heard = sorted(nodes, key=lambda n: -result.probability[n])
    alt = (tr("Network map of {total} local firms. News starts at {starts}. About {n} firms hear it. Most likely "
              "to hear:", total=tr.num(len(nodes)), starts=", ".join(result.names[s] for s in result.starts),
              n=tr.num(result.expected)) + " "
           + ", ".join(f"{result.names[n]} {tr.pct(result.probability[n])}" for n in heard[:5]) + ".")
    return fig, alt


def _formatter(tr, decimals=0):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: tr.num(v, decimals))


def _digit_ticks(ax, tr, decimals=0):
    """The x axis's numbers in the reader's digits (Bengali ০-৯)."""
    if tr.lang != "en":
        ax.xaxis.set_major_formatter(_formatter(tr, decimals))
