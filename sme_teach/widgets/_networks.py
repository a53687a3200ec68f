"""Views for lessons 4-6: networks, international entrepreneurship, competencies.

Each view's callback calls one use case of :mod:`sme_teach.cases` through
:func:`~sme_teach.widgets.wire` and renders one HTML result; drawings use
:mod:`sme_teach.plots` (one palette, one network layout, one table helper).

Lesson 4 (network theory)
    :func:`spillover_view` — the "grapevine" (:func:`sme_teach.cases.grapevine`) on the Khulna
    alliance network; :func:`~sme_teach.plots.network_figure` draws any small network.
Lesson 5 (international entrepreneurship)
    :func:`born_global_view` — :func:`sme_teach.cases.born_globals` with your own thresholds.
Lesson 6 (competencies)
    :func:`readiness_view` — :func:`sme_teach.cases.khulna_readiness` for one firm.
"""

from __future__ import annotations

import html

import numpy as np

from .. import cases, datasets, measures, synthetic
from .._errors import SmeTeachError
from ..plots import BAND_COLOURS, GREY, OKABE_ITO, band_spans, network_figure, table_html
from ._common import figure_html, mark
from ._wire import wire

__all__ = [
    "show_figure",
    "network_figure",
    "spillover_view",
    "born_global_view",
    "readiness_view",
    "READINESS_KEY_ITEMS",
    "BAND_COLOURS",
]


def show_figure(fig, alt: str | None = None):
    """Show a matplotlib figure in a notebook as an image WITH alt text (``IPython.display.HTML``).

    ``alt`` defaults to ``fig.alt_text`` (set by :func:`network_figure` and
    :func:`sme_teach.plots.draw_framework`); a figure without either is refused, so every
    figure in a lesson is described in words.
    """
    from IPython.display import HTML

    alt = alt if alt is not None else getattr(fig, "alt_text", None)
    if not alt or not str(alt).strip():
        raise SmeTeachError("show_figure needs alt text: pass alt='what the figure shows' (or set fig.alt_text)")
    return HTML(figure_html(fig, str(alt)))


# ------------------------------------------------------------------------------------------------
# Lesson 4: the grapevine (independent cascade)
# ------------------------------------------------------------------------------------------------


def spillover_view(seed_firm: str = "KS44", p: float = 0.3, runs: int = 200):
    """Pick a seed firm (first control) and a tie probability; see who hears the news.

    Returns an ``ipywidgets.VBox``. The result shows the alliance network coloured by each
    firm's probability of being reached (cividis map, with alt text) and a table of the
    most-reached firms.
    """
    import ipywidgets as w

    import networkx as nx

    G = nx.freeze(datasets.load_alliance_network())  # kept by the view for drawing: read-only
    options = [(f"{G.nodes[n]['firm_name']} ({n})", n) for n in sorted(G.nodes())]
    firm = mark(w.Dropdown(options=options, value=seed_firm, description="Seed firm",
                           style={"description_width": "initial"}, layout=w.Layout(width="460px")), "control")
    prob = w.FloatSlider(value=p, min=0.05, max=0.9, step=0.05, description="Tie probability p",
                         readout_format=".2f", continuous_update=False,
                         style={"description_width": "initial"}, layout=w.Layout(width="460px"))
    result = mark(w.HTML(), "result")

    names = {n: G.nodes[n]["firm_name"] for n in G}

    def render(out, values):
        fig = network_figure(G, out["probability"], label="probability of hearing the news",
                             highlight=[values["seed_firm"]], vmin=0.0, vmax=1.0, node_names=names,
                             title=f"Grapevine from {names[values['seed_firm']]}, p = {values['p']:.2f}")
        alt = (fig.alt_text + f" Expected number of other firms reached: {out['expected_reach']:.1f} of "
               f"{G.number_of_nodes() - 1}.")
        summary = (f"<p><b>Expected reach:</b> {out['expected_reach']:.1f} of {G.number_of_nodes() - 1} other "
                   f"firms ({out['runs']} simulated cascades).</p>")
        table = table_html(out["top"], "Most-reached firms (probability of hearing the news)")
        return figure_html(fig, alt) + summary + table

    wire({"seed_firm": firm, "p": prob}, cases.grapevine, render, result, fixed={"runs": runs})
    return w.VBox([firm, prob, result])


# ------------------------------------------------------------------------------------------------
# Lesson 5: timing, speed and born globals on the SME panel
# ------------------------------------------------------------------------------------------------


