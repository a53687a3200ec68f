"""Alliance → FSA → competency propagation over the Alliance-FSA-Internationalisation model."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._errors import SmeTeachError
from .._validate import check_choice, check_choices, check_range

__all__ = ["PropagationResult", "propagate", "MODERATION_RULES", "DEFAULT_MODERATION", "DIRECT"]

_LAYERS = ("alliance", "moderator_1", "fsa", "moderator_2", "competency")
#: How moderator levels can combine; the first is the default (see :func:`propagate`).
MODERATION_RULES = ("gated", "mean", "min", "product")
#: The default rule: the moderators' mean, capped by the paper's necessary conditions.
DEFAULT_MODERATION = "gated"
#: The ``fsa`` of a contribution that flows from an alliance straight to a competency.
DIRECT = "(direct)"


@dataclass
class PropagationResult:
    """What :func:`propagate` returns.

    Attributes
    ----------
    fsa, competency : pandas.Series or pandas.DataFrame
        Scores in [0, 1]; a Series for one firm, a DataFrame (rows = firms) for many.
    moderation : pandas.DataFrame
        Per firm, the cycle multipliers ``m1`` and ``m2``.
    contributions : pandas.DataFrame
        Tidy table ``firm, alliance, fsa, competency, contribution``: how much of each
        competency score flows from each alliance through each FSA. Summing
        ``contribution`` over ``alliance`` and ``fsa`` gives the competency score.

    Examples
    --------
    >>> r = propagate({"a1": 1.0}, model=_toy_model())
    >>> r.by_alliance().round(2)
    competency    c1
    alliance
    a1          0.75
    a2          0.00
    """

    fsa: object
    competency: object
    moderation: pd.DataFrame
    contributions: pd.DataFrame
    #: competency id → list of (input id, layer) that build it (FSAs, alliances, competencies)
    inputs: dict = field(default_factory=dict)
    #: competency scores before the cycle-2 multiplier (what a competency passes on to another)
    unmoderated: object = None

    def by_alliance(self, firm=None) -> pd.DataFrame:
        """Alliance × competency table of contributions for one firm (default: the first)."""
        c = self._firm(firm)
        table = c.pivot_table(index="alliance", columns="competency", values="contribution",
                              aggfunc="sum", fill_value=0.0)
        # keep the model's order rather than alphabetical
        return table.reindex(index=list(dict.fromkeys(c["alliance"])), columns=list(dict.fromkeys(c["competency"])))

    def _firm(self, firm):
        if firm is None:
            firm = self.moderation.index[0]
        check_choice(firm, list(self.moderation.index), "firm")
        return self.contributions[self.contributions["firm"] == firm]

    def explain(self, competency: str, firm=None, top: int = 3) -> str:
        """Plain-text explanation of one competency score for one firm.

        >>> import networkx as nx
        >>> r = propagate({"a1": 1.0, "a2": 0.5}, {"m1": 0.8}, {"m2": 1.0}, model=_toy_model())
        >>> print(r.explain("c1"))
        c1 = 0.700 for this firm (cycle multipliers: m1 = 0.80, m2 = 1.00).
        It comes from 2 FSA(s): f1 (0.600), f2 (0.800) averaged, times m2.
        Alliances behind it: a1 0.600 (86%), a2 0.100 (14%).
        """
        comps = self.competency.columns if isinstance(self.competency, pd.DataFrame) else self.competency.index
        check_choice(competency, list(comps), "competency")
        c = self._firm(firm)
        firm = self.moderation.index[0] if firm is None else firm
        comp = self.competency
        score = float(comp.loc[firm, competency] if isinstance(comp, pd.DataFrame) else comp[competency])
        fsa = self.fsa.loc[firm] if isinstance(self.fsa, pd.DataFrame) else self.fsa
        m = self.moderation.loc[firm]
        rows = c[c["competency"] == competency]
        # one firm given without a name (a dict or Series of levels): no "firm 0" the student never named
        single = len(self.moderation.index) == 1 and isinstance(self.moderation.index, pd.RangeIndex)
        who = "this firm" if single else f"firm {firm!r}"
        inputs = self.inputs.get(competency)
        if inputs is None:  # a result built by hand: read the FSAs off the contributions
            inputs = [(f, "fsa") for f in dict.fromkeys(rows["fsa"]) if f != DIRECT]
        if not inputs:
            return (f"{competency} = 0.000 for {who}: no FSA builds it in this model "
                    "(no incoming 'builds' edges).")
        pre = self.unmoderated
        pre = pre.loc[firm] if isinstance(pre, pd.DataFrame) else pre

        def value(node, layer):
            if layer == "fsa":
                return float(fsa[node])
            if layer == "competency" and pre is not None:
                return float(pre[node])
            if layer == "alliance":
                a = rows.loc[rows["alliance"] == node, "contribution"].sum()
                return float(a / m["m2"]) if m["m2"] > 0 else float("nan")
            return float("nan")

        kinds = {"fsa": "FSA", "alliance": "alliance (direct, times m1)", "competency": "competency (before m2)"}
        shown = ", ".join(f"{n} ({value(n, lay):.3f})" + ("" if lay == "fsa" else f" [{kinds[lay]}]")
                          for n, lay in inputs[:top]) + (", ..." if len(inputs) > top else "")
        n_fsa = sum(1 for _, lay in inputs if lay == "fsa")
        what = f"{n_fsa} FSA(s)" if n_fsa == len(inputs) else f"{len(inputs)} input(s)"
        by_all = rows.groupby("alliance", sort=False)["contribution"].sum().sort_values(ascending=False)
        by_all = by_all[by_all > 0]
        if score > 0:
            all_txt = ", ".join(f"{a} {v:.3f} ({v / score:.0%})" for a, v in by_all.head(top).items())
        else:
            all_txt = "none (all zero)"
        return (
            f"{competency} = {score:.3f} for {who} (cycle multipliers: m1 = {m['m1']:.2f}, "
            f"m2 = {m['m2']:.2f}).\nIt comes from {what}: {shown} averaged, times m2.\n"
            f"Alliances behind it: {all_txt}."
        )


def _toy_model():
    """A 2-alliance, 2-FSA, 1-competency model for examples and tests."""
    import networkx as nx

    G = nx.DiGraph(name="toy", layers=[{"id": layer} for layer in _LAYERS])
    for order, (n, layer) in enumerate([("a1", "alliance"), ("a2", "alliance"), ("m1", "moderator_1"),
                                        ("f1", "fsa"), ("f2", "fsa"), ("m2", "moderator_2"),
                                        ("c1", "competency")]):
        G.add_node(n, layer=layer, order=order)
    G.add_edges_from([("a1", "f1"), ("a2", "f1"), ("a1", "f2"), ("f1", "c1"), ("f2", "c1")], kind="builds")
    G.add_edge("m1", "f1", kind="moderates")
    return G


def _model(model):
    import networkx as nx

    if isinstance(model, str):
        from ..frameworks import load

        G = load(model)
    elif isinstance(model, nx.DiGraph):
        G = model
    else:
        raise SmeTeachError(f"model must be a framework name or a networkx.DiGraph, got {type(model).__name__}")
    layers = [layer.get("id") for layer in G.graph.get("layers", [])]
    missing = [lay for lay in _LAYERS if lay not in layers]
    if missing:
        raise SmeTeachError(
            f"model {G.graph.get('name')!r} lacks layers {missing}; expected layers {list(_LAYERS)}"
        )
    nodes = {lay: [] for lay in _LAYERS}
    for n, d in sorted(G.nodes(data=True), key=lambda nd: nd[1].get("order", 0)):
        if d.get("layer") in nodes:
            nodes[d["layer"]].append(n)
    return G, nodes


def _weights(G, sources, targets, pool=None) -> np.ndarray:
    """Column-normalised 'builds' adjacency: W[i, j] = 1/indegree(j) if i builds j.

    The indegree counts the 'builds' predecessors of j that are in ``pool`` (default
    ``sources``), so a target fed from several layers splits its weight over all of them.
    """
    pos = {s: i for i, s in enumerate(sources)}
    pool = set(sources if pool is None else pool)
    W = np.zeros((len(sources), len(targets)))
    for j, t in enumerate(targets):
        preds = [u for u in G.predecessors(t) if u in pool and G.edges[u, t].get("kind", "builds") == "builds"]
        for u in preds:
            if u in pos:
                W[pos[u], j] = 1.0 / len(preds)
    return W


def _levels(values, ids, what, default, firms=None):
    """Return a (n_firms × len(ids)) array of levels in [0, 1] and the firm index."""
    if values is None:
        values = {}
    if isinstance(values, pd.DataFrame):
        check_choices([c for c in values.columns], ids, what)
        if values.columns.has_duplicates:
            dup = values.columns[values.columns.duplicated()][0]
            raise SmeTeachError(f"{what} table has column {dup!r} more than once; expected each {what} once")
        index = values.index
        if firms is not None:
            if len(values) == 1 and len(firms) > 1:
                index = firms
            elif not values.index.equals(firms):
                raise SmeTeachError(
                    f"{what} rows must match the rows (firms) of the alliance table; "
                    f"got {list(values.index)[:5]}, expected {list(firms)[:5]}"
                )
        arr = np.full((len(values), len(ids)), float(default))
        for c in values.columns:
            arr[:, ids.index(c)] = check_range(values[c].to_numpy(), 0, 1, f"{what} {c!r} levels")
        if len(index) != len(arr):
            arr = np.repeat(arr, len(index), axis=0)
        return arr, index
    if isinstance(values, pd.Series):
        values = values.to_dict()
    if not isinstance(values, dict):
        raise SmeTeachError(f"{what} must be a dict id → level, a Series or a DataFrame; got {type(values).__name__}")
    check_choices(list(values), ids, what)
    row = check_range([values.get(i, default) for i in ids], 0, 1, f"{what} levels")
    n = 1 if firms is None else len(firms)
    return np.repeat(row[None, :], n, axis=0), (pd.RangeIndex(1) if firms is None else firms)


def propagate(alliances, moderators_1=None, moderators_2=None, model="alliance_fsa", *,
              moderation: str = DEFAULT_MODERATION):
    """Propagate alliance strengths through FSAs to internationalisation competencies.

    The course's operationalisation of Bose and Bristy's model (the paper gives no
    equations). For each firm:

    1. ``m1`` = the cycle-1 moderator levels combined by the ``moderation`` rule
       (default "gated": their mean, capped by the lowest of the paper's
       *necessary* conditions);
    2. ``FSA_j = m1 × mean of the strengths of the alliances that build j``;
    3. ``m2`` = the same summary of the cycle-2 moderator levels;
    4. ``competency_k = m2 × mean of the inputs that build k`` — mostly FSA scores;
       where the paper states a link from an alliance straight to a competency (joint
       lobbying → government backing) the input is ``m1 × strength``, and where it
       states one competency building another (large local operation → brand value)
       the input is that competency's score before ``m2``.

    Everything stays in [0, 1]. Because the rule is linear in the alliance
    strengths, each competency splits exactly into contributions along every path
    alliance i → FSA j → competency k (``m1 · m2 · a_i / (indeg(j) · indeg(k))`` for a
    plain path; direct alliance links appear with ``fsa = "(direct)"``).

    Parameters
    ----------
    alliances : dict, pandas.Series or pandas.DataFrame
        Alliance id → strength in [0, 1] for one firm, or a DataFrame (rows = firms,
        columns = alliance ids). Alliances not given count as 0 (not practised).
    moderators_1, moderators_2 : dict, pandas.Series or pandas.DataFrame, optional
        Moderator id → level in [0, 1] (a DataFrame gives one row per firm).
        Moderators not given count as 1 (fully in place), so ``None`` means "no
        moderation".
    model : str or networkx.DiGraph, default "alliance_fsa"
        A framework name for :func:`sme_teach.frameworks.load`, or a graph whose
        nodes have ``layer`` in {alliance, moderator_1, fsa, moderator_2,
        competency}; only edges with ``kind="builds"`` carry flow.
    moderation : {"gated", "mean", "min", "product"}, default "gated"
        How moderator levels combine. "gated" (the default) honours the conditions
        the paper calls necessary — nodes with ``necessary: true``, in the shipped
        model trust ("If those SMEs who are forming such alliances do not trust each
        other, then such alliance building is of no use") and equal distribution of
        benefits ("Only equal distribution of benefits including profit will ensure
        successful strategic alliances"): ``m = min(mean of all levels, lowest
        necessary level)`` — the necessary conditions cap the mean, so trust = 0
        gives 0 whatever else holds, and the result always lies between the "min"
        and the "mean" rule. A cycle with no necessary moderator (cycle 2; any
        hand-built model) reduces to the mean.
        The other rules are the course's alternatives for students to vary: "mean"
        lets strengths compensate weaknesses (trust = 0 still leaves m1 = 5/6 when
        the other five are 1); "min" says the weakest moderator limits everything
        ("an alliance just in names is of no value and use if few things are not
        ensured"); "product" is stricter still.

    Returns
    -------
    PropagationResult
        ``.fsa``, ``.competency``, ``.moderation``, ``.contributions`` and
        ``.explain(competency)``.

    Raises
    ------
    SmeTeachError
        For unknown ids (with close matches), levels outside [0, 1], or a model
        without the five layers.

    Notes
    -----
    The seed's sentences say which alliance builds which FSA and which FSA builds
    which competency, and that moderators condition both cycles ("Strategic Alliance
    Coupled with Effective Roles Performed by Moderators ... will Developed Numerous
    FSAs at the End"). Averaging over incoming edges, equal edge weights and
    multiplicative moderation are assumptions to vary with students, not findings:
    the study observed 50 SMEs in Khulna qualitatively. An FSA that no alliance
    builds scores 0, and so does a competency that no FSA builds.

    References
    ----------
    Bose, T. K., & Bristy, J. F. Working together locally - performing better
    internationally: Alliance-FSAs-SME internationalisation (seed paper).

    Examples
    --------
    >>> r = propagate({"a1": 1.0, "a2": 0.5}, {"m1": 0.8}, {"m2": 1.0}, model=_toy_model())
    >>> r.fsa.round(3).to_dict()
    {'f1': 0.6, 'f2': 0.8}
    >>> round(float(r.competency["c1"]), 3)
    0.7
    >>> r.contributions.groupby("alliance")["contribution"].sum().round(3).to_dict()
    {'a1': 0.6, 'a2': 0.1}
    """
    check_choice(moderation, list(MODERATION_RULES), "moderation rule")
    G, nodes = _model(model)
    single = not isinstance(alliances, pd.DataFrame)
    if single and not isinstance(alliances, (dict, pd.Series)):
        raise SmeTeachError(
            f"alliances must be a dict id → strength, a Series or a DataFrame; got {type(alliances).__name__}"
        )
    A, firms = _levels(alliances, nodes["alliance"], "alliance", 0.0)
    if single:
        firms = pd.RangeIndex(1)
    M1, _ = _levels(moderators_1, nodes["moderator_1"], "moderator_1", 1.0, firms)
    M2, _ = _levels(moderators_2, nodes["moderator_2"], "moderator_2", 1.0, firms)

    def summarise(M, layer):
        if M.shape[1] == 0:
            return np.ones(M.shape[0])
        if moderation == "gated":
            need = np.array([bool(G.nodes[n].get("necessary", False)) for n in nodes[layer]])
            mean = M.mean(axis=1)
            return np.minimum(mean, M[:, need].min(axis=1)) if need.any() else mean
        return {"mean": M.mean(axis=1), "min": M.min(axis=1), "product": M.prod(axis=1)}[moderation]

    m1, m2 = summarise(M1, "moderator_1"), summarise(M2, "moderator_2")
    W1 = _weights(G, nodes["alliance"], nodes["fsa"])
    pool = nodes["alliance"] + nodes["fsa"] + nodes["competency"]
    W2 = _weights(G, nodes["fsa"], nodes["competency"], pool)
    Wa = _weights(G, nodes["alliance"], nodes["competency"], pool)
    Wc = _weights(G, nodes["competency"], nodes["competency"], pool)
    # competency -> competency links (acyclic): C' = X + C' Wc, so C' = X (I - Wc)^-1
    R = np.linalg.inv(np.eye(len(nodes["competency"])) - Wc) if Wc.any() else np.eye(len(nodes["competency"]))
    W2, Wa = W2 @ R, Wa @ R
    F = m1[:, None] * (A @ W1)
    pre = F @ W2 + m1[:, None] * (A @ Wa)
    C = m2[:, None] * pre

    # contributions along every alliance → fsa → competency path (and every direct alliance link)
    ai, fj = np.nonzero(W1)
    rows = []
    for j2, k in zip(*np.nonzero(W2)):
        sel = fj == j2
        for i in ai[sel]:
            rows.append((i, j2, k, W1[i, j2] * W2[j2, k]))
    for i, k in zip(*np.nonzero(Wa)):
        rows.append((i, -1, k, Wa[i, k]))
    path = np.array(rows, dtype=float).reshape(-1, 4)
    pi, pj, pk, pw = path[:, 0].astype(int), path[:, 1].astype(int), path[:, 2].astype(int), path[:, 3]
    contrib = (m1 * m2)[:, None] * A[:, pi] * pw[None, :]
    n_f, n_p = contrib.shape
    fsa_names = np.array([*nodes["fsa"], DIRECT], dtype=object)
    contributions = pd.DataFrame({
        "firm": np.repeat(np.asarray(firms, dtype=object), n_p),
        "alliance": np.tile(np.array(nodes["alliance"], dtype=object)[pi], n_f),
        "fsa": np.tile(fsa_names[pj], n_f),
        "competency": np.tile(np.array(nodes["competency"], dtype=object)[pk], n_f),
        "contribution": contrib.ravel(),
    })
    layer_of = {n: lay for lay in ("alliance", "fsa", "competency") for n in nodes[lay]}
    inputs = {k: [(u, layer_of[u]) for u in sorted(G.predecessors(k), key=lambda n: G.nodes[n].get("order", 0))
                  if u in layer_of and G.edges[u, k].get("kind", "builds") == "builds"]
              for k in nodes["competency"]}
    fsa = pd.DataFrame(F, index=firms, columns=nodes["fsa"])
    comp = pd.DataFrame(C, index=firms, columns=nodes["competency"])
    mod = pd.DataFrame({"m1": m1, "m2": m2}, index=firms)
    pre = pd.DataFrame(pre, index=firms, columns=nodes["competency"])
    if single:
        return PropagationResult(fsa.iloc[0].rename("fsa"), comp.iloc[0].rename("competency"), mod, contributions,
                                 inputs, pre.iloc[0].rename("unmoderated"))
    return PropagationResult(fsa, comp, mod, contributions, inputs, pre)
