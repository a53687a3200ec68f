"""Networks of firms: knowledge spillover (independent cascade) and brokerage."""

from __future__ import annotations

import itertools
import numbers

import numpy as np
import pandas as pd

from .._errors import SmeTeachError
from .._validate import check_int, check_number, check_range, check_rng_seed, suggest

__all__ = ["independent_cascade", "independent_cascade_reference", "brokerage", "check_graph"]


def check_graph(G):
    """Return ``G`` if it is a simple networkx Graph or DiGraph; raise :class:`SmeTeachError` otherwise.

    The check every network measure makes first; callers that take a graph from a user
    (e.g. the workshop's spillover game) use it too.

    >>> import networkx as nx
    >>> check_graph(nx.path_graph(3)).number_of_nodes()
    3
    >>> check_graph([(0, 1)])
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: G must be a networkx graph, got list
    """
    import networkx as nx

    if not isinstance(G, nx.Graph):
        raise SmeTeachError(f"G must be a networkx graph, got {type(G).__name__}")
    if G.is_multigraph():
        raise SmeTeachError("G must be a simple Graph or DiGraph, not a multigraph")
    return G


def _check_seeds(G, seeds) -> list:
    if seeds is None or isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        seeds = [seeds]
    try:
        seeds = list(dict.fromkeys(seeds))
    except TypeError:
        raise SmeTeachError(f"seeds must be nodes of G (hashable ids such as 'Medici' or 3), got {seeds!r}") from None
    if not seeds:
        raise SmeTeachError("seeds is empty; expected at least one node to start the cascade")
    for s in seeds:
        try:
            ok = s in G
        except TypeError:
            ok = False
        if not ok:
            raise SmeTeachError(
                f"unknown seed node {s!r}{suggest(s, [str(n) for n in G])}; the graph has {G.number_of_nodes()} nodes"
                f" such as {list(G)[:5]}"
            )
    return seeds


def _edge_probability(G, p):
    """Return (u, v, prob) arrays for every directed arc; undirected edges give both arcs."""
    nodes = list(G)
    pos = {n: i for i, n in enumerate(nodes)}
    src, dst, prob = [], [], []
    if isinstance(p, bool) or not isinstance(p, (numbers.Real, str)):
        raise SmeTeachError(f"p must be a probability (float) or an edge attribute name, got {p!r}")
    if not isinstance(p, str):
        p = check_number(p, 0, 1, "p")
        # read arcs straight from the adjacency (undirected ties appear once from each end)
        # (G._succ / G._adj are the plain dict-of-dicts behind G.succ / G.adj; networkx's own
        # algorithms read them too, and they are ~3x faster to walk than the views)
        succ = G._succ if G.is_directed() else G._adj
        counts = np.fromiter(map(len, succ.values()), dtype=np.int64, count=len(nodes))
        v = np.fromiter(map(pos.__getitem__, itertools.chain.from_iterable(succ.values())), dtype=np.int64,
                        count=int(counts.sum()))
        u = np.repeat(np.arange(len(nodes), dtype=np.int64), counts)
        return nodes, pos, u, v, np.full(len(u), p)
    for u, v, d in G.edges(data=True):
        if isinstance(p, str):
            if p not in d:
                raise SmeTeachError(f"edge ({u!r}, {v!r}) has no attribute {p!r}; attributes there: {sorted(d)}")
            q = d[p]
            try:
                q = float(q)
            except (TypeError, ValueError):
                q = np.nan
            if not 0 <= q <= 1:
                raise SmeTeachError(f"edge ({u!r}, {v!r}): {p} = {d[p]!r} is not a probability in [0, 1]")
        else:
            q = p
        src.append(pos[u]); dst.append(pos[v]); prob.append(q)  # noqa: E702
        if not G.is_directed():
            src.append(pos[v]); dst.append(pos[u]); prob.append(q)  # noqa: E702
    return nodes, pos, np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64), np.array(prob, dtype=float)


def _check_runs(runs) -> int:
    if isinstance(runs, bool) or not isinstance(runs, numbers.Integral) or runs < 1:
        raise SmeTeachError(f"runs must be a positive whole number, got {runs!r}")
    if runs > _MAX_RUNS:
        raise SmeTeachError(f"runs must be at most {_MAX_RUNS:,} (the standard error is then below 0.0002), got {runs!r}")
    return int(runs)


_MAX_RUNS = 10_000_000


def _prepare_cascade(G, seeds, p, runs, seed):
    """Validate a cascade's arguments (both implementations share them) and index the edges."""
    G = check_graph(G)
    seeds = _check_seeds(G, seeds)
    runs = _check_runs(runs)
    check_rng_seed(seed)
    return G, seeds, runs, _edge_probability(G, p)


