"""Alliance → FSA → competency propagation: a hand-computed example and the real model."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sme_teach import SmeTeachError
from sme_teach.measures import propagate

LAYERS = ["alliance", "moderator_1", "fsa", "moderator_2", "competency"]


def small_model():
    G = nx.DiGraph(name="small", layers=[{"id": layer} for layer in LAYERS])
    nodes = [("info", "alliance"), ("pricing", "alliance"), ("lobby", "alliance"),
             ("trust", "moderator_1"), ("timing", "moderator_1"),
             ("knowledge", "fsa"), ("grapevine", "fsa"), ("capital", "fsa"),
             ("learning", "moderator_2"),
             ("intl_knowledge", "competency"), ("policy_backing", "competency")]
    for order, (n, layer) in enumerate(nodes):
        G.add_node(n, layer=layer, order=order)
    G.add_edges_from([("info", "knowledge"), ("info", "grapevine"), ("pricing", "grapevine"),
                      ("knowledge", "intl_knowledge"), ("grapevine", "intl_knowledge")], kind="builds")
    # moderating edges must not carry flow
    for m in ("trust", "timing"):
        for f in ("knowledge", "grapevine", "capital"):
            G.add_edge(m, f, kind="moderates")
    G.add_edge("learning", "intl_knowledge", kind="moderates")
    return G


def test_hand_computed_example():
    r = propagate({"info": 0.8, "pricing": 0.4}, {"trust": 0.9, "timing": 0.5}, {"learning": 0.5},
                  model=small_model())
    m1 = (0.9 + 0.5) / 2  # 0.7
    assert r.fsa["knowledge"] == pytest.approx(m1 * 0.8)  # 0.56
    assert r.fsa["grapevine"] == pytest.approx(m1 * (0.8 + 0.4) / 2)  # 0.42
    assert r.fsa["capital"] == 0.0  # nothing builds it
    assert r.competency["intl_knowledge"] == pytest.approx(0.5 * (0.56 + 0.42) / 2)  # 0.245
    assert r.competency["policy_backing"] == 0.0
    c = r.contributions
    by = c[c["competency"] == "intl_knowledge"].groupby("alliance")["contribution"].sum()
    # info: 0.7*0.5*0.8*(1*1/2 + 1/2*1/2) = 0.21; pricing: 0.7*0.5*0.4*(1/2*1/2) = 0.035
    assert by["info"] == pytest.approx(0.21) and by["pricing"] == pytest.approx(0.035)
    assert by.sum() == pytest.approx(r.competency["intl_knowledge"])
    text = r.explain("intl_knowledge")
    assert "info" in text and "86%" in text


def test_moderation_rules_and_defaults():
    G = small_model()
    a = {"info": 1.0, "pricing": 1.0}
    assert propagate(a, model=G).fsa["knowledge"] == 1.0  # moderators default to 1
    low = {"trust": 1.0, "timing": 0.2}
    assert propagate(a, low, model=G, moderation="min").fsa["knowledge"] == pytest.approx(0.2)
    assert propagate(a, low, model=G, moderation="mean").fsa["knowledge"] == pytest.approx(0.6)
    assert propagate(a, low, model=G, moderation="product").fsa["knowledge"] == pytest.approx(0.2)


def test_many_firms_vectorised_matches_one_by_one():
    G = small_model()
    rng = np.random.default_rng(0)
    A = pd.DataFrame(rng.random((5, 3)), columns=["info", "pricing", "lobby"], index=list("abcde"))
    M1 = pd.DataFrame(rng.random((5, 2)), columns=["trust", "timing"], index=A.index)
    r = propagate(A, M1, {"learning": 0.7}, model=G)
    for firm in A.index:
        one = propagate(A.loc[firm].to_dict(), M1.loc[firm].to_dict(), {"learning": 0.7}, model=G)
        assert np.allclose(r.competency.loc[firm], one.competency)
    sums = r.contributions.groupby(["firm", "competency"])["contribution"].sum().unstack()
    assert np.allclose(sums.loc[A.index, "intl_knowledge"], r.competency["intl_knowledge"])


def test_errors():
    G = small_model()
    with pytest.raises(SmeTeachError, match="unknown alliance 'infos'.*info"):
        propagate({"infos": 1.0}, model=G)
    with pytest.raises(SmeTeachError, match="between 0 and 1"):
        propagate({"info": 1.5}, model=G)
    with pytest.raises(SmeTeachError, match="unknown moderation rule"):
        propagate({"info": 1.0}, model=G, moderation="max")
    with pytest.raises(SmeTeachError, match="lacks layers"):
        propagate({"info": 1.0}, model=nx.DiGraph(layers=[{"id": "alliance"}]))
    with pytest.raises(SmeTeachError, match="unknown competency"):
        propagate({"info": 1.0}, model=G).explain("intl knowledge")


def _real_model():
    from sme_teach import frameworks

    if "alliance_fsa" not in frameworks.available():
        pytest.skip("alliance_fsa.yaml is not written yet")
    return frameworks.load("alliance_fsa")


def test_real_model_full_strength_no_moderation_gives_ones_where_built():
    G = _real_model()
    alliances = [n for n, d in G.nodes(data=True) if d["layer"] == "alliance"]
    r = propagate({a: 1.0 for a in alliances})
    assert len(r.fsa) == 20 and len(r.competency) == 10
    built_fsa = {v for u, v, d in G.edges(data=True)
                 if d.get("kind") == "builds" and u in alliances and G.nodes[v]["layer"] == "fsa"}
    assert np.allclose(r.fsa[list(built_fsa)], 1.0)
    assert r.competency.between(0, 1).all()
    assert "internationalisation_knowledge" in r.competency.index


def test_real_model_information_sharing_reaches_information_accessibility():
    G = _real_model()
    r = propagate({"information_sharing": 1.0}, {"trust_and_confidence": 0.5}, None, model=G)
    assert r.competency["information_accessibility"] > 0
    total = r.contributions.groupby("competency")["contribution"].sum()
    assert np.allclose(total.reindex(r.competency.index, fill_value=0), r.competency)
    assert "information_sharing" in r.explain("information_accessibility")


def _toy(extra_competency=False):
    """Two alliances (listed z before a, to check model order), two FSAs, one competency (+ one unbuilt)."""
    G = nx.DiGraph(name="toy", layers=[{"id": x} for x in ("alliance", "moderator_1", "fsa", "moderator_2", "competency")])
    nodes = [("za", "alliance"), ("ab", "alliance"), ("m1", "moderator_1"), ("f1", "fsa"), ("f2", "fsa"),
             ("m2", "moderator_2"), ("c1", "competency")] + ([("c2", "competency")] if extra_competency else [])
    for order, (n, layer) in enumerate(nodes):
        G.add_node(n, layer=layer, order=order)
    G.add_edges_from([("za", "f1"), ("ab", "f1"), ("za", "f2"), ("f1", "c1"), ("f2", "c1")], kind="builds")
    G.add_edge("m1", "f1", kind="moderates")
    return G


def test_explain_and_by_alliance_by_hand():
    # f1 = 0.8 × (1.0 + 0.5) / 2 = 0.6; f2 = 0.8 × 1.0 = 0.8; c1 = 1.0 × (0.6 + 0.8) / 2 = 0.7
    # contributions m1·m2·a/(indeg(f)·indeg(c)): za 0.8/4 + 0.8/2 = 0.6, ab 0.8 × 0.5 / 4 = 0.1
    r = propagate({"za": 1.0, "ab": 0.5}, {"m1": 0.8}, {"m2": 1.0}, model=_toy(True))
    assert r.explain("c1") == (
        "c1 = 0.700 for this firm (cycle multipliers: m1 = 0.80, m2 = 1.00).\n"
        "It comes from 2 FSA(s): f1 (0.600), f2 (0.800) averaged, times m2.\n"
        "Alliances behind it: za 0.600 (86%), ab 0.100 (14%).")
    assert r.explain("c1", top=1) == (
        "c1 = 0.700 for this firm (cycle multipliers: m1 = 0.80, m2 = 1.00).\n"
        "It comes from 2 FSA(s): f1 (0.600), ... averaged, times m2.\n"
        "Alliances behind it: za 0.600 (86%).")
    assert r.explain("c2") == ("c2 = 0.000 for this firm: no FSA builds it in this model "
                               "(no incoming 'builds' edges).")
    table = r.by_alliance()
    assert table.index.tolist() == ["za", "ab"] and table.columns.tolist() == ["c1"]  # the model's order
    assert table["c1"].tolist() == pytest.approx([0.6, 0.1])
    with pytest.raises(SmeTeachError, match=r"^unknown competency 'c3'"):
        r.explain("c3")
    with pytest.raises(SmeTeachError, match=r"^unknown firm 'x'; expected one of: 0$"):
        r.by_alliance("x")


def test_explain_for_the_second_of_several_firms_and_for_a_zero_score():
    alliances = pd.DataFrame({"za": [1.0, 0.0], "ab": [0.5, 1.0]}, index=["jute_co", "shrimp_co"])
    r = propagate(alliances, pd.DataFrame({"m1": [0.8, 0.5]}, index=alliances.index), model=_toy())
    # shrimp_co: f1 = 0.5 × (0 + 1) / 2 = 0.25, f2 = 0; c1 = (0.25 + 0) / 2 = 0.125, all from ab
    assert r.explain("c1", firm="shrimp_co") == (
        "c1 = 0.125 for firm 'shrimp_co' (cycle multipliers: m1 = 0.50, m2 = 1.00).\n"
        "It comes from 2 FSA(s): f1 (0.250), f2 (0.000) averaged, times m2.\n"
        "Alliances behind it: ab 0.125 (100%).")
    assert r.by_alliance("shrimp_co")["c1"].tolist() == pytest.approx([0.0, 0.125])
    assert r.explain("c1").startswith("c1 = 0.700 for firm 'jute_co'")  # default: the first firm
    zero = propagate({"za": 0.0}, model=_toy())
    assert zero.explain("c1").endswith("Alliances behind it: none (all zero).")


# ------------------------------------------------------------------ the paper's necessary conditions


def _real_levels(G, layer, value=1.0):
    return {n: value for n, d in G.nodes(data=True) if d["layer"] == layer}


def test_default_rule_trust_zero_gives_zero():
    """'If those SMEs who are forming such alliances do not trust each other, then such alliance
    building is of no use': with the default rule, trust = 0 stops cycle 1 whatever else holds."""
    from sme_teach.measures import DEFAULT_MODERATION

    G = _real_model()
    assert DEFAULT_MODERATION == "gated"
    alliances = _real_levels(G, "alliance")
    m1 = {**_real_levels(G, "moderator_1"), "trust_and_confidence": 0.0}
    r = propagate(alliances, m1, model=G)
    assert r.moderation["m1"].iloc[0] == 0.0
    assert (r.fsa == 0).all() and (r.competency == 0).all()
    # the old default let the other five make up for it
    assert propagate(alliances, m1, model=G, moderation="mean").moderation["m1"].iloc[0] == pytest.approx(5 / 6)


