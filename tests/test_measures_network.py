"""Independent cascade (fast vs reference, analytic cases) and brokerage on Padgett's Florentine families."""

import networkx as nx
import numpy as np
import pytest

from sme_teach import SmeTeachError
from sme_teach.measures import brokerage, independent_cascade, independent_cascade_reference

BOTH = [independent_cascade, independent_cascade_reference]


def test_medici_have_top_betweenness():
    b = brokerage(nx.florentine_families_graph())
    assert b.index[0] == "Medici"
    assert b.loc["Medici", "betweenness"] == pytest.approx(0.5219, abs=1e-3)
    assert b["betweenness"].idxmax() == "Medici"
    assert b.loc["Medici", "effective_size"] > b.loc["Strozzi", "effective_size"]
    assert b.loc["Medici", "constraint"] < b.loc["Strozzi", "constraint"]
    assert {"degree", "betweenness", "effective_size", "constraint"} <= set(b.columns)


@pytest.mark.parametrize("func", BOTH)
def test_p_one_and_p_zero_are_exact(func):
    G = nx.karate_club_graph()
    one = func(G, [0], 1.0, runs=50, seed=1)
    assert (one == 1.0).all()  # connected graph, every tie fires
    zero = func(G, [0, 33], 0.0, runs=50, seed=1)
    assert zero[0] == zero[33] == 1.0 and zero.drop([0, 33]).eq(0).all()
    D = nx.DiGraph([(0, 1), (1, 2), (3, 2)])
    assert func(D, [0], 1.0, runs=5).tolist() == [1.0, 1.0, 1.0, 0.0]  # direction respected


def test_fast_equals_reference_exactly_for_p_one_and_zero():
    G = nx.gnm_random_graph(60, 70, seed=4)
    for p in (0.0, 1.0):
        a = independent_cascade(G, [0, 5], p, runs=20, seed=0)
        b = independent_cascade_reference(G, [0, 5], p, runs=20, seed=0)
        assert a.equals(b)


@pytest.mark.parametrize("func", BOTH)
@pytest.mark.parametrize("graph", [nx.path_graph, lambda n: nx.path_graph(n, create_using=nx.DiGraph)])
def test_path_graph_analytic_p_to_the_k(func, graph):
    runs, p = 20000, 0.6
    got = func(graph(5), [0], p, runs=runs, seed=7).to_numpy()
    expected = p ** np.arange(5)
    se = np.sqrt(expected * (1 - expected) / runs)
    assert np.all(np.abs(got - expected) <= 5 * se + 1e-12), (got, expected)


def test_fast_vs_reference_statistically():
    G = nx.karate_club_graph()
    runs = 6000
    fast = independent_cascade(G, [0], 0.15, runs=runs, seed=11)
    ref = independent_cascade_reference(G, [0], 0.15, runs=runs, seed=12)
    pooled = (fast + ref) / 2
    se = np.sqrt(2 * pooled * (1 - pooled) / runs)
    z = (fast - ref).abs() / se.where(se > 0, 1)
    assert (z < 5).all(), z.max()
    assert fast.index.equals(ref.index)


def test_edge_attribute_probabilities():
    G = nx.Graph()
    G.add_edge("a", "b", trust=1.0)
    G.add_edge("b", "c", trust=0.0)
    for func in BOTH:
        assert func(G, "a", "trust", runs=10, seed=0).to_dict() == {"a": 1.0, "b": 1.0, "c": 0.0}


def test_reproducible_with_seed():
    G = nx.karate_club_graph()
    a = independent_cascade(G, [0], 0.2, runs=200, seed=5)
    assert a.equals(independent_cascade(G, [0], 0.2, runs=200, seed=5))
    rng = np.random.default_rng(5)
    assert a.equals(independent_cascade(G, [0], 0.2, runs=200, seed=rng))


def test_errors():
    G = nx.florentine_families_graph()
    with pytest.raises(SmeTeachError, match="unknown seed node 'Medicci'.*did you mean 'Medici'"):
        independent_cascade(G, ["Medicci"], 0.1)
    with pytest.raises(SmeTeachError, match="p must lie between 0 and 1"):
        independent_cascade(G, ["Medici"], 1.5)
    with pytest.raises(SmeTeachError, match="no attribute 'trust'"):
        independent_cascade(G, ["Medici"], "trust")
    with pytest.raises(SmeTeachError, match="runs must be a positive whole number"):
        independent_cascade(G, ["Medici"], 0.1, runs=0)
    with pytest.raises(SmeTeachError, match="networkx graph"):
        independent_cascade({"a": "b"}, ["a"], 0.1)
    with pytest.raises(SmeTeachError, match="networkx graph"):
        brokerage([1, 2])