def independent_cascade_reference(G, seeds, p, runs: int = 1000, seed=None) -> pd.Series:
    """Readable reference: one breadth-first cascade per run, in pure Python.

    Same contract as :func:`independent_cascade`, which is tested against it.

    >>> import networkx as nx
    >>> independent_cascade_reference(nx.path_graph(3), [0], 1.0, runs=10).tolist()
    [1.0, 1.0, 1.0]
    """
    G, seeds, runs, (nodes, pos, src, dst, prob) = _prepare_cascade(G, seeds, p, runs, seed)
    out_edges = {i: [] for i in range(len(nodes))}
    for u, v, q in zip(src.tolist(), dst.tolist(), prob.tolist()):
        out_edges[u].append((v, q))
    rng = np.random.default_rng(seed)
    counts = np.zeros(len(nodes))
    for _ in range(runs):
        active = {pos[s] for s in seeds}
        frontier = list(active)
        while frontier:
            newly = []
            for u in frontier:  # each newly active node gets one chance per neighbour
                for v, q in out_edges[u]:
                    if v not in active and rng.random() < q:
                        active.add(v)
                        newly.append(v)
            frontier = newly
        for v in active:
            counts[v] += 1
    return pd.Series(counts / runs, index=pd.Index(nodes), name="activation_probability")


def _bernoulli_positions(rng, total: int, q: float) -> np.ndarray:
    """Indices of successes in ``total`` independent Bernoulli(q) trials, via geometric gaps."""
    expect = total * q
    size = int(expect + 6 * np.sqrt(expect) + 16)
    # gaps are capped at total + 1 (any larger gap lands past the end anyway), so that
    # tiny q cannot overflow the cumulative sum
    positions = np.cumsum(np.minimum(rng.geometric(q, size=size), total + 1)) - 1
    while positions[-1] < total:  # rarely needed: draw more gaps
        more = np.cumsum(np.minimum(rng.geometric(q, size=size), total + 1)) + positions[-1]
        positions = np.concatenate([positions, more])
    return positions[: np.searchsorted(positions, total)]