def test_default_rule_equal_benefits_zero_gives_zero():
    """'Only equal distribution of benefits including profit will ensure successful strategic alliances'."""
    G = _real_model()
    m1 = {**_real_levels(G, "moderator_1"), "equal_distribution_of_benefits": 0.0}
    assert (propagate(_real_levels(G, "alliance"), m1, model=G).competency == 0).all()


def test_necessary_conditions_are_marked_with_their_sentence(seeds_dir):
    import re

    G = _real_model()
    necessary = sorted(n for n, d in G.nodes(data=True) if d.get("necessary"))
    assert necessary == ["equal_distribution_of_benefits", "trust_and_confidence"]
    seed = re.sub(r"\s+", " ", (seeds_dir / "bose_bristy_alliance_fsa.txt").read_text(encoding="utf-8"))
    for n in necessary:
        assert G.nodes[n]["necessary_quote"] in seed


def test_gated_rule_caps_the_mean_and_lies_between_min_and_mean():
    G = _real_model()
    rng = np.random.default_rng(3)
    ids = [n for n, d in G.nodes(data=True) if d["layer"] == "moderator_1"]
    M1 = pd.DataFrame(rng.random((40, len(ids))), columns=ids)
    A = pd.DataFrame(1.0, index=M1.index, columns=list(_real_levels(G, "alliance")))
    m = {rule: propagate(A, M1, model=G, moderation=rule).moderation["m1"] for rule in ("gated", "mean", "min")}
    want = np.minimum(M1.mean(axis=1), M1[["trust_and_confidence", "equal_distribution_of_benefits"]].min(axis=1))
    assert np.allclose(m["gated"], want)
    assert (m["min"] <= m["gated"] + 1e-12).all() and (m["gated"] <= m["mean"] + 1e-12).all()
    # trust high and the rest low: the cap does not bind, the mean decides
    row = {i: 0.2 for i in ids} | {"trust_and_confidence": 1.0, "equal_distribution_of_benefits": 1.0}
    assert propagate(_real_levels(G, "alliance"), row, model=G).moderation["m1"].iloc[0] == pytest.approx(
        np.mean(list(row.values())))


