"""Network drawings: the course's one layout and a colour-blind-safe node-value figure."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ._palette import SEQUENTIAL_CMAP, SKY

__all__ = ["LAYOUT_SEED", "network_layout", "network_figure"]


#: Seed of the course's one network layout (the lesson and the workshop draw the same firms alike).
LAYOUT_SEED = 7


@functools.lru_cache(maxsize=8)
def _layout(edges: tuple, nodes: tuple) -> tuple:
    """Positions as an immutable tuple of (node, (x, y)); cached on the graph's structure only."""
    import networkx as nx

    G = nx.Graph()
    G.add_nodes_from(nodes)
    G.add_edges_from(edges)
    if G.number_of_nodes() == 0:
        return ()
    comps = sorted(nx.connected_components(G), key=lambda c: (-len(c), sorted(map(str, c))))
    main = G.subgraph(comps[0])
    pos = nx.spring_layout(main, seed=LAYOUT_SEED, k=2.2 / np.sqrt(max(len(comps[0]), 1)), iterations=300)
    rest = [n for c in comps[1:] for n in sorted(c, key=str)]
    for i, n in enumerate(rest):
        pos[n] = np.array([-1.0 + 2.0 * (i + 0.5) / len(rest), -1.25])
    return tuple((n, (float(x), float(y))) for n, (x, y) in pos.items())


def network_layout(G) -> dict:
    """The course's one layout of a network: node → ``numpy`` array (x, y), a new dict each call.

    A force-directed (spring) layout of the largest component with a fixed seed
    (:data:`LAYOUT_SEED`), smaller components and isolates in a row below it. It depends
    only on the graph's nodes and ties, so the lesson's and the workshop's drawings of the
    50 Khulna firms put every firm in the same place. Distance on the page means little
    beyond "tied firms sit close".

    >>> import networkx as nx
    >>> pos = network_layout(nx.path_graph(3))
    >>> sorted(pos), pos[0].shape
    ([0, 1, 2], (2,))
    """
    cached = _layout(tuple(sorted(map(tuple, map(sorted, G.edges())))), tuple(sorted(G.nodes())))
    return {n: np.array(xy) for n, xy in cached}


def network_figure(G, values=None, *, label=None, labels=None, highlight=(), title=None,
                   cmap=SEQUENTIAL_CMAP, vmin=None, vmax=None, figsize=(6.4, 5.0), node_names=None):
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
    The layout is :func:`network_layout` (spring layout, fixed seed), so the same graph is
    always drawn the same way; distance on the page means little beyond "tied firms sit close".
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    pos = network_layout(G)
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
        ax.scatter(xy[:, 0], xy[:, 1], c=SKY, s=170, edgecolors="#333333", linewidths=0.6, zorder=2)
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