def test_fast_vs_reference_with_per_tie_probabilities():
    G = nx.karate_club_graph()
    rng = np.random.default_rng(3)
    for u, v in G.edges():
        G.edges[u, v]["trust"] = float(rng.uniform(0, 0.5))
    runs = 6000
    fast = independent_cascade(G, [0, 33], "trust", runs=runs, seed=1)
    ref = independent_cascade_reference(G, [0, 33], "trust", runs=runs, seed=2)
    pooled = (fast + ref) / 2
    se = np.sqrt(2 * pooled * (1 - pooled) / runs)
    assert ((fast - ref).abs() <= 5 * se + 1e-12).all()


def test_fast_dense_and_sparse_sampling_paths_agree_with_analytic_star():
    # star with centre seeded: each leaf is reached with probability exactly p
    G = nx.star_graph(400)
    for p in (0.02, 0.6):  # geometric-gap path and one-uniform-per-tie path
        got = independent_cascade(G, [0], p, runs=500, seed=9).drop(0)
        se = np.sqrt(p * (1 - p) / (500 * 400))
        assert abs(got.mean() - p) <= 5 * se


def test_tiny_probability_terminates():
    G = nx.star_graph(50)
    got = independent_cascade(G, [0], 5e-324, runs=100, seed=0)
    assert got[0] == 1.0 and got.drop(0).eq(0).all()


def test_sparse_sampler_can_fire_the_first_tie_of_a_round():
    # One tie a - b, seed a, p = 0.2 (below 0.25: the geometric-gap sampler). At runs=1 the round has a
    # single tie, numbered 0, so b's estimate is one Bernoulli(0.2) draw: over 2000 independent seeds
    # the fraction reached is 0.2 (Kempe et al. 2003: a tie fires with probability p). A sampler that
    # never picks position 0 of a round reaches b in none of them.
    G = nx.path_graph(["a", "b"])
    n = 2000
    hits = sum(independent_cascade(G, "a", 0.2, runs=1, seed=s)["b"] for s in range(n))
    se = np.sqrt(0.2 * 0.8 / n)  # 0.0089
    assert abs(hits / n - 0.2) <= 5 * se


@pytest.mark.parametrize("p", [0.05, 0.2, 0.25, 0.3, 0.9])
def test_every_tie_position_of_a_round_fires_with_probability_p(p):
    # Star centre 0 seeded, 5 leaves, runs=1: the round numbers the 5 ties 0..4. Each leaf must be
    # reached with probability p whatever its position (first, middle, last), on both samplers.
    G = nx.star_graph(5)
    n = 1500
    reached = np.zeros(6)
    for s in range(n):
        reached += independent_cascade(G, 0, p, runs=1, seed=s).to_numpy()
    frac = reached[1:] / n
    se = np.sqrt(p * (1 - p) / n)
    assert reached[0] == n
    assert (np.abs(frac - p) <= 5 * se).all(), frac


def test_two_step_path_reach_is_p_squared_in_many_small_runs():
    # a - b - c from a: c needs both ties, P = p**2 (exact). Many runs=3 calls exercise rounds whose
    # first tie belongs to a different run each time.
    G = nx.path_graph(3)
    p, n = 0.2, 1500
    got = np.mean([independent_cascade(G, 0, p, runs=3, seed=s).to_numpy() for s in range(n)], axis=0)
    se = lambda q: np.sqrt(q * (1 - q) / (3 * n))  # noqa: E731
    assert abs(got[1] - p) <= 5 * se(p)
    assert abs(got[2] - p * p) <= 5 * se(p * p)


