"""Views for lessons 7-9: the Alliance-FSA model, entry modes and destinations, the Khulna capstone.

Each view's callback calls one use case of :mod:`sme_teach.cases` (:func:`~sme_teach.cases.alliance_fsa`,
:func:`~sme_teach.cases.entry_mode`, :func:`~sme_teach.cases.destination_ranking`,
:func:`~sme_teach.cases.firm_profile`) and renders its result with :mod:`sme_teach.plots`;
no model logic lives here.
"""

from __future__ import annotations

import html

import pandas as pd

from .. import cases, measures
from ..plots import OKABE_ITO, table_html
from ._common import figure_html, mark
from ._wire import wire

__all__ = [
    "alliance_fsa_view",
    "entry_mode_view",
    "destination_view",
    "capstone_view",
]

#: The destination factors as the lesson's chart names them.
_FACTOR_LABELS = {
    "cultural": "Cultural (no shared language)",
    "administrative": "Administrative (other currency)",
    "geographic": "Geographic (km, no border)",
    "economic": "Economic (income-per-person gap)",
    "psychic": "Psychic (Kogut-Singh)",
    "small_market": "Small market",
}


def _figure(width, height):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _competency_chart(scores, labels, title, reference=None, reference_label=None):
    fig = _figure(7.5, 4.2)
    ax = fig.add_subplot()
    names = [labels[k] for k in scores.index][::-1]
    vals = scores.to_numpy()[::-1]
    ax.barh(names, vals, color=OKABE_ITO[0], label="score")
    for y, v in enumerate(vals):
        ax.text(v + 0.01, y, f"{v:.2f}", va="center", fontsize=8)
    if reference is not None:
        ax.scatter(reference.to_numpy()[::-1], range(len(vals)), marker="D", color=OKABE_ITO[1], zorder=3,
                   label=reference_label)
        ax.legend(loc="lower right", fontsize=8)
    ax.set_xlim(0, max(1.0, float(vals.max()) + 0.1) if reference is None else
                max(0.05, float(max(vals.max(), reference.max())) * 1.25))
    ax.set_xlabel("score (0 = absent, 1 = fully developed)")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    hi, lo = scores.idxmax(), scores.idxmin()
    alt = (f"Horizontal bar chart: {title}. Ten internationalisation competencies scored from 0 to 1. "
           f"Highest: {labels[hi]} {scores[hi]:.2f}; lowest: {labels[lo]} {scores[lo]:.2f}. "
           + "; ".join(f"{labels[k]} {v:.2f}" for k, v in scores.items()) + ".")
    return figure_html(fig, alt)


def _paths_html(res, competency, top=8) -> str:
    lab = res["labels"]
    p = res["paths"].head(top)
    t = p.assign(alliance=[lab[a] for a in p["alliance"]], fsa=[lab[f] for f in p["fsa"]],
                 share=[f"{s:.0%}" for s in p["share"]])
    t = t.rename(columns={"alliance": "alliance", "fsa": "through the FSA", "contribution": "contribution to the score",
                          "share": "share of the score"}).set_index("alliance")
    table = table_html(t, f"Largest paths into {lab[competency]} (contribution = m1 × m2 × strength ÷ "
                          "in-degrees)", index=True, fmt="{:.3f}") if len(t) else "<p>No path carries any flow.</p>"
    return f"<pre style='white-space:pre-wrap'>{html.escape(res['explanation'])}</pre>{table}"


# ----------------------------------------------------------------------------- views


