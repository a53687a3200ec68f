"""Views for the foundation lessons (01 why go international, 02 marginal analysis, 03 stage theories).

Each view is a function that returns an ipywidgets container. Its callback calls one pure
``compute_*`` function of this module (plain values in, plain data out, tested without a
browser) and redraws one HTML result. The ``compute_*`` functions call
:mod:`sme_teach.frameworks`, :mod:`sme_teach.measures` and :mod:`sme_teach.datasets`; they
hold no model logic of their own.
"""

from __future__ import annotations

import functools
import html

from ._common import figure_html, mark

__all__ = [
    # lesson 01
    "compute_construct",
    "compute_literature",
    "construct_explorer",
    "literature_explorer",
    # lesson 02
    "compute_marginal_analysis",
    "marginal_analysis_explorer",
    # lesson 03
    "UPPSALA_ACTIVITIES",
    "UPPSALA_EXAMPLES",
    "DEFAULT_HOSTS",
    "compute_uppsala_step",
    "compute_cultural_distance",
    "uppsala_stepper",
    "cultural_distance_chart",
]


# --------------------------------------------------------------------------- shared helpers


@functools.lru_cache(maxsize=16)
def _framework(name: str):
    """A framework graph, loaded once per process. Read it; never modify it."""
    from .. import frameworks

    return frameworks.load(name)


@functools.lru_cache(maxsize=1)
def _literature():
    from .. import datasets

    return datasets.load_literature_table()


@functools.lru_cache(maxsize=1)
def _hofstede():
    from .. import datasets

    return datasets.load_hofstede().set_index("iso3")


def _esc(value) -> str:
    return html.escape("" if value is None else str(value))


