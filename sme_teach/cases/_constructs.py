"""Use cases of lessons 1-3: read a construct, Table 1's studies, marginal analysis, the Uppsala chain,
cultural distance.

Plain values in, plain data out; every call loads what it needs through the loaders (which
cache the parsed files and hand out copies), so nothing a caller changes reaches the next call.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import datasets, frameworks, measures

__all__ = [
    "construct",
    "theory_notes",
    "literature_studies",
    "marginal_analysis",
    "UPPSALA_ACTIVITIES",
    "UPPSALA_EXAMPLES",
    "uppsala_step",
    "DEFAULT_HOSTS",
    "cultural_distance",
]


def construct(node: str, model: str = "csf") -> dict:
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
    >>> c = construct("kpi_marginal_analysis")
    >>> c["layer_label"], c["outputs"]
    ('Future internationalization prospects', ['Future internationalization prospects', 'Quality of the evaluation of prospects'])
    """
    from .._validate import check_choice

    G = frameworks.load(model)
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


def literature_studies(factor: str | None = None):
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
    >>> int(literature_studies()["studies"].sum())
    45
    >>> len(literature_studies("Timing of Internationalization"))
    6
    """
    from .._validate import check_choice

    table = datasets.load_literature_table()
    if factor is not None and not isinstance(factor, str):
        from .._errors import SmeTeachError

        raise SmeTeachError(f"factor must be a success factor id or name (a string) or None, got {type(factor).__name__}")
    if factor is None:
        G = frameworks.load("csf")
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


def marginal_analysis(kpis, probabilities=None, benefits=None, delta: float = 0.1) -> dict:
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
    >>> marginal_analysis(kpis, probabilities={"EU buyer": 0.5})["total"]
    160.0
    """
    from .._validate import check_choices, check_columns, check_number

    table = check_columns(kpis, ["kpi", "benefit", "cost", "probability"], "kpis").copy()
    for what, overrides in (("probability", probabilities), ("benefit", benefits)):
        if overrides is not None:
            from .._validate import check_mapping

            overrides = check_mapping(overrides, f"{what} overrides", f"a dict KPI name -> new {what}")
        if overrides:
            check_choices(list(overrides), table["kpi"].tolist(), "KPI")
            table[what] = table[what].astype(float)
            for name, value in overrides.items():
                low, high = (0.0, 1.0) if what == "probability" else (-float("inf"), float("inf"))
                table.loc[table["kpi"] == name, what] = check_number(value, low, high, f"the {what} of {name!r}")
    result = measures.expected_net_benefit(table)
    return {
        "table": result.table,
        "total": result.total,
        "worthwhile": result.worthwhile,
        "verdict": str(result),
        "sensitivity": measures.sensitivity(table, delta=delta),
    }


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


def uppsala_step(activity: str, examples: dict | None = None) -> dict:
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
    >>> r = uppsala_step("distributor")
    >>> r["step"], r["node"]
    (2, 'export_via_agents')
    """
    from .._validate import check_mapping

    examples = UPPSALA_EXAMPLES if examples is None else check_mapping(examples, "examples", "a dict step (1-4) -> case text")
    if not isinstance(activity, str):
        from .._errors import SmeTeachError

        raise SmeTeachError(f"activity must be one entry-mode word such as 'distributor', got {type(activity).__name__}")
    step = int(measures.uppsala_stage(activity))
    G = frameworks.load("uppsala")
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


#: Bangladesh's main export destinations with all four original Hofstede scores.
DEFAULT_HOSTS = ("IND", "CHN", "JPN", "KOR", "MYS", "SGP", "THA", "VNM", "AUS", "TUR", "USA", "CAN",
                 "GBR", "DEU", "NLD", "BEL", "FRA", "ESP", "ITA", "POL")


def cultural_distance(home: str = "BGD", hosts=DEFAULT_HOSTS,
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
    >>> d = cultural_distance("BGD", ["IND", "USA"])
    >>> d["iso3"].tolist()
    ['IND', 'USA']
    """
    h = datasets.load_hofstede().set_index("iso3")
    if isinstance(hosts, str):
        hosts = [hosts]
    if isinstance(hosts, (bytes, dict)) or not hasattr(hosts, "__iter__"):
        from .._errors import SmeTeachError

        raise SmeTeachError(f"hosts must be a list of ISO3 codes, got {type(hosts).__name__} {hosts!r}")
    host_list = [c for c in hosts if c != home]
    if not host_list:
        from .._errors import SmeTeachError

        raise SmeTeachError(f"hosts is empty; expected at least one ISO3 code other than the home country {home!r}")
    if isinstance(dimensions, (str, bytes, dict)) or not hasattr(dimensions, "__iter__"):
        from .._errors import SmeTeachError

        raise SmeTeachError(f"dimensions must be a list of Hofstede dimensions such as ['PDI', 'IDV'], "
                            f"got {dimensions!r}")
    ks = measures.kogut_singh(h, home, host_list, dimensions=tuple(dimensions))
    out = ks.rename("kogut_singh").reset_index()
    out.insert(1, "country", out["iso3"].map(h["country"]))
    return out.sort_values("kogut_singh", kind="stable", na_position="last").reset_index(drop=True)


_THEORIES = Path(__file__).parent / "data" / "theories.yaml"
_THEORY_FIELDS = ("id", "name", "citation", "in_seed", "seed_quote", "summary", "lessons", "verified")


def theory_notes(theory: str | None = None):
    """Short, cited notes on theories the course uses beside the two seed models.

    The integrated approach (Suarez-Ortega & Alamo-Vera, 2005), resource- and
    competency-based theory, where "critical success factors" come from (Rockart, 1979),
    the revised Uppsala model (Johanson & Vahlne, 2009), Reid's (1981) and Czinkota's
    (1982) I-models, and Coviello and Munro's (1997) network relationships. Each note has
    its citation, the seed's sentence where the CSF paper names the theory
    (``seed_quote``, empty if the seed does not cite it) and the course's summary.
    Data: ``sme_teach/cases/data/theories.yaml``.

    Parameters
    ----------
    theory : str, optional
        One note's id; ``None`` returns all of them.

    Returns
    -------
    pandas.DataFrame or dict
        All notes (columns ``id, name, citation, in_seed, seed_quote, summary, lessons,
        verified``), or one note as a dict.

    Examples
    --------
    >>> notes = theory_notes()
    >>> "revised_uppsala" in set(notes["id"])
    True
    >>> theory_notes("critical_success_factors")["citation"].startswith("Rockart, J. F. (1979)")
    True
    """
    import yaml

    from .._validate import check_choice

    rows = yaml.safe_load(_THEORIES.read_text(encoding="utf-8"))
    frame = pd.DataFrame([{k: r.get(k, "" if k != "lessons" else []) for k in _THEORY_FIELDS} for r in rows],
                         columns=list(_THEORY_FIELDS))
    if theory is None:
        return frame
    if not isinstance(theory, str):
        from .._errors import SmeTeachError

        raise SmeTeachError(f"theory must be a note id (a string) or None, got {type(theory).__name__}")
    check_choice(theory, frame["id"].tolist(), "theory note")
    return frame.set_index("id").loc[theory].to_dict() | {"id": theory}