def alliance_fsa_view(firm_id=None, alliances=0.5, cycle1=0.6, cycle2=0.6, data=None):
    """Explore the Alliance-FSA model: moderator levels and alliance strengths → competencies.

    Controls: overall cycle-1 moderator level (the marked control), cycle-2 level, one
    alliance's strength (pick it in a Dropdown), the moderation rule and the competency
    to explain. Result: a bar chart of the ten competency scores, with the explanation and
    the largest alliance → FSA paths below it.

    Parameters
    ----------
    firm_id : str, optional
        Start from a Khulna firm's alliance strengths (its moderators are replaced by the
        overall levels of the sliders).
    alliances : float or dict
        Starting strengths when no firm is given.
    """
    import ipywidgets as W

    lay = cases.model_layers()
    label = cases.model_labels()
    strengths = (cases.firm_inputs(firm_id, data)["alliances"] if firm_id is not None
                 else dict(alliances) if isinstance(alliances, dict) else {a: float(alliances) for a in lay["alliance"]})
    style = {"description_width": "150px"}
    layout = W.Layout(width="460px")
    c1 = mark(W.FloatSlider(value=cycle1, min=0, max=1, step=0.05, description="Cycle-1 moderators",
                            style=style, layout=layout, continuous_update=False), "control")
    c2 = W.FloatSlider(value=cycle2, min=0, max=1, step=0.05, description="Cycle-2 moderators", style=style,
                       layout=layout, continuous_update=False)
    pick = W.Dropdown(options=[(label[a], a) for a in lay["alliance"]], description="Alliance form",
                      style=style, layout=layout)
    strength = W.FloatSlider(value=strengths[pick.value], min=0, max=1, step=0.05, description="Its strength",
                             style=style, layout=layout, continuous_update=False)
    rule = W.Dropdown(options=[("gated (mean, capped by trust and fair shares)", "gated"),
                               ("mean (strengths compensate)", "mean"), ("min (weakest limits)", "min"),
                               ("product (strictest)", "product")], description="Moderation rule",
                      style=style, layout=layout)
    explain = W.Dropdown(options=[(label[k], k) for k in lay["competency"]], description="Explain",
                         style=style, layout=layout)
    result = mark(W.HTML(), "result")
    detail = W.HTML()
    busy = {"syncing": False}

    def redraw(*_):
        if busy["syncing"]:
            return
        strengths[pick.value] = strength.value
        res = cases.alliance_fsa(dict(strengths), c1.value, c2.value, rule.value, explain.value)
        title = f"Competencies (m1 = {res['m1']:.2f}, m2 = {res['m2']:.2f}, rule: {rule.value})"
        result.value = _competency_chart(res["competency"], res["labels"], title)
        detail.value = _paths_html(res, explain.value)

    def on_pick(_):
        busy["syncing"] = True
        strength.value = strengths[pick.value]
        busy["syncing"] = False

    pick.observe(on_pick, names="value")
    for w in (c1, c2, strength, rule, explain):
        w.observe(redraw, names="value")
    redraw()
    controls = W.VBox([c1, c2, W.HBox([pick]), strength, rule, explain])
    return W.VBox([controls, result, detail])


def entry_mode_view(**start):
    """Five sliders (asset specificity, country risk, cultural distance, firm size, experience) → mode + reasons."""
    import ipywidgets as W

    defaults = {"asset_specificity": 0.3, "country_risk": 0.4, "cultural_distance": 0.6, "firm_size": 0.2,
                "international_experience": 0.2, **start}
    style = {"description_width": "170px"}
    sliders = {k: W.FloatSlider(value=v, min=0, max=1, step=0.05, description=k.replace("_", " ").capitalize(),
                                style=style, layout=W.Layout(width="460px"), continuous_update=False)
               for k, v in defaults.items()}
    mark(sliders["asset_specificity"], "control")
    result = mark(W.HTML(), "result")

    def render(r, _values):
        items = "".join(f"<li>{html.escape(x)}</li>" for x in r["reasons"])
        return (f"<p><b>Recommended mode: {html.escape(r['mode'])}</b> ({html.escape(r['family'])} "
                f"family) — capacity {r['capacity']:.2f}, uncertainty {r['uncertainty']:.2f}</p>"
                f"<ul>{items}</ul>")

    wire(sliders, cases.entry_mode, render, result)
    return W.VBox([*sliders.values(), result])


