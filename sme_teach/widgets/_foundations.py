"""Views for the foundation lessons (01 why go international, 02 marginal analysis, 03 stage theories).

Each view is a function that returns an ipywidgets container. Its callback calls one use case
of :mod:`sme_teach.cases` (tested without a browser) through :func:`~sme_teach.widgets.wire`
and renders the result; the views hold no model logic.
"""

from __future__ import annotations

import html

from .. import cases, datasets, frameworks
from ..cases import DEFAULT_HOSTS, UPPSALA_ACTIVITIES, UPPSALA_EXAMPLES  # noqa: F401  (view defaults)
from ..plots import OKABE_ITO, table_html
from ._common import figure_html, mark
from ._wire import wire


def _esc(value) -> str:
    return html.escape("" if value is None else str(value))



__all__ = [
    "construct_options",  # lesson 01 (the dropdown's labels)
    "construct_explorer",  # lesson 01
    "framework_views", "framework_explorer",  # lesson 07: one layer of links or one path at a time
    "literature_explorer",
    "marginal_analysis_explorer",  # lesson 02
    "uppsala_stepper",  # lesson 03
    "cultural_distance_chart",
]


# =========================================================================== lesson 01


def _construct_card(c: dict) -> str:
    parts = [f'<h4 style="margin:4px 0">{_esc(c["label"])} <span style="font-weight:normal;color:#555">'
             f'— {_esc(c["layer_label"])}</span></h4>',
             f'<p style="margin:4px 0"><b>Definition.</b> {_esc(c["definition"])}</p>']
    if c["quote"]:
        parts.append(f'<blockquote style="margin:4px 0 4px 12px;border-left:3px solid #0072B2;padding-left:8px">'
                     f'“{_esc(c["quote"])}”</blockquote>')
    parts.append(f'<p style="margin:4px 0"><b>Source.</b> {_esc(c["source"])}</p>')
    if c["note"]:
        parts.append(f'<p style="margin:4px 0"><b>Note.</b> {_esc(c["note"])}</p>')
    parts.append(f'<p style="margin:4px 0"><b>Fed by:</b> {_esc(", ".join(c["inputs"]) or "nothing (a starting point)")}'
                 f' &nbsp;·&nbsp; <b>Leads to:</b> {_esc(", ".join(c["outputs"]) or "nothing (an end point)")}</p>')
    return "".join(parts)


def construct_options(model: str = "csf") -> list[tuple[str, str]]:
    """The construct dropdown's ``(label, node id)`` pairs: the construct's name first, then its layer.

    Names a student can tell apart: lesson 01's CSF model has a Table 1 factor "Capacity Building" and a
    competency "Capacity building", so every option names its layer after the construct.

    >>> opts = dict(construct_options("csf"))
    >>> [label for label in opts if label.lower().startswith("capacity building")]
    ['Capacity Building · Success factors in the literature review', 'Capacity building · Internationalization competencies']
    """
    G = frameworks.load(model)
    nodes = frameworks.nodes_frame(G)
    layer_label = {layer["id"]: layer.get("label", layer["id"]) for layer in G.graph["layers"]}
    return [(f"{r.label} · {_short_layer(layer_label[r.layer])}", r.id) for r in nodes.itertuples()]


def _short_layer(label: str) -> str:
    # "Success factors in the literature (Table 1)" reads as one phrase in a 640 px dropdown
    return "Table 1 factor" if "Table 1" in label else label


