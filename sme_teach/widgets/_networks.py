"""Views for lessons 4-6: networks, international entrepreneurship, competencies.

Each view's callback calls one ``compute_*`` function of this module (plain values in,
plain data out, tested without a browser) and redraws one HTML result. The ``compute_*``
functions call :mod:`sme_teach.measures` and :mod:`sme_teach.datasets`; data that every
callback needs is loaded once and cached, so a callback stays within a few milliseconds.

Lesson 4 (network theory)
    :func:`spillover_view` / :func:`compute_spillover` — the "grapevine" as an independent
    cascade on the Khulna alliance network; :func:`network_figure` draws any small network.
Lesson 5 (international entrepreneurship)
    :func:`born_global_view` / :func:`compute_born_globals` — classify the SME panel with
    your own thresholds; :func:`firm_timing_table` — one row per panel firm.
Lesson 6 (competencies)
    :func:`readiness_view` / :func:`compute_readiness` — the readiness self-assessment for
    one firm; :func:`khulna_readiness_responses` — a synthetic response set for the 50
    Khulna SMEs.
"""

from __future__ import annotations

import functools
import html

import numpy as np
import pandas as pd

from .._errors import SmeTeachError
from ._common import figure_html, mark

__all__ = [
    "show_figure",
    "network_figure",
    "compute_spillover",
    "spillover_view",
    "firm_timing_table",
    "compute_born_globals",
    "born_global_view",
    "khulna_readiness_responses",
    "compute_readiness",
    "readiness_view",
    "READINESS_KEY_ITEMS",
    "BAND_COLOURS",
]

# Okabe & Ito (2008) colours, used with text labels so colour is never the only cue.
_BLUE, _ORANGE, _GREEN, _VERMILION, _SKY, _PURPLE, _GREY = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#7F7F7F")
#: Bar colours of the readiness bands (Okabe-Ito vermilion, orange, bluish green).
BAND_COLOURS = {"low": _VERMILION, "developing": _ORANGE, "strong": _GREEN}


def _table_html(frame: pd.DataFrame, caption: str, *, index: bool = False, digits: int = 2) -> str:
    """A small accessible HTML table (caption, header row) for a result widget."""
    body = frame.to_html(index=index, border=0, float_format=lambda x: f"{x:.{digits}f}", na_rep="–",
                         classes="sme-table", escape=True)
    return body.replace("<table", "<table style=\"border-collapse:collapse\"", 1).replace(
        ">", f"><caption style=\"text-align:left;font-weight:bold\">{html.escape(caption)}</caption>", 1)


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
# Lesson 4: network drawings and the grapevine (independent cascade)
# ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _layout(name: str, edges: tuple, nodes: tuple):
    """Spring layout of the largest component; smaller components and isolates in a row below it."""
    import networkx as nx

    G = nx.Graph()
    G.add_nodes_from(nodes)
    G.add_edges_from(edges)
    comps = sorted(nx.connected_components(G), key=lambda c: (-len(c), sorted(map(str, c))))
    main = G.subgraph(comps[0])
    pos = nx.spring_layout(main, seed=7, k=2.2 / np.sqrt(max(len(comps[0]), 1)), iterations=300)
    rest = [n for c in comps[1:] for n in sorted(c, key=str)]
    for i, n in enumerate(rest):
        pos[n] = np.array([-1.0 + 2.0 * (i + 0.5) / len(rest), -1.25])
    return pos


def _positions(G):
    return _layout(str(G.graph.get("name", "")), tuple(sorted(map(tuple, map(sorted, G.edges())))),
                   tuple(sorted(G.nodes())))