def test_gated_rule_without_necessary_moderators_is_the_mean():
    G = small_model()
    low = {"trust": 1.0, "timing": 0.2}
    a = {"info": 1.0}
    assert propagate(a, low, model=G).fsa["knowledge"] == pytest.approx(0.6)


def test_direct_and_competency_links_carry_flow_and_add_up():
    G = _real_model()
    # joint lobbying -> government backing is stated in the paper, with no FSA between
    r = propagate({"joint_lobbying": 1.0}, {"trust_and_confidence": 0.8}, {"learning_organisation": 0.5}, model=G)
    m1, m2 = r.moderation.iloc[0]
    assert r.competency["government_and_policy_backing"] == pytest.approx(m1 * m2)
    assert set(r.contributions.loc[r.contributions["contribution"] > 0, "fsa"]) == {"(direct)"}
    # large local operation -> brand value: brand value averages its FSAs and that competency (before m2)
    r = propagate({"shared_distribution": 1.0}, model=G)
    assert r.competency["large_scale_local_operation"] == pytest.approx(1 / 7)
    assert r.competency["strong_local_brand_value"] == pytest.approx((1 / 7) / 3)
    total = r.contributions.groupby("competency")["contribution"].sum()
    assert np.allclose(total.reindex(r.competency.index, fill_value=0), r.competency)
    assert "large_scale_local_operation" in r.explain("strong_local_brand_value")