def construct_explorer(model: str = "csf", start: str | None = None, *, show_diagram: bool = True):
    """Click through a model: pick a construct, read its definition, source and seed quote.

    The diagram below the card draws the chosen construct with its direct inputs and outputs
    (:func:`sme_teach.plots.draw_framework` with ``focus=`` and ``depth=1``), so its labels stay
    readable on a laptop screen; the whole model is one ``draw_framework`` call away.

    Parameters
    ----------
    model : str, default "csf"
        Framework name.
    start : str, optional
        Node id shown first (default: the first node of the model).
    show_diagram : bool, default True
        Draw the highlighted diagram under the card.

    Returns
    -------
    ipywidgets.VBox
        A Dropdown (class ``sme-control``) and an HTML result (class ``sme-result``).
    """
    import ipywidgets as w

    from ..plots import draw_framework, framework_alt_text

    G = frameworks.load(model)
    nodes = frameworks.nodes_frame(G)
    layer_label = {layer["id"]: layer.get("label", layer["id"]) for layer in G.graph["layers"]}
    options = construct_options(model)
    value = start if start is not None else options[0][1]
    dropdown = mark(w.Dropdown(options=options, value=value, description="Construct",
                               style={"description_width": "initial"}, layout=w.Layout(width="min(100%, 640px)")),
                    "control")
    result = mark(w.HTML(), "result")
    alt_base = framework_alt_text(G)

    def render(c, _values):
        body = _construct_card(c)
        if show_diagram:
            # the construct with its direct inputs and outputs: at most four columns, labels readable
            # at 1366 x 768 (the whole model, drawn above the explorer in lesson 01, is 5 columns wide)
            # (nothing is faded: every box drawn is the construct or one of its links' ends)
            fig = draw_framework(G, focus=c["id"], depth=1, show_moderators=False)
            alt = (f"{alt_base}\nHighlighted: {c['label']} ({c['layer_label']}); fed by "
                   f"{', '.join(c['inputs']) or 'nothing'}; leads to {', '.join(c['outputs']) or 'nothing'}.")
            body += figure_html(fig, alt)
        return body

    wire({"node": dropdown}, cases.construct, render, result, fixed={"model": model})
    return w.VBox([dropdown, result])


def literature_explorer():
    """Pick a broad success factor of Table 1 and read the studies filed under it.

    Returns
    -------
    ipywidgets.VBox
        A Dropdown (``sme-control``) and an HTML table (``sme-result``).
    """
    import ipywidgets as w

    summary = cases.literature_studies()
    table = datasets.load_literature_table()
    ids = dict(zip(table["success_factor"], table["success_factor_id"]))
    options = [(f"{r.success_factor} ({r.studies} studies)", ids[r.success_factor]) for r in summary.itertuples()]
    dropdown = mark(w.Dropdown(options=options, description="Success factor",
                               style={"description_width": "initial"}), "control")
    result = mark(w.HTML(), "result")

    def render(studies, _values):
        return (f"<p><b>{len(studies)} studies</b> (Bose, 2016, Table 1; authors as printed)</p>"
                + table_html(studies))

    wire({"factor": dropdown}, cases.literature_studies, render, result)
    return w.VBox([dropdown, result])


# =========================================================================== lesson 02