def network_figure(G, values=None, *, label=None, labels=None, highlight=(), title=None,
                   cmap="cividis", vmin=None, vmax=None, figsize=(6.4, 5.0), node_names=None):
    """Draw a small network; nodes coloured by ``values`` on a colour-blind-safe sequential map.

    Parameters
    ----------
    G : networkx.Graph
        For example :func:`sme_teach.datasets.load_florentine` or
        :func:`sme_teach.datasets.load_alliance_network`.
    values : mapping or pandas.Series, optional
        A number per node (e.g. betweenness, activation probability). Without it all
        nodes are drawn in one colour.
    label : str, optional
        What ``values`` measure (colour-bar label and alt text).
    labels : iterable of nodes or "all", optional
        Nodes to name on the drawing (default: all nodes if there are at most 20,
        otherwise the five highest values).
    highlight : iterable of nodes
        Drawn with a thick black ring (e.g. the seed firm).
    title : str, optional
    cmap : str, default "cividis"
        A perceptually uniform, colour-blind-safe map ("cividis" or "viridis").
    node_names : mapping, optional
        Node → name used in the alt text (e.g. firm names).

    Returns
    -------
    matplotlib.figure.Figure
        Detached from pyplot, with ``fig.alt_text`` describing it in words.

    Notes
    -----
    The layout is a force-directed (spring) layout with a fixed seed, so the same graph is
    always drawn the same way; distance on the page means little beyond "tied firms sit close".
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    pos = _positions(G)
    nodes = list(G.nodes())
    xy = np.array([pos[n] for n in nodes])
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    plt.close(fig)
    segs = [(pos[u], pos[v]) for u, v in G.edges()]
    ax.add_collection(LineCollection(segs, colors="#9A9A9A", linewidths=0.8, zorder=1))
    vals = None
    if values is not None:
        vals = pd.Series(values, dtype=float).reindex(nodes)
        lo = float(np.nanmin(vals)) if vmin is None else vmin
        hi = float(np.nanmax(vals)) if vmax is None else vmax
        sc = ax.scatter(xy[:, 0], xy[:, 1], c=vals.to_numpy(), cmap=cmap, vmin=lo, vmax=hi if hi > lo else lo + 1,
                        s=170, edgecolors="#333333", linewidths=0.6, zorder=2)
        bar = fig.colorbar(sc, ax=ax, shrink=0.75)
        if label:
            bar.set_label(label)
    else:
        ax.scatter(xy[:, 0], xy[:, 1], c=_SKY, s=170, edgecolors="#333333", linewidths=0.6, zorder=2)
    highlight = [h for h in ([highlight] if isinstance(highlight, str) else list(highlight)) if h in pos]
    if highlight:
        hxy = np.array([pos[h] for h in highlight])
        ax.scatter(hxy[:, 0], hxy[:, 1], s=420, facecolors="none", edgecolors="black", linewidths=2.2, zorder=3)
    if labels is None:
        if len(nodes) <= 20 or vals is None:
            labels = nodes if len(nodes) <= 20 else []
        else:
            labels = list(vals.sort_values(ascending=False).index[:5])
    elif isinstance(labels, str) and labels == "all":
        labels = nodes
    for n in dict.fromkeys([*highlight, *labels]):
        x, y = pos[n]
        ax.annotate(str(n), (x, y), xytext=(0, 9), textcoords="offset points", ha="center", fontsize=8.5,
                    zorder=4, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    ax.set_axis_off()
    ax.margins(0.08)
    if title:
        ax.set_title(title, fontsize=11)
    # alt text
    gname = title or str(G.graph.get("name", "network"))
    parts = [f"Network drawing: {gname}. {G.number_of_nodes()} nodes and {G.number_of_edges()} ties."]
    names = node_names or {}
    if vals is not None:
        top = vals.sort_values(ascending=False).head(5)
        what = label or "value"
        parts.append(f"Colour shows {what} ({cmap} map: dark blue = low, yellow = high; "
                     f"range {np.nanmin(vals):.2f} to {np.nanmax(vals):.2f}).")
        parts.append("Highest: " + "; ".join(f"{names.get(n, n)} {v:.2f}" for n, v in top.items()) + ".")
    if highlight:
        parts.append("Ringed: " + ", ".join(str(names.get(h, h)) for h in highlight) + ".")
    fig.alt_text = " ".join(parts)
    return fig


@functools.lru_cache(maxsize=1)
def _alliance_network():
    from .. import datasets

    return datasets.load_alliance_network()


def compute_spillover(seed_firm: str, p: float, runs: int = 200, seed: int = 0, top: int = 8) -> dict:
    """Who hears it through the grapevine? Independent cascade from one Khulna firm.

    Calls :func:`sme_teach.measures.independent_cascade` on the synthetic Khulna alliance
    network (:func:`sme_teach.datasets.load_alliance_network`): ``seed_firm`` learns
    something (a buyer's contact at Mongla, a new freezing technique); each informed firm
    passes it on along each alliance tie once, with probability ``p``.

    Parameters
    ----------
    seed_firm : str
        Firm id ``KS01`` … ``KS50``.
    p : float
        Probability that one tie passes the news on, in [0, 1].
    runs : int, default 200
        Simulated cascades (standard error of each probability ≤ 0.5/√runs ≈ 0.035).
    seed : int, default 0
        Random seed, so a slider position always gives the same picture.
    top : int, default 8
        Rows of the "most reached" table.

    Returns
    -------
    dict
        ``probability`` (Series: firm id → estimated probability of being reached),
        ``top`` (DataFrame: firm_id, firm_name, industry, ties, probability — the
        most-reached firms other than the seed), ``expected_reach`` (expected number of
        OTHER firms reached), ``seed_firm``, ``p``, ``runs``.

    Examples
    --------
    >>> out = compute_spillover("KS44", 1.0, runs=10)
    >>> float(out["probability"]["KS44"])
    1.0
    """
    from .. import measures

    from .._validate import check_int, check_number

    G = _alliance_network()
    p = check_number(p, 0, 1, "p")
    runs = check_int(runs, "runs", 1)
    top = check_int(top, "top", 0)
    prob = measures.independent_cascade(G, seed_firm, p, runs=runs, seed=seed)
    others = prob.drop(seed_firm)
    best = others.sort_values(ascending=False, kind="stable").head(top)
    table = pd.DataFrame({
        "firm_id": best.index,
        "firm_name": [G.nodes[n]["firm_name"] for n in best.index],
        "industry": [G.nodes[n]["industry"] for n in best.index],
        "ties": [G.degree(n) for n in best.index],
        "probability": best.to_numpy(),
    })
    return {"probability": prob, "top": table, "expected_reach": float(others.sum()),
            "seed_firm": seed_firm, "p": float(p), "runs": int(runs)}


def spillover_view(seed_firm: str = "KS44", p: float = 0.3, runs: int = 200):
    """Pick a seed firm (first control) and a tie probability; see who hears the news.

    Returns an ``ipywidgets.VBox``. The result shows the alliance network coloured by each
    firm's probability of being reached (cividis map, with alt text) and a table of the
    most-reached firms.
    """
    import ipywidgets as w

    G = _alliance_network()
    options = [(f"{G.nodes[n]['firm_name']} ({n})", n) for n in sorted(G.nodes())]
    firm = mark(w.Dropdown(options=options, value=seed_firm, description="Seed firm",
                           style={"description_width": "initial"}, layout=w.Layout(width="460px")), "control")
    prob = w.FloatSlider(value=p, min=0.05, max=0.9, step=0.05, description="Tie probability p",
                         readout_format=".2f", continuous_update=False,
                         style={"description_width": "initial"}, layout=w.Layout(width="460px"))
    result = mark(w.HTML(), "result")

    def redraw(_=None):
        out = compute_spillover(firm.value, prob.value, runs=runs)
        names = {n: G.nodes[n]["firm_name"] for n in G}
        fig = network_figure(G, out["probability"], label="probability of hearing the news",
                             highlight=[firm.value], vmin=0.0, vmax=1.0, node_names=names,
                             title=f"Grapevine from {names[firm.value]}, p = {prob.value:.2f}")
        alt = (fig.alt_text + f" Expected number of other firms reached: {out['expected_reach']:.1f} of "
               f"{G.number_of_nodes() - 1}.")
        summary = (f"<p><b>Expected reach:</b> {out['expected_reach']:.1f} of {G.number_of_nodes() - 1} other "
                   f"firms ({out['runs']} simulated cascades).</p>")
        table = _table_html(out["top"], "Most-reached firms (probability of hearing the news)")
        result.value = figure_html(fig, alt) + summary + table

    firm.observe(redraw, names="value")
    prob.observe(redraw, names="value")
    redraw()
    return w.VBox([firm, prob, result])


# ------------------------------------------------------------------------------------------------
# Lesson 5: timing, speed and born globals on the SME panel
# ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _timing_cached() -> pd.DataFrame:
    from .. import datasets

    panel = datasets.load_sme_panel("firms")
    entries = datasets.load_sme_panel("entries")
    firms = panel.sort_values(["firm_id", "year"]).groupby("firm_id", sort=True)
    out = firms[["founding_year", "sector", "path_type"]].first()
    last = firms[["year", "foreign_sales_share", "n_countries"]].last()
    out["last_year"] = last["year"]
    out["foreign_sales_share"] = last["foreign_sales_share"]
    out["n_countries"] = last["n_countries"]
    out["max_countries"] = firms["n_countries"].max()
    first = entries.groupby("firm_id")["first_entry_year"].min()
    out["first_export_year"] = first.reindex(out.index).to_numpy(dtype=float, na_value=np.nan)
    out["years_to_first_export"] = out["first_export_year"] - out["founding_year"].to_numpy(dtype=float)
    return out


def firm_timing_table() -> pd.DataFrame:
    """One row per firm of the SME panel: founding, first export, speed and latest foreign share.

    Columns: ``founding_year``, ``sector``, ``path_type`` (the generator's truth),
    ``last_year`` (last observed year), ``foreign_sales_share`` and ``n_countries`` in that
    year, ``max_countries`` (most markets served in any observed year),
    ``first_export_year`` (earliest ``first_entry_year`` of any market; NaN = never
    exported) and ``years_to_first_export``. Indexed by ``firm_id``. A copy, so you may
    change it.

    Examples
    --------
    >>> t = firm_timing_table()
    >>> len(t), bool(t.loc[t["path_type"] == "domestic", "first_export_year"].isna().all())
    (500, True)
    """
    return _timing_cached().copy()


def compute_born_globals(max_years: float, min_share: float) -> dict:
    """Classify the 500 panel firms as born globals with your own thresholds.

    Calls :func:`sme_teach.measures.classify_born_global` on
    :func:`firm_timing_table` (years to first export; foreign sales share in the last
    observed year).

    Returns
    -------
    dict
        ``table`` — DataFrame indexed by the generator's path type (gradual,
        born_global, de_re, domestic, total) with columns ``firms``,
        ``classified_born_global`` and ``share``; ``n_born_global``;
        ``caught`` — share of the generator's born globals that the rule catches;
        ``precision`` — share of the classified firms that are generator born globals
        (NaN when none is classified); ``max_years``, ``min_share``.

    Examples
    --------
    >>> out = compute_born_globals(3, 0.25)
    >>> int(out["table"].loc["total", "firms"])
    500
    """
    from .. import measures

    t = _timing_cached()
    bg = measures.classify_born_global(t["years_to_first_export"], t["foreign_sales_share"],
                                       max_years=max_years, min_share=min_share)
    bg = np.asarray(bg, dtype=bool)
    order = ["gradual", "born_global", "de_re", "domestic"]
    path = t["path_type"].to_numpy()
    firms = [int((path == k).sum()) for k in order]
    hits = [int((bg & (path == k)).sum()) for k in order]
    table = pd.DataFrame({"firms": firms + [sum(firms)], "classified_born_global": hits + [sum(hits)]},
                         index=pd.Index(order + ["total"], name="path_type"))
    table["share"] = table["classified_born_global"] / table["firms"]
    n = int(bg.sum())
    true_bg = path == "born_global"
    return {"table": table, "n_born_global": n,
            "caught": float((bg & true_bg).sum() / max(true_bg.sum(), 1)),
            "precision": float((bg & true_bg).sum() / n) if n else float("nan"),
            "max_years": float(max_years), "min_share": float(min_share)}


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
    colours = [_BLUE, _ORANGE, _GREEN, _GREY]

    def redraw(_=None):
        out = compute_born_globals(years.value, share.value)
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
        table = _table_html(out["table"].reset_index(), "Counts by path type", digits=2)
        result.value = figure_html(fig, alt) + summary + table

    years.observe(redraw, names="value")
    share.observe(redraw, names="value")
    redraw()
    return w.VBox([years, share, result])


# ------------------------------------------------------------------------------------------------
# Lesson 6: readiness self-assessment
# ------------------------------------------------------------------------------------------------

#: One key item per dimension, the ones :func:`readiness_view` puts on sliders (positively worded).
READINESS_KEY_ITEMS = ("cap_2", "pol_2", "net_3", "inn_1", "cur_1", "pro_1", "str_2")

# Assumed average level (1-5, positive direction) per dimension in the synthetic Khulna set,
# and the Khulna columns whose within-sample rank moves a firm up or down. Course assumptions,
# loosely following the seed paper (owners network and share information; policy support and
# written targets are rare).
_READINESS_MEAN = {"current": 3.1, "prospects": 2.5, "capacity_building": 2.8, "policy": 2.3,
                   "cluster_networking": 3.3, "innovation": 2.7, "strategy": 2.5}
_READINESS_DRIVERS = {
    "current": ["comp_internationalisation_knowledge", "comp_information_accessibility"],
    "prospects": ["mod2_timing_of_internationalisation", "mod2_investment_decisions"],
    "capacity_building": ["comp_strong_talented_human_resource", "comp_capital_base_development", "employees"],
    "policy": ["comp_government_and_policy_backing", "alliance_joint_lobbying"],
    "cluster_networking": ["alliance_information_sharing", "alliance_resource_sharing", "alliance_joint_marketing",
                           "mod1_trust_and_confidence"],
    "innovation": ["comp_innovation_and_creativity_adoption", "fsa_research_and_development", "fsa_technology"],
    "strategy": ["export_code", "comp_diversity_of_operational_coverage"],
}


@functools.lru_cache(maxsize=4)
def _responses_cached(seed: int) -> pd.DataFrame:
    from .. import datasets, measures

    inst = measures.load_instrument()
    smes = datasets.load_khulna_smes().set_index("firm_id")
    smes = smes.assign(export_code=smes["export_status"].map({"none": 0.0, "indirect": 1.0, "direct": 2.0}))
    rng = np.random.default_rng(seed)
    n = len(smes)
    firm_shift = rng.normal(0, 0.3, n)  # some owners agree more readily than others
    answers = {}
    for dim in inst.dimension_ids:
        rank = smes[_READINESS_DRIVERS[dim]].astype(float).rank(pct=True).mean(axis=1).rank(pct=True).to_numpy()
        latent = _READINESS_MEAN[dim] + 2.0 * (rank - 0.5) + firm_shift
        items = inst.items[inst.items["dimension"] == dim]
        for item, rev in zip(items["id"], items["reverse"]):
            x = np.clip(np.rint(latent + rng.normal(0, 0.6, n)), inst.low, inst.high).astype(int)
            answers[item] = inst.low + inst.high - x if rev else x
    frame = pd.DataFrame(answers, index=smes.index)[inst.item_ids]
    return frame


def khulna_readiness_responses(seed: int = 20131101) -> pd.DataFrame:
    """A SYNTHETIC set of answers to the readiness instrument for the 50 Khulna SMEs.

    Rows are firm ids (``KS01`` … ``KS50`` of :func:`sme_teach.datasets.load_khulna_smes`),
    columns the instrument's item ids (:func:`sme_teach.measures.load_instrument`), answers
    1-5. Ready for :func:`sme_teach.measures.readiness_scores`.

    Notes
    -----
    No owner answered these questions: the seed study reports no item-level data. For
    each dimension a firm's latent agreement is an assumed sector-wide level
    (prospects 2.5, policy 2.3, cluster networking 3.3, … on the 1-5 scale) plus up to
    ±1 point for the firm's within-sample rank on related Khulna columns (e.g. cluster
    networking: information sharing, resource sharing, joint marketing, trust), plus a
    firm-wide tendency to agree (N(0, 0.3)); each item adds N(0, 0.6) noise, is rounded
    and clipped to 1-5, and negatively worded items are mirrored. Deterministic for a
    given ``seed``.

    Examples
    --------
    >>> r = khulna_readiness_responses()
    >>> r.shape, int(r.min().min()) >= 1, int(r.max().max()) <= 5
    ((50, 26), True, True)
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise SmeTeachError(f"seed must be a whole number, got {seed!r}")
    return _responses_cached(int(seed)).copy()


