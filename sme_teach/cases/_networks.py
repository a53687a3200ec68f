"""Use cases on the alliance network: the lesson's grapevine, the owners' spillover game, best starts.

The network comes from :func:`sme_teach.datasets.load_alliance_network` (a new graph on every
call, so no caller can change another's); cascades are :func:`sme_teach.measures.independent_cascade`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import datasets, measures
from .._validate import check_int
from ._inputs import WorkshopInputError, clean_name, id_list, load_recommendations, steps_with_citation

__all__ = ["EXPORT_LEVEL", "grapevine", "firm_choices", "SpilloverResult", "spillover", "best_starts"]

#: A firm's own degree of internationalisation from its export status, on Johanson & Mattsson's
#: low/high scale (lesson 4's network situation): none 0, indirect 0.5, direct 1. A course coding.
EXPORT_LEVEL = {"none": 0.0, "indirect": 0.5, "direct": 1.0}


def grapevine(seed_firm: str, p: float, runs: int = 200, seed: int = 0, top: int = 8) -> dict:
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
    >>> out = grapevine("KS44", 1.0, runs=10)
    >>> float(out["probability"]["KS44"])
    1.0
    """
    from .._validate import check_number

    G = datasets.load_alliance_network()
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


def firm_choices() -> list[tuple[str, str]]:
    """(label, node id) pairs of the alliance network's firms, e.g. ``("Atra Karupalli (KS01)", "KS01")``."""
    G = datasets.load_alliance_network()
    return [(f"{d.get('firm_name', n)} ({n})", n) for n, d in G.nodes(data=True)]


@dataclass(frozen=True)
class SpilloverResult:
    """What the spillover game shows."""

    firm: str
    owner: str
    starts: list
    chance: object  # float per tie, or "strength"
    probability: pd.Series  # node -> probability of hearing
    rounds: dict  # node -> number of ties from the nearest start (None if unreachable)
    expected: float
    names: dict
    recommendations: list = field(default_factory=list)

    @property
    def n_firms(self) -> int:
        return len(self.probability)

    def row(self) -> dict:
        return {"firm": self.firm, "owner": self.owner, "starts": "; ".join(self.starts),
                "chance": self.chance, "expected_reached": round(self.expected, 1), "of_firms": self.n_firms}


def spillover(starts, chance=0.2, firm: str = "", owner: str = "", runs: int = 500, seed: int = 7,
                      G=None) -> SpilloverResult:
    """Where news entering at ``starts`` spreads in the local alliance network.

    Parameters
    ----------
    starts : list of node ids
        Firms that know the news at the start.
    chance : float or "strength"
        Chance (0-1) that a firm passes the news to each partner, or ``"strength"``
        to use each tie's strength in the network data.
    runs, seed :
        Passed to :func:`sme_teach.measures.independent_cascade` (fixed seed: the
        same choice gives the same map in the room).
    G : networkx.Graph, optional
        Default :func:`sme_teach.datasets.load_alliance_network`.

    Returns
    -------
    SpilloverResult
        Probability of hearing per firm, the expected number of firms reached and,
        per firm, the number of ties ("rounds") from the nearest start.

    Examples
    --------
    >>> import networkx as nx
    >>> r = spillover([0], 1.0, G=nx.path_graph(4), runs=10)
    >>> r.expected, r.rounds[3]
    (4.0, 3)
    """
    import networkx as nx

    G = datasets.load_alliance_network() if G is None else measures.check_graph(G)
    starts = [s for s in dict.fromkeys(id_list(starts, "starts", single_ok=True)) if s in G]
    if not starts:
        raise WorkshopInputError("Choose at least one firm where the news starts.")
    if chance != "strength":
        try:
            chance = float(chance)
        except (TypeError, ValueError):
            raise WorkshopInputError("Set the chance of passing news on between 0 and 1.") from None
        if not 0 <= chance <= 1:
            raise WorkshopInputError("Set the chance of passing news on between 0 and 1.")
    prob = measures.independent_cascade(G, starts, chance, runs=runs, seed=seed)
    hops = nx.multi_source_dijkstra_path_length(G, starts, weight=None) if not G.is_directed() else \
        {n: min((nx.shortest_path_length(G, s, n) for s in starts if nx.has_path(G, s, n)), default=None) for n in G}
    rounds = {n: hops.get(n) for n in G}
    names = {n: d.get("firm_name", str(n)) for n, d in G.nodes(data=True)}
    return SpilloverResult(firm=clean_name(firm), owner=clean_name(owner), starts=starts, chance=chance,
                           probability=prob, rounds=rounds, expected=float(prob.sum()), names=names,
                           recommendations=steps_with_citation(load_recommendations()["spillover"]))


def best_starts(chance=0.2, k: int = 3, runs: int = 200, seed: int = 7, G=None) -> pd.Series:
    """The ``k`` single start firms that reach the most firms on average (expected number reached).

    >>> import networkx as nx
    >>> best_starts(1.0, k=1, G=nx.star_graph(3), runs=5).to_dict()
    {0: 4.0}
    """
    k = check_int(k, "k", 1)
    G = datasets.load_alliance_network() if G is None else measures.check_graph(G)
    reach = {n: float(measures.independent_cascade(G, [n], chance, runs=runs, seed=seed).sum()) for n in G}
    return pd.Series(reach, name="expected_reached").sort_values(ascending=False, kind="stable").head(k)