def _marginal_figure(res: dict, unit: str):
    import matplotlib.pyplot as plt

    colours = OKABE_ITO
    t = res["table"]
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(t) + 1.6), layout="constrained")
    values = t["expected_net_benefit"].to_numpy()
    ax.barh(t["kpi"], values, color=[colours[0] if v >= 0 else colours[5] for v in values],
            hatch=None, edgecolor="black", linewidth=0.6)
    for y, v in enumerate(values):
        ax.text(v, y, f" {v:,.1f} ", va="center", ha="left" if v >= 0 else "right", fontsize=9)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    lo, hi = min(values.min(), 0), max(values.max(), 0)
    pad = 0.25 * (hi - lo or 1)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_xlabel(f"expected net benefit = probability × benefit − cost ({unit})")
    ax.set_title(f"Total {res['total']:,.1f} {unit}: "
                 + ("worth pursuing" if res["worthwhile"] else "not worth pursuing on these numbers"),
                 loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def marginal_analysis_explorer(kpis, delta: float = 0.1, unit: str = "lakh Tk a year", show_sensitivity: int = 5):
    """Sliders for each KPI's probability and payoff; the chart and verdict follow.

    Parameters
    ----------
    kpis : pandas.DataFrame
        Columns ``kpi, benefit, cost, probability`` (the case's first guesses).
    delta : float, default 0.1
        Step of the sensitivity table.
    unit : str
        Money unit shown on the chart.
    show_sensitivity : int, default 5
        Rows of the sensitivity table to show (0 hides it).

    Returns
    -------
    ipywidgets.VBox
        The first KPI's probability slider is the main control (``sme-control``); the
        HTML result (``sme-result``) holds the chart, the verdict and the sensitivity table.
    """
    import ipywidgets as w

    style = {"description_width": "initial"}
    p_sliders, b_sliders = {}, {}
    for row in kpis.itertuples():
        p_sliders[row.kpi] = w.FloatSlider(value=float(row.probability), min=0, max=1, step=0.05,
                                           description=f"P({row.kpi})", style=style, readout_format=".2f",
                                           continuous_update=False, layout=w.Layout(width="min(100%, 460px)"))
        b = float(row.benefit)
        lo, hi = (0.0, 2 * b) if b >= 0 else (2 * b, 0.0)
        step = max(round(abs(b) / 20, 1), 0.5) if b else 1.0
        b_sliders[row.kpi] = w.FloatSlider(value=b, min=lo, max=hi if hi > lo else 1.0, step=step,
                                           description=f"payoff({row.kpi})", style=style, readout_format=",.1f",
                                           continuous_update=False, layout=w.Layout(width="min(100%, 460px)"))
    first = next(iter(p_sliders.values()))
    mark(first, "control")
    result = mark(w.HTML(), "result")

    def render(res, _values):
        t = res["table"]
        alt = (f"Bar chart of expected net benefit per KPI in {unit}: "
               + "; ".join(f"{r.kpi} {r.expected_net_benefit:,.1f} (probability {r.probability:.2f}, "
                           f"payoff {r.benefit:,.1f}, cost {r.cost:,.1f})" for r in t.itertuples())
               + f". Total {res['total']:,.1f}.")
        body = figure_html(_marginal_figure(res, unit), alt)
        if show_sensitivity:
            s = res["sensitivity"].head(show_sensitivity)
            s = s[["kpi", "parameter", "low_value", "high_value", "total_low", "total_high", "swing"]]
            body += (f"<p style='margin:6px 0 2px'><b>Which guess matters most?</b> Each row moves one guess by "
                     f"±{delta:g} (probability) or ±{delta:.0%} (payoff, cost) and shows the new total.</p>"
                     + table_html(s))
        return body

    wire({"probabilities": p_sliders, "benefits": b_sliders}, cases.marginal_analysis, render, result,
         fixed={"kpis": kpis, "delta": delta})
    controls = w.HBox([w.VBox(list(p_sliders.values())), w.VBox(list(b_sliders.values()))],
                      layout=w.Layout(flex_flow="row wrap"))
    return w.VBox([controls, result])


# =========================================================================== lesson 03

def uppsala_stepper(activities=UPPSALA_ACTIVITIES, examples: dict | None = None, *, show_diagram: bool = True):
    """Step a firm along the Uppsala establishment chain with a slider of activities.

    Returns
    -------
    ipywidgets.VBox
        A SelectionSlider (``sme-control``, arrow keys move it) and an HTML card with the
        highlighted Uppsala diagram (``sme-result``).
    """
    import ipywidgets as w

    from ..plots import draw_framework, framework_alt_text

    options = [(a.replace("_", " "), a) for a in activities]
    slider = mark(w.SelectionSlider(options=options, value=activities[0], description="Activity abroad",
                                    style={"description_width": "initial"}, continuous_update=False,
                                    layout=w.Layout(width="min(100%, 640px)")), "control")
    result = mark(w.HTML(), "result")
    G = frameworks.load("uppsala")
    alt_base = framework_alt_text(G)

    def render(r, _values):
        body = (f'<h4 style="margin:4px 0">“{_esc(r["activity"].replace("_", " "))}” → step {r["step"]} of 4: '
                f'{_esc(r["stage_name"])}</h4>'
                f'<p style="margin:4px 0"><b>What it means.</b> {_esc(r["definition"])}</p>'
                f'<p style="margin:4px 0"><b>Khulna case.</b> {_esc(r["example"])}</p>')
        if show_diagram:
            fig = draw_framework(G, highlight=r["node"], figsize=(10, 5.2))
            body += figure_html(fig, f"{alt_base}\nHighlighted: {r['label']} (step {r['step']} of the chain).")
        return body

    wire({"activity": slider}, cases.uppsala_step, render, result, fixed={"examples": examples})
    return w.VBox([slider, result])


def _distance_figure(d, home_name: str):
    import matplotlib.pyplot as plt

    colours = OKABE_ITO
    fig, ax = plt.subplots(figsize=(7.5, 0.28 * len(d) + 1.4), layout="constrained")
    ax.barh(d["country"], d["kogut_singh"], color=colours[0], edgecolor="black", linewidth=0.5)
    ax.invert_yaxis()
    ax.set_xlabel("Kogut–Singh cultural distance (0 = same Hofstede scores)")
    ax.set_title(f"Cultural distance from {home_name}", loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def cultural_distance_chart(home: str = "BGD", hosts=DEFAULT_HOSTS, homes=("BGD", "IND", "CHN", "VNM", "USA", "GBR",
                                                                          "DEU", "JPN"),
                            dimensions=("PDI", "IDV", "MAS", "UAI")):
    """Bar chart of Kogut–Singh distances to export markets, with the home country selectable.

    Returns
    -------
    ipywidgets.VBox
        A Dropdown of home countries (``sme-control``) and the chart (``sme-result``).
    """
    import ipywidgets as w

    h = datasets.load_hofstede().set_index("iso3")
    options = [(f"{h.loc[c, 'country']} ({c})", c) for c in homes]
    dropdown = mark(w.Dropdown(options=options, value=home, description="Home country",
                               style={"description_width": "initial"}), "control")
    result = mark(w.HTML(), "result")

    def render(d, values):
        name = h.loc[values["home"], "country"]
        alt = (f"Bar chart of Kogut–Singh cultural distance from {name}, nearest first: "
               + "; ".join(f"{r.country} {r.kogut_singh:.2f}" for r in d.itertuples()) + ".")
        return figure_html(_distance_figure(d.dropna(subset=["kogut_singh"]), name), alt)

    wire({"home": dropdown}, cases.cultural_distance, render, result, fixed={"hosts": hosts, "dimensions": dimensions})
    return w.VBox([dropdown, result])


def framework_views(model: str = "alliance_fsa") -> list[tuple[str, dict]]:
    """The views :func:`framework_explorer` offers: ``(label, keyword arguments of draw_framework)``.

    One layer of links at a time (each pair of neighbouring ordinary layers) and one path at a time
    (every construct, with what builds it and what it builds), both without the moderator layers
    so that the picture is three columns at most and its labels stay readable on a laptop screen;
    then the whole model.

    >>> views = framework_views("alliance_fsa")
    >>> views[0]
    ('Links: Strategic alliance → Firm-specific advantages', {'layers': ('alliance', 'fsa'), 'show_moderators': False})
    >>> views[-1][0]
    'The whole model (large: scroll)'
    """
    G = frameworks.load(model)
    ordinary = [lay for lay in G.graph["layers"] if not lay.get("moderates")]
    views = [(f"Links: {a.get('label', a['id'])} → {b.get('label', b['id'])}",
              {"layers": (a["id"], b["id"]), "show_moderators": False}) for a, b in zip(ordinary, ordinary[1:])]
    layer_label = {lay["id"]: _short_layer(lay.get("label", lay["id"])) for lay in G.graph["layers"]}
    views += [(f"Path through: {r.label} · {layer_label[r.layer]}", {"focus": r.id, "show_moderators": False})
              for r in frameworks.nodes_frame(G).itertuples() if r.layer in {lay["id"] for lay in ordinary}]
    views.append(("The whole model (large: scroll)", {}))
    return views


def framework_explorer(model: str = "alliance_fsa"):
    """Read a large model one layer of links or one path at a time (:func:`framework_views`).

    Returns
    -------
    ipywidgets.VBox
        A Dropdown (class ``sme-control``) and the diagram (class ``sme-result``), drawn by
        :func:`sme_teach.plots.draw_framework` with the chosen ``layers=`` or ``focus=``.
    """
    import ipywidgets as w

    from ..plots import draw_framework

    G = frameworks.load(model)
    views = framework_views(model)
    dropdown = mark(w.Dropdown(options=[(label, i) for i, (label, _) in enumerate(views)], value=0,
                               description="View", style={"description_width": "initial"},
                               layout=w.Layout(width="min(100%, 640px)")), "control")
    result = mark(w.HTML(), "result")

    def render(change=None):
        label, kwargs = views[dropdown.value]
        fig = draw_framework(G, **kwargs)
        result.value = figure_html(fig, f"{label}. {fig.alt_text}")

    dropdown.observe(render, names="value")
    render()
    return w.VBox([dropdown, result])