def compute_readiness(answers: dict, firm_id: str = "KS28") -> dict:
    """Score one firm's readiness after changing some answers.

    Starts from ``firm_id``'s answers in :func:`khulna_readiness_responses`, replaces the
    items given in ``answers`` (item id → 1-5) and calls
    :func:`sme_teach.measures.readiness_scores`.

    Returns
    -------
    dict
        ``scores`` — DataFrame with one row per dimension: ``dimension``, ``label``,
        ``group`` (phase or competency), ``score`` (0-100), ``band``; ``overall``,
        ``band`` (of the overall score), ``weakest`` (dimension id), ``weakest_label``.

    Examples
    --------
    >>> out = compute_readiness({"net_3": 5})
    >>> sorted(out)[:3], 0 <= out["overall"] <= 100
    (['band', 'overall', 'scores'], True)
    """
    from .. import measures

    from .._validate import check_mapping

    base = _responses_cached(20131101)
    answers = check_mapping(answers, "answers", "a dict item id -> answer 1-5")
    if not isinstance(firm_id, str) or firm_id not in base.index:
        raise SmeTeachError(f"unknown firm {firm_id!r}; expected one of KS01 … KS{len(base):02d}")
    inst = measures.load_instrument()
    row = {k: int(v) for k, v in base.loc[firm_id].items()}
    unknown = [k for k in answers if k not in row]
    if unknown:
        raise SmeTeachError(f"unknown item {unknown[0]!r}; expected item ids such as {', '.join(inst.item_ids[:4])}")
    row.update(answers)  # readiness_scores checks each answer (no silent int() truncation of 3.5)
    s = measures.readiness_scores(row, inst)
    dims = inst.dimensions
    scores = pd.DataFrame({
        "dimension": dims["id"].to_numpy(),
        "label": dims["label"].to_numpy(),
        "group": dims["group"].to_numpy(),
        "score": [float(s[d]) for d in dims["id"]],
    })
    scores["band"] = measures.readiness_band(scores["score"].to_numpy(), inst)
    label = dict(zip(dims["id"], dims["label"]))
    return {"scores": scores, "overall": float(s["overall"]), "band": str(s["band"]),
            "weakest": str(s["weakest"]), "weakest_label": label[str(s["weakest"])]}


