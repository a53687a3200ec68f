"""A model with only the links its source states: every ``inferred`` edge dropped."""

from __future__ import annotations

from .._errors import SmeTeachError

__all__ = ["stated_links"]


def stated_links(model="alliance_fsa"):
    """The model ``model`` (a name for :func:`load`, or a graph) without the links the course inferred.

    Every edge whose ``inferred`` attribute is true is removed; nodes stay, so a node that only
    inferred links reached is now isolated (it scores 0 in :func:`sme_teach.measures.propagate`).
    A conclusion that survives this rests on the source's own sentences; one that does not rests
    on the course's reading (lesson 07).

    Returns a new graph; ``model`` is not changed.

    Examples
    --------
    >>> G = stated_links("alliance_fsa")
    >>> any(d.get("inferred") for _, _, d in G.edges(data=True))
    False
    >>> from sme_teach.frameworks import load
    >>> G.number_of_nodes() == load("alliance_fsa").number_of_nodes()
    True
    """
    import networkx as nx

    from ._load import load

    if isinstance(model, str):
        G = load(model)
    elif isinstance(model, nx.DiGraph):
        G = model.copy()
    else:
        raise SmeTeachError(f"model must be a framework name or a networkx.DiGraph, got {type(model).__name__}")
    G.remove_edges_from([(u, v) for u, v, d in G.edges(data=True) if d.get("inferred")])
    return G