# ------------------------------------------------------------------ contracts pinned for `make mutate`
# Expected numbers from the rule in propagate's docstring (FSA_j = m1 × mean of the alliances that
# build j; competency_k = m2 × mean of its FSAs), worked by hand on two-path models; the moderation
# rule is always given explicitly.

def _two_paths():
    """z → f1 → c2 and a → f2 → c1, ids deliberately not in alphabetical order; one moderator each."""
    G = nx.DiGraph(name="two", layers=[{"id": layer} for layer in LAYERS])
    for order, (n, layer) in enumerate([("z", "alliance"), ("a", "alliance"), ("m", "moderator_1"),
                                        ("f1", "fsa"), ("f2", "fsa"), ("n", "moderator_2"),
                                        ("c2", "competency"), ("c1", "competency")]):
        G.add_node(n, layer=layer, order=order)
    G.add_edge("z", "f1")  # no kind: a 'builds' edge
    G.add_edges_from([("a", "f2"), ("f1", "c2"), ("f2", "c1")], kind="builds")
    G.add_edge("m", "f1", kind="builds")  # a moderator is not a source of flow, whatever the edge says
    G.add_edge("n", "c1", kind="moderates")
    return G


def _msg(**kwargs):
    with pytest.raises(SmeTeachError) as err:
        propagate(model=_two_paths(), moderation="mean", **kwargs)
    return str(err.value)