def _destination_html(table, home_name: str) -> str:
    facts = [c[len("contribution_"):] for c in table.columns if c.startswith("contribution_")]
    t = table.iloc[::-1]
    fig = _figure(7.5, 0.35 * len(t) + 1.4)
    ax = fig.add_subplot()
    import numpy as np

    left = np.zeros(len(t))
    for i, f in enumerate(facts):
        vals = t[f"contribution_{f}"].fillna(0).to_numpy()
        ax.barh(t["name"], vals, left=left, color=OKABE_ITO[i % len(OKABE_ITO)], label=_FACTOR_LABELS.get(f, f),
                edgecolor="white", linewidth=0.5)
        left = left + vals
    for y, (v, r) in enumerate(zip(t["total"], t["rank"])):
        ax.text((0 if np.isnan(v) else v) + 0.01, y, "no score" if np.isnan(v) else f"#{r}  {v:.2f}",
                va="center", fontsize=8)
    ax.set_xlim(0, 1.15)
    ax.set_xlabel("weighted distance (lower = more attractive)")
    ax.set_title(f"Destinations from {home_name}: contributions to the total", fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    order = ", ".join(f"{r}. {n} ({v:.2f})" for n, v, r in zip(table["name"], table["total"], table["rank"]))
    alt = (f"Stacked horizontal bar chart ranking {len(table)} destinations from {home_name} by weighted "
           f"distance, lower is better; each bar is split into the factors {', '.join(facts)}. Ranking: {order}.")
    shown = table[["name", *[f"contribution_{f}" for f in facts], "total", "rank"]].rename(
        columns={f"contribution_{f}": f for f in facts})
    shown = shown.assign(rank=shown["rank"].astype(str))
    return figure_html(fig, alt) + table_html(shown.set_index("name"), "Contribution of each factor (weight share × score)",
                                              index=True, fmt="{:.3f}")


def destination_view(home="BGD", candidates=None):
    """Destination screen: factor weights (cultural first, the marked control) and home country → ranking."""
    import ipywidgets as W

    style = {"description_width": "200px"}
    layout = W.Layout(width="480px")
    weights = {f: W.FloatSlider(value=1.0, min=0, max=3, step=0.25, description=f"{_FACTOR_LABELS[f]} weight",
                                style=style, layout=layout, continuous_update=False)
               for f in measures.DESTINATION_FACTORS}
    mark(weights["cultural"], "control")
    home_dd = W.Dropdown(options=cases.home_options(), value=home, description="Home country", style=style, layout=layout)
    result = mark(W.HTML(), "result")
    names = dict((i, n) for n, i in cases.home_options())

    def redraw(*_):
        w = {f: s.value for f, s in weights.items()}
        if sum(w.values()) <= 0:
            result.value = "<p><b>Give at least one factor a weight above 0.</b></p>"
            return
        cands = candidates if home_dd.value == home else None
        table = cases.destination_ranking(home_dd.value, cands, w)
        result.value = _destination_html(table, names.get(home_dd.value, home_dd.value))

    for s in [*weights.values(), home_dd]:
        s.observe(redraw, names="value")
    redraw()
    return W.VBox([*weights.values(), home_dd, result])


def _profile_html(p) -> str:
    prof = p["profile"]
    lab = dict(zip(p["competency"].index, p["competency"]["label"]))
    al = p["alliances"].sort_values(ascending=False)
    label = cases.model_labels()
    al_txt = ", ".join(f"{label[a]} {v:.2f}" for a, v in al.items() if v > 0) or "none"
    chart = _competency_chart(p["competency"]["score"], lab,
                              f"{prof['firm_id']} {prof['firm_name']}: competencies vs cohort median",
                              reference=p["competency"]["cohort_median"], reference_label="cohort median")
    weak = ", ".join(f"{lab[k]} ({p['competency'].at[k, 'percentile']:.0f}th pct)" for k in p["weakest"])
    strong = ", ".join(f"{lab[k]} ({p['competency'].at[k, 'percentile']:.0f}th pct)" for k in p["strongest"])
    facts = pd.DataFrame({"value": [str(v) for v in prof.values()]},
                         index=pd.Index([k.replace("_", " ") for k in prof], name="fact"))
    return (table_html(facts, "Firm profile", index=True) +
            f"<p><b>Alliances practised</b> (strength 0-1): {html.escape(al_txt)}</p>"
            f"<p><b>Cycle multipliers</b>: m1 = {p['m1']:.2f}, m2 = {p['m2']:.2f}</p>{chart}"
            f"<p><b>Weakest vs peers</b>: {html.escape(weak)}<br><b>Strongest vs peers</b>: {html.escape(strong)}</p>")


def capstone_view(firm_id=None, data=None):
    """Pick a Khulna firm (Dropdown, the marked control) → profile, alliances and competency diagnosis."""
    import ipywidgets as W

    opts = cases.firm_options(data)
    dd = mark(W.Dropdown(options=opts, value=firm_id or opts[0][1], description="Firm",
                         layout=W.Layout(width="520px")), "control")
    result = mark(W.HTML(), "result")

    cohort = cases.Cohort(data)  # scored once for every firm the Dropdown shows
    wire({"firm_id": dd}, cases.firm_profile, lambda p, _values: _profile_html(p), result, fixed={"cohort": cohort})
    return W.VBox([dd, result])