def independent_cascade(G, seeds, p, runs: int = 1000, seed=None) -> pd.Series:
    """Probability that each firm hears of (adopts) a piece of knowledge: independent cascade.

    Starting from the ``seeds``, each newly informed firm gets one chance to inform
    each neighbour it is tied to, succeeding with probability ``p`` (per tie); the
    cascade stops when a round informs nobody new. Repeating it ``runs`` times
    estimates each firm's probability of being informed.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The alliance network. In an undirected graph knowledge flows both ways
        along a tie; in a directed graph only along the arrow.
    seeds : node or list of nodes
        Firms that know at the start (probability 1).
    p : float or str
        One probability for every tie, or the name of an edge attribute holding
        each tie's probability (e.g. a trust score in [0, 1]).
    runs : int, default 1000
        Monte Carlo repetitions; the standard error of each estimate is at most
        ``0.5 / sqrt(runs)``.
    seed : int or numpy.random.Generator, optional
        For reproducible results.

    Returns
    -------
    pandas.Series
        Indexed by node in graph order, named ``activation_probability``.

    Raises
    ------
    SmeTeachError
        For an unknown seed, a probability outside [0, 1], a missing edge
        attribute or a non-positive ``runs``.

    Notes
    -----
    All runs advance together as a boolean (run × firm) matrix: the out-ties of
    every (run, firm) pair on the frontier are numbered in one vectorised step
    and the ties that "fire" are drawn as a Bernoulli process over that numbering
    (jumping between successes with geometric gaps when p is small, so the cost
    grows with the ties that fire rather than the ties tried; per-tie
    probabilities are thinned from the largest one). Newly informed pairs form
    the next frontier. This is exactly the independent cascade model (each tie
    is tried once, when its source is first informed), so it agrees in
    distribution with :func:`independent_cascade_reference` but not draw for draw.

    The model assumes independent ties and one chance per tie, with no
    forgetting; the seed paper's "grapevine" FSA ("free flow of information through
    both informal and formal networks") motivates it, but the paper does not
    measure spillover.

    References
    ----------
    Kempe, D., Kleinberg, J., & Tardos, É. (2003). Maximizing the spread of
    influence through a social network. *Proceedings of the 9th ACM SIGKDD*, 137-146.
    Goldenberg, J., Libai, B., & Muller, E. (2001). Talk of the network: A complex
    systems look at the underlying process of word-of-mouth. *Marketing Letters*,
    12(3), 211-223.

    Examples
    --------
    On a path a - b - c, the firm k ties away is reached with probability p**k:

    >>> import networkx as nx
    >>> G = nx.path_graph(["a", "b", "c"])
    >>> independent_cascade(G, "a", 0.5, runs=20000, seed=1).round(2).tolist()
    [1.0, 0.5, 0.25]
    """
    G, seeds, runs, (nodes, pos, src, dst, prob) = _prepare_cascade(G, seeds, p, runs, seed)
    n = len(nodes)
    rng = np.random.default_rng(seed)
    # CSR adjacency of arcs
    order = np.argsort(src, kind="stable")
    src, dst, prob = src[order], dst[order], prob[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    deg = np.diff(indptr)

    active = np.zeros(runs * n, dtype=bool)  # flat (run, node) → run * n + node
    seed_idx = np.array([pos[s] for s in seeds], dtype=np.int64)
    frontier = (np.arange(runs, dtype=np.int64)[:, None] * n + seed_idx[None, :]).ravel()
    active[frontier] = True
    hits = np.zeros(n, dtype=np.int64)  # how many runs reached each node
    hits[seed_idx] = runs
    pmax = float(prob.max()) if prob.size else 0.0
    uniform = prob.size == 0 or bool(np.all(prob == pmax))
    while frontier.size and pmax > 0:
        run_of, node_of = np.divmod(frontier, n)
        counts = deg[node_of]
        ends = np.cumsum(counts)
        total = int(ends[-1])
        if total == 0:
            break
        # Number the out-arcs of all frontier pairs 0 .. total-1 (pair i owns ends[i]-counts[i] .. ends[i]-1)
        # and pick the arcs that fire as a Bernoulli(pmax) process over that numbering.
        if pmax > 0.25:  # dense: one uniform per arc
            picked = np.flatnonzero(rng.random(total) < pmax)
        else:  # sparse: jump from success to success with geometric gaps
            picked = _bernoulli_positions(rng, total, pmax)
        owner = np.searchsorted(ends, picked, side="right")
        arcs = indptr[node_of[owner]] + picked - (ends[owner] - counts[owner])
        if not uniform:  # thin pmax down to each arc's own probability
            keep = rng.random(arcs.size) * pmax < prob[arcs]
            owner, arcs = owner[keep], arcs[keep]
        keys = run_of[owner] * n + dst[arcs]
        keys = np.sort(keys[~active[keys]])
        if keys.size > 1:  # a (run, node) pair joins the frontier once
            keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        # (sort + mask rather than np.unique, whose hash path is slow for this in numpy 2.4)
        active[keys] = True
        hits += np.bincount(keys % n, minlength=n)
        frontier = keys
    return pd.Series(hits / runs, index=pd.Index(nodes), name="activation_probability")


def brokerage(G) -> pd.DataFrame:
    """Who brokers between firms: betweenness, Burt's effective size and constraint.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph

    Returns
    -------
    pandas.DataFrame
        Indexed by node, sorted by betweenness (highest first): ``degree``,
        ``betweenness`` (normalised, Freeman 1977), ``effective_size`` and
        ``constraint`` (Burt 1992; NaN for an isolated node).

    Notes
    -----
    A firm with high betweenness and low constraint bridges "structural holes":
    it hears things first and can broker between groups that do not talk to each
    other — the network theory's route to foreign markets (Johanson & Mattsson
    1988; Coviello & Munro 1997, quoted in the seed paper). Measures describe
    position, not whether the firm uses it; they also ignore tie strength unless
    you compute them on a weighted graph yourself.

    References
    ----------
    Freeman, L. C. (1977). A set of measures of centrality based on betweenness.
    *Sociometry*, 40(1), 35-41.
    Burt, R. S. (1992). *Structural Holes*. Harvard University Press.
    Padgett, J. F., & Ansell, C. K. (1993). Robust action and the rise of the
    Medici, 1400-1434. *American Journal of Sociology*, 98(6), 1259-1319.

    Examples
    --------
    >>> import networkx as nx
    >>> b = brokerage(nx.florentine_families_graph())
    >>> b.index[0], round(float(b["betweenness"].iloc[0]), 3)
    ('Medici', 0.522)
    """
    import networkx as nx

    G = check_graph(G)
    out = pd.DataFrame(index=pd.Index(list(G)))
    if G.number_of_nodes() == 0:  # networkx's measures refuse an empty graph
        return out.assign(degree=[], betweenness=[], effective_size=[], constraint=[])
    out["degree"] = pd.Series(dict(G.degree()))
    out["betweenness"] = pd.Series(nx.betweenness_centrality(G, normalized=True))
    out["effective_size"] = pd.Series(nx.effective_size(G))
    out["constraint"] = pd.Series(nx.constraint(G))
    return out.sort_values("betweenness", ascending=False, kind="stable")