def _table_html(frame, floatfmt="{:,.2f}") -> str:
    """A small DataFrame as an accessible HTML table (header cells with scope)."""
    head = "".join(f'<th scope="col" style="text-align:left;padding:2px 8px">{_esc(c)}</th>' for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for v in row.tolist():
            text = floatfmt.format(v) if isinstance(v, float) else _esc(v)
            cells.append(f'<td style="padding:2px 8px">{text}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return ('<table style="border-collapse:collapse;font-size:0.92em">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _okabe_ito():
    from ..plots import OKABE_ITO

    return OKABE_ITO


# =========================================================================== lesson 01


def compute_construct(node: str, model: str = "csf") -> dict:
    """Everything a student needs to read one construct of a model.

    Parameters
    ----------
    node : str
        Node id of the construct (e.g. ``"benefits"``).
    model : str, default "csf"
        A framework name from :func:`sme_teach.frameworks.available`.

    Returns
    -------
    dict
        ``id, label, layer, layer_label, definition, source, quote, note`` (strings, ``""``
        when absent), ``inputs`` and ``outputs`` (labels of the constructs linked into and out
        of this one, moderator links left out), ``rationales`` (the sentences that state the
        outgoing links, without repeats) and ``title``/``citation`` of the model.

    Raises
    ------
    SmeTeachError
        For an unknown model or node (valid choices listed).

    Examples
    --------
    >>> c = compute_construct("kpi_marginal_analysis")
    >>> c["layer_label"], c["outputs"]
    ('Future internationalization prospects', ['Future internationalization prospects'])
    """
    from .._validate import check_choice

    G = _framework(model)
    check_choice(node, list(G.nodes), f"construct of framework {model!r}")
    d = G.nodes[node]
    layers = {layer["id"]: layer for layer in G.graph["layers"]}

    def main(edges):
        return [(u, v, e) for u, v, e in edges if e.get("kind") != "moderates"]

    inputs = [G.nodes[u].get("label", u) for u, _, _ in main(G.in_edges(node, data=True))]
    out_edges = main(G.out_edges(node, data=True))
    outputs = [G.nodes[v].get("label", v) for _, v, _ in out_edges]
    rationales = list(dict.fromkeys(e.get("rationale", "") for _, _, e in out_edges if e.get("rationale")))
    return {
        "id": node,
        "label": d.get("label", node),
        "layer": d["layer"],
        "layer_label": layers[d["layer"]].get("label", d["layer"]),
        "definition": d.get("definition", ""),
        "source": " ".join(str(d.get("source", "")).split()),
        "quote": d.get("quote", "") or "",
        "note": d.get("note", "") or "",
        "inputs": inputs,
        "outputs": outputs,
        "rationales": rationales,
        "title": G.graph.get("title", model),
        "citation": " ".join(str(G.graph.get("citation", "")).split()),
    }


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


def construct_explorer(model: str = "csf", start: str | None = None, *, show_diagram: bool = True):
    """Click through a model: pick a construct, read its definition, source and seed quote.

    The diagram below the card highlights the chosen construct and its links
    (:func:`sme_teach.plots.draw_framework` with ``highlight=``).

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

    from .. import frameworks
    from ..plots import draw_framework, framework_alt_text

    G = _framework(model)
    nodes = frameworks.nodes_frame(G)
    layer_label = {layer["id"]: layer.get("label", layer["id"]) for layer in G.graph["layers"]}
    options = [(f"{layer_label[r.layer]} → {r.label}", r.id) for r in nodes.itertuples()]
    value = start if start is not None else options[0][1]
    dropdown = mark(w.Dropdown(options=options, value=value, description="Construct",
                               style={"description_width": "initial"}, layout=w.Layout(width="min(100%, 640px)")),
                    "control")
    result = mark(w.HTML(), "result")
    alt_base = framework_alt_text(G)

    def show(change=None):
        c = compute_construct(dropdown.value, model)
        body = _construct_card(c)
        if show_diagram:
            fig = draw_framework(G, highlight=c["id"])
            alt = (f"{alt_base}\nHighlighted: {c['label']} ({c['layer_label']}); fed by "
                   f"{', '.join(c['inputs']) or 'nothing'}; leads to {', '.join(c['outputs']) or 'nothing'}.")
            body += figure_html(fig, alt)
        result.value = body

    dropdown.observe(show, "value")
    show()
    return w.VBox([dropdown, result])


def compute_literature(factor: str | None = None):
    """Studies of the CSF paper's Table 1, for one broad success factor or all of them.

    Parameters
    ----------
    factor : str, optional
        A ``success_factor_id`` (e.g. ``"sf_benefits_barriers"``) or the printed factor name
        (e.g. ``"Benefits & Barriers"``). ``None`` returns one summary row per factor.

    Returns
    -------
    pandas.DataFrame
        For a factor: ``authors, year, variables_covered`` sorted by year. For ``None``:
        ``success_factor, studies, first_year, last_year, informs`` (the CSF model node the
        factor feeds, from the framework's ``informs`` links), largest factor first.

    Examples
    --------
    >>> int(compute_literature()["studies"].sum())
    45
    >>> len(compute_literature("Timing of Internationalization"))
    6
    """
    from .._validate import check_choice

    table = _literature()
    if factor is None:
        G = _framework("csf")
        informs = {u: ", ".join(G.nodes[v]["label"] for _, v in G.out_edges(u)) for u in
                   table["success_factor_id"].unique()}
        out = (table.groupby(["success_factor_id", "success_factor"], sort=False)
               .agg(studies=("authors", "size"), first_year=("year", "min"), last_year=("year", "max"))
               .reset_index())
        out["informs"] = out["success_factor_id"].map(informs)
        out = out.sort_values("studies", ascending=False, kind="stable").reset_index(drop=True)
        return out[["success_factor", "studies", "first_year", "last_year", "informs"]]
    names = dict(zip(table["success_factor"], table["success_factor_id"]))
    ids = list(table["success_factor_id"].unique())
    fid = names.get(factor, factor)
    check_choice(fid, ids + list(names), "success factor")
    rows = table[table["success_factor_id"] == fid]
    return rows.sort_values(["year", "table_line"], kind="stable")[["authors", "year", "variables_covered"]].reset_index(drop=True)


def literature_explorer():
    """Pick a broad success factor of Table 1 and read the studies filed under it.

    Returns
    -------
    ipywidgets.VBox
        A Dropdown (``sme-control``) and an HTML table (``sme-result``).
    """
    import ipywidgets as w

    summary = compute_literature()
    table = _literature()
    ids = dict(zip(table["success_factor"], table["success_factor_id"]))
    options = [(f"{r.success_factor} ({r.studies} studies)", ids[r.success_factor]) for r in summary.itertuples()]
    dropdown = mark(w.Dropdown(options=options, description="Success factor",
                               style={"description_width": "initial"}), "control")
    result = mark(w.HTML(), "result")

    def show(change=None):
        studies = compute_literature(dropdown.value)
        result.value = (f"<p><b>{len(studies)} studies</b> (Bose, 2016, Table 1; authors as printed)</p>"
                        + _table_html(studies))

    dropdown.observe(show, "value")
    show()
    return w.VBox([dropdown, result])


# =========================================================================== lesson 02


def compute_marginal_analysis(kpis, probabilities=None, benefits=None, delta: float = 0.1) -> dict:
    """Marginal analysis of a KPI list with some guesses changed, plus its sensitivity table.

    Parameters
    ----------
    kpis : pandas.DataFrame
        Columns ``kpi, benefit, cost, probability`` as for
        :func:`sme_teach.measures.expected_net_benefit`.
    probabilities, benefits : dict, optional
        KPI name → new probability / new benefit (the slider values); other KPIs keep
        their values in ``kpis``.
    delta : float, default 0.1
        Step of :func:`sme_teach.measures.sensitivity`.

    Returns
    -------
    dict
        ``table`` (per-KPI DataFrame from ``expected_net_benefit``), ``total`` (float),
        ``worthwhile`` (bool), ``verdict`` (str) and ``sensitivity`` (DataFrame, largest
        swing first).

    Raises
    ------
    SmeTeachError
        For a KPI name in ``probabilities``/``benefits`` that is not in the table, or
        anything :func:`~sme_teach.measures.expected_net_benefit` rejects.

    Examples
    --------
    >>> import pandas as pd
    >>> kpis = pd.DataFrame({"kpi": ["EU buyer", "trade fair"], "benefit": [500, 120],
    ...                      "cost": [100, 50], "probability": [0.3, 0.5]})
    >>> compute_marginal_analysis(kpis, probabilities={"EU buyer": 0.5})["total"]
    160.0
    """
    from .. import measures
    from .._validate import check_choices

    table = kpis.copy()
    for what, overrides in (("probability", probabilities), ("benefit", benefits)):
        if overrides:
            check_choices(list(overrides), table["kpi"].tolist(), "KPI")
            table[what] = table[what].astype(float)
            for name, value in overrides.items():
                table.loc[table["kpi"] == name, what] = float(value)
    result = measures.expected_net_benefit(table)
    return {
        "table": result.table,
        "total": result.total,
        "worthwhile": result.worthwhile,
        "verdict": str(result),
        "sensitivity": measures.sensitivity(table, delta=delta),
    }


def _marginal_figure(res: dict, unit: str):
    import matplotlib.pyplot as plt

    colours = _okabe_ito()
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

    def show(change=None):
        res = compute_marginal_analysis(kpis, {k: s.value for k, s in p_sliders.items()},
                                        {k: s.value for k, s in b_sliders.items()}, delta=delta)
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
                     + _table_html(s))
        result.value = body

    for s in [*p_sliders.values(), *b_sliders.values()]:
        s.observe(show, "value")
    show()
    controls = w.HBox([w.VBox(list(p_sliders.values())), w.VBox(list(b_sliders.values()))],
                      layout=w.Layout(flex_flow="row wrap"))
    return w.VBox([controls, result])


# =========================================================================== lesson 03

#: Activities a student can step through, in establishment-chain order (entry-mode words
#: understood by :func:`sme_teach.measures.uppsala_stage`).
UPPSALA_ACTIVITIES = (
    "unsolicited_orders",
    "sporadic_export",
    "independent_agent",
    "distributor",
    "sales_office",
    "sales_subsidiary",
    "production_subsidiary",
)

#: A Khulna frozen-shrimp processor at each step of the chain (illustrative, not a real firm).
UPPSALA_EXAMPLES = {
    1: "A Khulna shrimp processor ships a container now and then when a Kolkata trader phones with an order; "
       "nobody in the firm follows the Belgian market.",
    2: "A commission agent in Antwerp now places regular orders; containers leave Mongla port every month and "
       "the agent reports what Belgian supermarkets want.",
    3: "The firm opens its own sales office in Brussels, with a Bangladeshi manager who calls buyers and handles "
       "claims directly.",
    4: "The firm builds a packing and value-adding plant in the EU (breaded and ready-to-cook shrimp), the largest "
       "and least reversible commitment.",
}


def compute_uppsala_step(activity: str, examples: dict | None = None) -> dict:
    """The establishment-chain step that an activity reaches, with its model construct.

    Parameters
    ----------
    activity : str
        An entry-mode word (see :data:`sme_teach.measures.UPPSALA_MODES`; spaces allowed).
    examples : dict, optional
        Step (1-4) → case text; default :data:`UPPSALA_EXAMPLES` (a Khulna shrimp processor).

    Returns
    -------
    dict
        ``activity, step`` (from :func:`sme_teach.measures.uppsala_stage`), ``stage_name``
        (:data:`~sme_teach.measures.UPPSALA_STAGES`), ``node`` (the ``uppsala`` framework's
        construct id), ``label, definition, quote`` and ``example``.

    Examples
    --------
    >>> r = compute_uppsala_step("distributor")
    >>> r["step"], r["node"]
    (2, 'export_via_agents')
    """
    from .. import frameworks, measures

    examples = UPPSALA_EXAMPLES if examples is None else examples
    step = int(measures.uppsala_stage(activity))
    G = _framework("uppsala")
    node = frameworks.layer_nodes(G, "establishment_chain")[step - 1]
    d = G.nodes[node]
    return {
        "activity": activity,
        "step": step,
        "stage_name": measures.UPPSALA_STAGES[step],
        "node": node,
        "label": d.get("label", node),
        "definition": d.get("definition", ""),
        "quote": d.get("quote", ""),
        "example": examples.get(step, ""),
    }


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
    G = _framework("uppsala")
    alt_base = framework_alt_text(G)

    def show(change=None):
        r = compute_uppsala_step(slider.value, examples)
        body = (f'<h4 style="margin:4px 0">“{_esc(r["activity"].replace("_", " "))}” → step {r["step"]} of 4: '
                f'{_esc(r["stage_name"])}</h4>'
                f'<p style="margin:4px 0"><b>What it means.</b> {_esc(r["definition"])}</p>'
                f'<p style="margin:4px 0"><b>Khulna case.</b> {_esc(r["example"])}</p>')
        if show_diagram:
            fig = draw_framework(G, highlight=r["node"], figsize=(10, 5.2))
            body += figure_html(fig, f"{alt_base}\nHighlighted: {r['label']} (step {r['step']} of the chain).")
        result.value = body

    slider.observe(show, "value")
    show()
    return w.VBox([slider, result])


#: Bangladesh's main export destinations with all four original Hofstede scores.
DEFAULT_HOSTS = ("IND", "CHN", "JPN", "KOR", "MYS", "SGP", "THA", "VNM", "AUS", "TUR", "USA", "CAN",
                 "GBR", "DEU", "NLD", "BEL", "FRA", "ESP", "ITA", "POL")


def compute_cultural_distance(home: str = "BGD", hosts=DEFAULT_HOSTS,
                              dimensions=("PDI", "IDV", "MAS", "UAI")):
    """Kogut–Singh cultural distance from a home country to a list of hosts, nearest first.

    Parameters
    ----------
    home : str, default "BGD"
        ISO3 code of the home country (it is dropped from ``hosts`` if listed there).
    hosts : sequence of str
        ISO3 codes of the host countries.
    dimensions : sequence of str
        Hofstede dimensions used by :func:`sme_teach.measures.kogut_singh`.

    Returns
    -------
    pandas.DataFrame
        ``iso3, country, kogut_singh`` sorted ascending (hosts without a score on every
        dimension come last with NaN). Variances are taken over the whole Hofstede table,
        so a host's value does not depend on which other hosts are listed.

    Examples
    --------
    >>> d = compute_cultural_distance("BGD", ["IND", "USA"])
    >>> d["iso3"].tolist()
    ['IND', 'USA']
    """
    from .. import measures

    h = _hofstede()
    host_list = [c for c in hosts if c != home]
    ks = measures.kogut_singh(h, home, host_list, dimensions=tuple(dimensions))
    out = ks.rename("kogut_singh").reset_index()
    out.insert(1, "country", out["iso3"].map(h["country"]))
    return out.sort_values("kogut_singh", kind="stable", na_position="last").reset_index(drop=True)


def _distance_figure(d, home_name: str):
    import matplotlib.pyplot as plt

    colours = _okabe_ito()
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

    h = _hofstede()
    options = [(f"{h.loc[c, 'country']} ({c})", c) for c in homes]
    dropdown = mark(w.Dropdown(options=options, value=home, description="Home country",
                               style={"description_width": "initial"}), "control")
    result = mark(w.HTML(), "result")

    def show(change=None):
        d = compute_cultural_distance(dropdown.value, hosts, dimensions)
        name = h.loc[dropdown.value, "country"]
        alt = (f"Bar chart of Kogut–Singh cultural distance from {name}, nearest first: "
               + "; ".join(f"{r.country} {r.kogut_singh:.2f}" for r in d.itertuples()) + ".")
        result.value = figure_html(_distance_figure(d.dropna(subset=["kogut_singh"]), name), alt)

    dropdown.observe(show, "value")
    show()
    return w.VBox([dropdown, result])