def test_propagate_single_firm_names_and_kinds_of_edges():
    r = propagate({"z": 0.4, "a": 1.0}, {"m": 0.5}, model=_two_paths(), moderation="mean")
    assert r.fsa.name == "fsa" and r.competency.name == "competency"
    assert r.fsa.to_dict() == pytest.approx({"f1": 0.2, "f2": 0.5})  # 0.5 × 0.4, 0.5 × 1.0
    assert r.competency.to_dict() == pytest.approx({"c2": 0.2, "c1": 0.5})
    assert list(r.competency.index) == ["c2", "c1"], "the model's order, not alphabetical"
    assert r.contributions["firm"].dtype == object, "firm labels kept as Python objects, as given"
    assert r.contributions["firm"].tolist() == [0, 0]


def test_by_alliance_fills_missing_paths_with_zero_in_model_order():
    r = propagate({"z": 0.4, "a": 1.0}, model=_two_paths(), moderation="mean")
    t = r.by_alliance()
    assert list(t.index) == ["z", "a"] and list(t.columns) == ["c2", "c1"]
    assert t.loc["z", "c1"] == 0.0 and t.loc["a", "c2"] == 0.0  # no path: exactly zero
    assert t.loc["z", "c2"] == pytest.approx(0.4) and t.loc["a", "c1"] == pytest.approx(1.0)


def test_explain_keeps_the_models_order_for_equal_contributions_and_counts_feeders():
    G = _two_paths()
    G.add_edge("a", "f1", kind="builds")  # f1 now averages z and a
    r = propagate({"z": 0.5, "a": 0.5}, model=G, moderation="mean")
    text = r.explain("c2")
    assert "Alliances behind it: z 0.250 (50%), a 0.250 (50%)." in text, text
    # exactly `top` feeders: no "..." (only when more than `top` are left out)
    assert "It comes from 1 FSA(s): f1 (0.500) averaged" in r.explain("c2", top=1)
    assert "..." not in r.explain("c2", top=1)


def test_many_firms_with_dict_or_one_row_moderators_apply_them_to_every_firm():
    firms = pd.DataFrame({"z": [0.4, 1.0, 0.0], "a": [1.0, 0.5, 0.2]}, index=["x", "y", "w"])
    expected_f1 = [0.5 * 0.4, 0.5 * 1.0, 0.0]
    for mods in ({"m": 0.5}, pd.Series({"m": 0.5}), pd.DataFrame({"m": [0.5]})):
        r = propagate(firms, mods, model=_two_paths(), moderation="mean")
        assert r.fsa["f1"].tolist() == pytest.approx(expected_f1), type(mods)
        assert r.moderation["m1"].tolist() == [0.5, 0.5, 0.5]
    two = firms.iloc[:2]
    r = propagate(two, pd.DataFrame({"m": [0.5]}), model=_two_paths(), moderation="mean")  # two firms, one row
    assert r.fsa["f1"].tolist() == pytest.approx(expected_f1[:2])
    # a one-row table for a one-firm table must carry that firm's label
    one = firms.iloc[:1]
    assert _msg(alliances=one, moderators_1=pd.DataFrame({"m": [0.5]}, index=["y"])) == (
        "moderator_1 rows must match the rows (firms) of the alliance table; got ['y'], expected ['x']")
    assert propagate(one, pd.DataFrame({"m": [0.5]}, index=["x"]), model=_two_paths(),
                     moderation="mean").fsa["f1"].tolist() == pytest.approx([0.2])


