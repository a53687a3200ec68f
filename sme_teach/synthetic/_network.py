"""Generators of the synthetic alliance networks: the 50 Khulna firms' ties and large clustered networks."""

from __future__ import annotations

from .._errors import SmeTeachError
from .._validate import check_bool, check_number
from ..datasets._synthetic import (
    ALLIANCES,
    DEFAULT_SEED,
    NETWORK_EDGES_SCHEMA,
    NETWORK_NODES_SCHEMA,
    SECTORS,
)
from ._common import conform, rng_for
from ._khulna import SECTOR_SHARES, beta_mean, khulna_firms

__all__ = ["make_alliance_network", "generate_alliance_network"]

def make_alliance_network(seed=DEFAULT_SEED, density: float = 0.11):
    """Generate the synthetic Khulna alliance network: (nodes, edges) DataFrames.

    The nodes are the firms of :func:`make_khulna_smes` for the same seed. For
    each pair of firms and each alliance form ``f`` the affinity is
    ``sqrt(a_i,f · a_j,f) × c_ij`` with ``c_ij`` = 1 for the same industry, 0.6 for
    the same sector, 0.3 otherwise; a tie forms with probability
    ``1 - prod_f (1 - k · affinity_f)``, and the tie's type is drawn in proportion
    to the affinities. ``k`` is tuned so that about ``density`` of all pairs tie.
    """
    import numpy as np
    import pandas as pd

    firms, _ = khulna_firms(seed)
    rng = rng_for(seed, 3)
    n = len(firms)
    A = firms[[f"alliance_{a}" for a in ALLIANCES]].to_numpy()
    ind = firms["industry"].to_numpy()
    sec = firms["sector"].to_numpy()
    iu, ju = np.triu_indices(n, 1)
    closeness = np.where(ind[iu] == ind[ju], 1.0, np.where(sec[iu] == sec[ju], 0.6, 0.3))
    aff = np.sqrt(A[iu] * A[ju]) * closeness[:, None]  # pairs × forms
    total = aff.sum(axis=1)
    k = density * len(iu) / max(total.sum(), 1e-9)
    p = 1 - np.prod(1 - np.clip(k * aff, 0, 0.95), axis=1)
    tie = rng.random(len(iu)) < p
    rows = []
    for e in np.flatnonzero(tie):
        w = aff[e] / aff[e].sum()
        f = int(rng.choice(len(ALLIANCES), p=w))
        strength = float(np.clip(beta_mean(rng, 0.25 + 0.7 * np.sqrt(A[iu[e], f] * A[ju[e], f]), 12.0), 0.01, 1))
        rows.append((firms["firm_id"].iloc[iu[e]], firms["firm_id"].iloc[ju[e]], ALLIANCES[f], strength))
    edges = pd.DataFrame(rows, columns=NETWORK_EDGES_SCHEMA.names)
    nodes = firms[NETWORK_NODES_SCHEMA.names]
    return (
        conform(nodes, NETWORK_NODES_SCHEMA, "alliance_network_nodes (generated)"),
        conform(edges, NETWORK_EDGES_SCHEMA, "alliance_network (generated)"),
    )



_NET_SECTOR_FORMS = {
    "manufacturing": (3, 4, 1, 0.5, 2, 1, 1, 0.5, 4, 1),
    "retail": (3, 1, 4, 2, 2, 1, 0.5, 0.5, 0.5, 3),
    "service": (4, 2, 2, 0.5, 1, 3, 1, 0.5, 1, 1),
    "other": (3, 3, 1, 0.5, 2, 2, 1, 1, 1, 0.5),
}
_NET_CROSS_FORMS = (5, 1, 1, 0.2, 1, 3, 0.5, 0.3, 1, 0.5)