def born_global_view(max_years: int = 3, min_share: float = 0.25):
    """Sliders for the born-global thresholds (years to first export first); counts change."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    years = mark(w.IntSlider(value=max_years, min=0, max=12, step=1, description="Max years to first export",
                             continuous_update=False, style={"description_width": "initial"},
                             layout=w.Layout(width="460px")), "control")
    share = w.FloatSlider(value=min_share, min=0.0, max=0.95, step=0.05, description="Min foreign sales share",
                          readout_format=".2f", continuous_update=False, style={"description_width": "initial"},
                          layout=w.Layout(width="460px"))
    result = mark(w.HTML(), "result")
    colours = [*OKABE_ITO[:3], GREY]

    def render(out, _values):
        tab = out["table"].drop(index="total")
        fig, ax = plt.subplots(figsize=(6.4, 3.2), layout="constrained")
        plt.close(fig)
        bars = ax.barh(tab.index[::-1], tab["classified_born_global"][::-1], color=colours[::-1])
        ax.bar_label(bars, labels=[f"{c} of {f}" for c, f in zip(tab["classified_born_global"][::-1],
                                                                  tab["firms"][::-1])], padding=3, fontsize=9)
        ax.set_xlim(0, max(tab["firms"].max(), 1) * 1.15)
        ax.set_xlabel("firms classified as born global")
        ax.set_ylabel("path in the generator (truth)")
        ax.set_title(f"Born global = first export within {years.value} years and ≥ {share.value:.0%} sales abroad",
                     fontsize=10)
        alt = (f"Bar chart: firms classified as born global with first export within {years.value} years of "
               f"founding and at least {share.value:.0%} of sales abroad, by the generator's path type. "
               + "; ".join(f"{k}: {c} of {f}" for k, c, f in zip(tab.index, tab["classified_born_global"],
                                                                  tab["firms"]))
               + f". In total {out['n_born_global']} of 500 firms.")
        prec = "–" if np.isnan(out["precision"]) else f"{out['precision']:.0%}"
        summary = (f"<p><b>{out['n_born_global']}</b> of 500 firms are born globals by this rule. It catches "
                   f"<b>{out['caught']:.0%}</b> of the generator's born globals; <b>{prec}</b> of the firms it "
                   f"picks are generator born globals.</p>")
        table = table_html(out["table"].reset_index(), "Counts by path type")
        return figure_html(fig, alt) + summary + table

    timing = synthetic.firm_timing_table()  # the panel's timing, computed once per view (the case only reads it)
    wire({"max_years": years, "min_share": share}, cases.born_globals, render, result, fixed={"timing": timing})
    return w.VBox([years, share, result])


# ------------------------------------------------------------------------------------------------
# Lesson 6: readiness self-assessment
# ------------------------------------------------------------------------------------------------

#: One key item per dimension, the ones :func:`readiness_view` puts on sliders (positively worded).
READINESS_KEY_ITEMS = ("cap_2", "pol_2", "net_3", "inn_1", "cur_1", "pro_1", "str_2")


def _readiness_figure(out: dict, title: str, bands):
    import matplotlib.pyplot as plt

    sc = out["scores"].iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.8, 3.6), layout="constrained")
    plt.close(fig)
    spans = band_spans(bands)  # the limits come from the instrument file
    for k, (name, lo, hi) in enumerate(spans):
        ax.axvspan(lo, hi, color="#E6E6E6" if k % 2 else "#F2F2F2", zorder=0)
        ax.text((lo + hi) / 2, len(sc) - 0.35, name, ha="center", va="bottom", fontsize=8, color="#444444")
    colours = [BAND_COLOURS.get(b, GREY) for b in sc["band"]]
    hatches = ["//" if d == out["weakest"] else "" for d in sc["dimension"]]
    bars = ax.barh(sc["label"], sc["score"], color=colours, edgecolor="#333333", hatch=hatches, zorder=2)
    ax.bar_label(bars, labels=[f"{v:.0f} ({b})" for v, b in zip(sc["score"], sc["band"])], padding=3, fontsize=8.5)
    ax.axvline(out["overall"], color="black", linestyle="--", linewidth=1, zorder=3)
    ax.set_xlim(0, 125)
    ax.set_ylim(-0.6, len(sc) + 0.2)
    ax.set_xlabel(f"score 0-100\ndashed line: overall {out['overall']:.0f}; hatched bar: weakest area", fontsize=9)
    ax.set_title(title, fontsize=10)
    limits = ", ".join(f"{name} {lo:.0f} to {hi:.0f}" for name, lo, hi in spans)
    alt = (f"Horizontal bar chart: {title}. Scores from 0 to 100 with bands {limits}. " + "; ".join(f"{r.label} {r.score:.0f} ({r.band})" for r in out["scores"].itertuples())
           + f". Overall {out['overall']:.0f} ({out['band']}); weakest: {out['weakest_label']}.")
    return fig, alt


def readiness_view(firm_id: str = "KS28"):
    """Sliders for one key item per dimension (first: a capacity item); bars show strengths and gaps."""
    import ipywidgets as w

    inst = measures.load_instrument()
    base = cases.khulna_readiness_answers()
    if firm_id not in base.index:
        raise SmeTeachError(f"unknown firm {firm_id!r}; expected one of KS01 … KS{len(base):02d}")
    text = dict(zip(inst.items["id"], inst.items["text"]))
    sliders = []
    for item in READINESS_KEY_ITEMS:
        s = w.IntSlider(value=int(base.loc[firm_id, item]), min=inst.low, max=inst.high, step=1,
                        description=f"{item}: {text[item]}", continuous_update=False,
                        style={"description_width": "500px"}, layout=w.Layout(width="760px"))
        sliders.append(s)
    mark(sliders[0], "control")
    result = mark(w.HTML(), "result")
    name = datasets.load_khulna_smes().set_index("firm_id").loc[firm_id, "firm_name"]
    note = w.HTML("<p>Answers: 1 = strongly disagree … 5 = strongly agree. The other items keep "
                  f"{html.escape(name)}'s answers.</p>")

    def render(out, _values):
        fig, alt = _readiness_figure(out, f"Readiness of {name} ({firm_id})", inst.bands)
        summary = (f"<p><b>Overall:</b> {out['overall']:.0f} ({out['band']}). <b>Weakest area:</b> "
                   f"{html.escape(out['weakest_label'])}.</p>")
        return figure_html(fig, alt) + summary

    wire({"answers": dict(zip(READINESS_KEY_ITEMS, sliders))}, cases.khulna_readiness, render, result,
         fixed={"firm_id": firm_id})
    return w.VBox([note, *sliders, result])