def _readiness_figure(out: dict, title: str):
    import matplotlib.pyplot as plt

    sc = out["scores"].iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.8, 3.6), layout="constrained")
    plt.close(fig)
    for lo, hi, shade in ((0, 40, "#F2F2F2"), (40, 70, "#E6E6E6"), (70, 100, "#F2F2F2")):
        ax.axvspan(lo, hi, color=shade, zorder=0)
    for x, name in ((20, "low"), (55, "developing"), (85, "strong")):
        ax.text(x, len(sc) - 0.35, name, ha="center", va="bottom", fontsize=8, color="#444444")
    colours = [BAND_COLOURS.get(b, _GREY) for b in sc["band"]]
    hatches = ["//" if d == out["weakest"] else "" for d in sc["dimension"]]
    bars = ax.barh(sc["label"], sc["score"], color=colours, edgecolor="#333333", hatch=hatches, zorder=2)
    ax.bar_label(bars, labels=[f"{v:.0f} ({b})" for v, b in zip(sc["score"], sc["band"])], padding=3, fontsize=8.5)
    ax.axvline(out["overall"], color="black", linestyle="--", linewidth=1, zorder=3)
    ax.set_xlim(0, 125)
    ax.set_ylim(-0.6, len(sc) + 0.2)
    ax.set_xlabel(f"score 0-100\ndashed line: overall {out['overall']:.0f}; hatched bar: weakest area", fontsize=9)
    ax.set_title(title, fontsize=10)
    alt = (f"Horizontal bar chart: {title}. Scores from 0 to 100 with bands low below 40, developing 40 to 70, "
           f"strong from 70. " + "; ".join(f"{r.label} {r.score:.0f} ({r.band})" for r in out["scores"].itertuples())
           + f". Overall {out['overall']:.0f} ({out['band']}); weakest: {out['weakest_label']}.")
    return fig, alt


def readiness_view(firm_id: str = "KS28"):
    """Sliders for one key item per dimension (first: a capacity item); bars show strengths and gaps."""
    import ipywidgets as w

    from .. import measures

    inst = measures.load_instrument()
    base = _responses_cached(20131101)
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
    from .. import datasets

    name = datasets.load_khulna_smes().set_index("firm_id").loc[firm_id, "firm_name"]
    note = w.HTML("<p>Answers: 1 = strongly disagree … 5 = strongly agree. The other items keep "
                  f"{html.escape(name)}'s answers.</p>")

    def redraw(_=None):
        out = compute_readiness({i: s.value for i, s in zip(READINESS_KEY_ITEMS, sliders)}, firm_id)
        fig, alt = _readiness_figure(out, f"Readiness of {name} ({firm_id})")
        summary = (f"<p><b>Overall:</b> {out['overall']:.0f} ({out['band']}). <b>Weakest area:</b> "
                   f"{html.escape(out['weakest_label'])}.</p>")
        result.value = figure_html(fig, alt) + summary

    for s in sliders:
        s.observe(redraw, names="value")
    redraw()
    return w.VBox([note, *sliders, result])