@pytest.mark.parametrize("call, message", [
    (lambda G: independent_cascade(G, ["Medicci"], 0.1),
     r"^unknown seed node 'Medicci' \(did you mean 'Medici'\?\); the graph has 15 nodes such as \['Acciaiuoli', "),
    (lambda G: independent_cascade(G, [], 0.1), r"^seeds is empty; expected at least one node to start the cascade$"),
    (lambda G: independent_cascade(G, [["Medici"]], 0.1),
     r"^seeds must be nodes of G \(hashable ids such as 'Medici' or 3\), got \[\['Medici'\]\]$"),
    (lambda G: independent_cascade(G, "Medici", True),
     r"^p must be a probability \(float\) or an edge attribute name, got True$"),
    (lambda G: independent_cascade(G, "Medici", "trust"),
     r"^edge \('Acciaiuoli', 'Medici'\) has no attribute 'trust'; attributes there: \[\]$"),
    (lambda G: independent_cascade(G, "Medici", 0.1, runs=1.5), r"^runs must be a positive whole number, got 1.5$"),
    (lambda G: independent_cascade(G, "Medici", 0.1, runs=True), r"^runs must be a positive whole number, got True$"),
    (lambda G: independent_cascade(G, "Medici", 0.1, runs=10_000_001),
     r"^runs must be at most 10,000,000 \(the standard error is then below 0.0002\), got 10000001$"),
    (lambda G: independent_cascade(nx.MultiGraph(G), "Medici", 0.1),
     r"^G must be a simple Graph or DiGraph, not a multigraph$"),
    (lambda G: independent_cascade([1], "Medici", 0.1), r"^G must be a networkx graph, got list$"),
    (lambda G: independent_cascade_reference(G, "Medici", 0.1, runs=0), r"^runs must be a positive whole number, got 0$"),
])
def test_cascade_messages_whole(call, message):
    with pytest.raises(SmeTeachError, match=message):
        call(nx.florentine_families_graph())


def test_edge_probability_attribute_must_be_a_probability():
    G = nx.path_graph(3)
    nx.set_edge_attributes(G, {(0, 1): 0.5, (1, 2): "high"}, "trust")
    with pytest.raises(SmeTeachError, match=r"^edge \(1, 2\): trust = 'high' is not a probability in \[0, 1\]$"):
        independent_cascade(G, 0, "trust")
    nx.set_edge_attributes(G, {(0, 1): 1.0, (1, 2): 0.0}, "trust")
    # per-tie probabilities 1 and 0: exact in both implementations, and the arrow matters in a DiGraph
    assert independent_cascade(G, 0, "trust", runs=50, seed=1).tolist() == [1.0, 1.0, 0.0]
    assert independent_cascade_reference(G, 0, "trust", runs=50, seed=1).tolist() == [1.0, 1.0, 0.0]
    D = nx.DiGraph([(0, 1), (2, 1)])
    assert independent_cascade(D, 1, 1.0, runs=10).tolist() == [0.0, 1.0, 0.0]  # no arc leaves 1
    assert independent_cascade(D, [0, 2], 1.0, runs=10).tolist() == [1.0, 1.0, 1.0]
    s = independent_cascade(D, 0, 1.0, runs=10)
    assert s.name == "activation_probability" and s.index.tolist() == [0, 1, 2]
    # seeds given twice count once; an isolated seed reaches only itself
    assert independent_cascade(nx.empty_graph(2), [0, 0], 0.9, runs=10).tolist() == [1.0, 0.0]


def test_brokerage_by_hand_on_a_star_and_an_empty_graph():
    # star centre 0 with 3 leaves: betweenness of the centre = 3 pairs / 3 pairs = 1, leaves 0;
    # Burt: the centre's effective size is 3 (no ties among leaves), constraint 3 × (1/3)² = 1/3;
    # each leaf has effective size 1 and constraint 1
    b = brokerage(nx.star_graph(3))
    assert b.index[0] == 0 and b.columns.tolist() == ["degree", "betweenness", "effective_size", "constraint"]
    assert b.loc[0].tolist() == pytest.approx([3, 1.0, 3.0, 1 / 3])
    assert b.loc[1].tolist() == pytest.approx([1, 0.0, 1.0, 1.0])
    e = brokerage(nx.Graph())
    assert len(e) == 0 and e.columns.tolist() == ["degree", "betweenness", "effective_size", "constraint"]


def test_brokerage_keeps_the_graphs_order_among_equal_betweenness():
    # a hub with 40 leaves added in a scrambled order: every leaf has betweenness 0, and a stable
    # sort must list them in the graph's own order (numpy's default sort is not stable beyond 16)
    import random

    leaves = [f"leaf{i:02d}" for i in range(40)]
    random.Random(3).shuffle(leaves)
    G = nx.Graph()
    G.add_node("hub")
    G.add_edges_from(("hub", leaf) for leaf in leaves)
    b = brokerage(G)
    assert list(b.index) == ["hub", *leaves]
    assert b.loc["hub", "betweenness"] == 1.0 and (b.loc[leaves, "betweenness"] == 0).all()
    empty = brokerage(nx.Graph())
    assert list(empty.columns) == ["degree", "betweenness", "effective_size", "constraint"] and len(empty) == 0