def test_level_tables_name_what_is_wrong():
    six = pd.DataFrame({"z": [0.1] * 6}, index=list("abcdef"))
    other = pd.DataFrame({"n": [0.5] * 6}, index=list("uvwxyz"))
    assert _msg(alliances=six, moderators_2=other) == (
        "moderator_2 rows must match the rows (firms) of the alliance table; "
        "got ['u', 'v', 'w', 'x', 'y'], expected ['a', 'b', 'c', 'd', 'e']")
    three = pd.DataFrame({"z": [0.1] * 3}, index=list("abc"))
    assert _msg(alliances=three, moderators_1=pd.DataFrame({"m": [0.5, 0.5]}, index=list("ab"))).startswith(
        "moderator_1 rows must match")
    dup = pd.DataFrame([[0.1, 0.2, 0.3, 0.4]], columns=["z", "a", "z", "a"])
    assert _msg(alliances=dup) == "alliance table has column 'z' more than once; expected each alliance once"
    assert _msg(alliances=three, moderators_1=pd.DataFrame({"m": [0.5, 1.5, 0.5]}, index=list("abc"))) == (
        "moderator_1 'm' levels must lie between 0 and 1; found 1.5 at position 1")
    assert _msg(alliances={"z": 0.1}, moderators_2={"n": 2}) == (
        "moderator_2 levels must lie between 0 and 1; found 2 at position 0")
    assert _msg(alliances={"z": 0.1}, moderators_1=[0.5]) == (
        "moderator_1 must be a dict id → level, a Series or a DataFrame; got list")
    assert _msg(alliances=[0.5]) == "alliances must be a dict id → strength, a Series or a DataFrame; got list"
    assert "moderator_2" in _msg(alliances=three, moderators_2=pd.DataFrame({"nn": [0.5] * 3}, index=list("abc")))
    assert "moderator_1" in _msg(alliances={"z": 0.1}, moderators_1={"mm": 0.5})


def test_models_without_moderators_or_layers():
    G = nx.DiGraph(name="bare", layers=[{"id": layer} for layer in LAYERS])
    G.add_node("a", layer="alliance")  # no order: sorts as 0, before the ordered nodes
    G.add_node("b", layer="alliance", order=1)
    G.add_node("f", layer="fsa", order=2)
    G.add_node("c", layer="competency", order=3)
    G.add_edges_from([("a", "f"), ("b", "f"), ("f", "c")], kind="builds")
    r = propagate({"a": 1.0, "b": 0.5}, model=G, moderation="min")  # no moderator at all: m1 = m2 = 1
    assert r.fsa["f"] == pytest.approx(0.75) and r.competency["c"] == pytest.approx(0.75)
    assert r.contributions["alliance"].tolist() == ["a", "b"]
    many = propagate(pd.DataFrame({"a": [1.0, 0.0], "b": [0.5, 0.5]}), model=G, moderation="min")
    assert many.fsa["f"].tolist() == pytest.approx([0.75, 0.25])
    assert many.moderation.to_dict("list") == {"m1": [1.0, 1.0], "m2": [1.0, 1.0]}
    with pytest.raises(SmeTeachError) as err:
        propagate({"a": 1.0}, model=nx.DiGraph(name="nothing"))
    assert str(err.value) == ("model 'nothing' lacks layers ['alliance', 'moderator_1', 'fsa', 'moderator_2', "
                              "'competency']; expected layers ['alliance', 'moderator_1', 'fsa', 'moderator_2', "
                              "'competency']")
    with pytest.raises(SmeTeachError) as err:
        propagate({"a": 1.0}, model=3)
    assert str(err.value) == "model must be a framework name or a networkx.DiGraph, got int"


def test_the_toy_model_of_the_examples_is_what_its_docstring_says():
    from sme_teach.measures._propagation import _toy_model

    G = _toy_model()
    assert G.graph["name"] == "toy" and [lay["id"] for lay in G.graph["layers"]] == LAYERS
    assert [n for n, _ in sorted(G.nodes(data=True), key=lambda nd: nd[1]["order"])] == [
        "a1", "a2", "m1", "f1", "f2", "m2", "c1"]
    assert sorted((u, v, d["kind"]) for u, v, d in G.edges(data=True)) == [
        ("a1", "f1", "builds"), ("a1", "f2", "builds"), ("a2", "f1", "builds"), ("f1", "c1", "builds"),
        ("f2", "c1", "builds"), ("m1", "f1", "moderates")]