def generate_alliance_network(n: int = 1000, seed=DEFAULT_SEED, *, community_size: int = 40, k: int = 6,
                              p_cross: float = 0.08, as_frame: bool = False):
    """Generate a large clustered SYNTHETIC alliance network quickly (10,000 firms in well under a second).

    Firms are split into sector communities of about ``community_size`` firms
    (think of a market, an industrial estate or an association). Inside each
    community the firms sit on a ring and tie to their ``k`` nearest neighbours
    (a Watts–Strogatz lattice: high clustering); each tie is then rewired with
    probability ``p_cross`` to a random firm anywhere (the "weak ties" across
    clusters that make the world small). Ties inside a community take alliance
    forms typical for its sector; cross ties are mostly information sharing and
    joint lobbying.

    Parameters
    ----------
    n : int
        Number of firms (nodes 0..n-1), at least 3.
    seed : int or str
        Seed for :func:`numpy.random.default_rng` (strings hashed with SHA-256).
    community_size : int, default 40
        Mean community size.
    k : int, default 6
        Ties per firm in the ring lattice (even; the mean degree is about ``k``).
    p_cross : float, default 0.08
        Probability that a tie is rewired across communities.
    as_frame : bool, default False
        Return the edge list (source, target, alliance, strength) instead of a graph.

    Returns
    -------
    networkx.Graph or pandas.DataFrame
        Nodes carry ``sector`` and ``community``; edges ``alliance``, ``strength``.

    References
    ----------
    Watts, D. J., & Strogatz, S. H. (1998). Collective dynamics of 'small-world'
    networks. *Nature*, 393, 440–442.

    Examples
    --------
    >>> G = generate_alliance_network(200, seed=1)
    >>> G.number_of_nodes(), 400 < G.number_of_edges() < 650
    (200, True)
    >>> import networkx as nx
    >>> nx.average_clustering(G) > 0.3
    True
    >>> generate_alliance_network(200, seed=1, as_frame=True).equals(generate_alliance_network(200, seed=1, as_frame=True))
    True
    """
    import numpy as np
    import pandas as pd

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 3 <= n <= 10_000_000:
        raise SmeTeachError(f"n must be an integer of at least 3 and at most 10,000,000 firms, got {n!r}")
    if not isinstance(k, (int, np.integer)) or k < 2 or k % 2:
        raise SmeTeachError(f"k must be an even integer of at least 2, got {k!r}")
    if not isinstance(community_size, (int, np.integer)) or community_size < k + 1:
        raise SmeTeachError(f"community_size must be an integer larger than k={k}, got {community_size!r}")
    check_number(p_cross, 0, 1, "p_cross")
    check_bool(as_frame, "as_frame")
    rng = rng_for(seed, 4)
    n = int(n)
    n_comm = 1 if community_size > n else max(1, int(round(n / community_size)))
    # community sizes: multinomial around the mean, at least k+1 each
    community = np.sort(rng.integers(0, n_comm, size=n))
    sizes = np.bincount(community, minlength=n_comm)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    comm_sector = rng.choice(len(SECTORS), size=n_comm, p=SECTOR_SHARES)
    pos = np.arange(n) - starts[community]
    size = sizes[community]
    src, dst = [], []
    for off in range(1, k // 2 + 1):
        ok = size > off
        src.append(np.arange(n)[ok])
        dst.append((starts[community] + (pos + off) % np.maximum(size, 1))[ok])
    u = np.concatenate(src)
    v = np.concatenate(dst)
    cross = rng.random(len(u)) < p_cross
    v = np.where(cross, rng.integers(0, n, size=len(u)), v)
    keep = u != v
    u, v, cross = u[keep], v[keep], cross[keep]
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    _, first = np.unique(lo.astype(np.int64) * n + hi, return_index=True)
    first.sort()
    lo, hi, cross = lo[first], hi[first], cross[first]
    m = len(lo)
    # alliance form per tie, by the sector of the source community (or the cross-tie profile)
    probs = np.array([_NET_SECTOR_FORMS[s] for s in SECTORS] + [_NET_CROSS_FORMS], dtype=float)
    probs /= probs.sum(axis=1, keepdims=True)
    group = np.where(cross, len(SECTORS), comm_sector[community[lo]])
    cum = probs.cumsum(axis=1)
    draw = rng.random(m)
    form = (draw[:, None] > cum[group]).sum(axis=1).clip(0, len(ALLIANCES) - 1)
    strength = np.round(rng.beta(np.where(cross, 2.0, 3.0), np.where(cross, 4.0, 3.0)), 4)
    alliances = np.array(ALLIANCES, dtype=object)[form]
    if as_frame:
        return pd.DataFrame({"source": lo, "target": hi, "alliance": alliances, "strength": strength})
    import networkx as nx

    G = nx.Graph(name="generated_alliance_network", synthetic=True, seed=str(seed))
    sectors = np.array(SECTORS, dtype=object)[comm_sector[community]]
    G.add_nodes_from(zip(range(n), ({"sector": s, "community": int(c)} for s, c in zip(sectors, community))))
    G.add_edges_from(
        zip(lo.tolist(), hi.tolist(), ({"alliance": a, "strength": s} for a, s in zip(alliances, strength.tolist())))
    )
    return G
