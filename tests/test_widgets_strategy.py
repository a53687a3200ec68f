"""The compute functions behind lessons 7-9 (Alliance-FSA, strategies, capstone), tested without a browser."""

from __future__ import annotations

import pandas as pd
import pytest

from sme_teach import cases, datasets, frameworks, measures
from sme_teach.widgets import _strategy as S


def test_compute_alliance_fsa_matches_propagate():
    G = frameworks.load("alliance_fsa")
    alliances = {a: 0.5 for a in frameworks.layer_nodes(G, "alliance")}
    res = cases.alliance_fsa(0.5, 0.6, 0.8, "mean", "capital_base_development")
    direct = measures.propagate(alliances, {m: 0.6 for m in frameworks.layer_nodes(G, "moderator_1")},
                                {m: 0.8 for m in frameworks.layer_nodes(G, "moderator_2")})
    pd.testing.assert_series_equal(res["competency"], direct.competency)
    pd.testing.assert_series_equal(res["fsa"], direct.fsa)
    assert res["m1"] == pytest.approx(0.6) and res["m2"] == pytest.approx(0.8)
    # every alliance at 0.5: FSA = 0.6 × 0.5, competency = 0.8 × 0.3
    assert res["competency"]["capital_base_development"] == pytest.approx(0.24)
    assert res["explanation"] == direct.explain("capital_base_development")
    # the paths of the explained competency add up to its score, largest first
    assert res["paths"]["contribution"].sum() == pytest.approx(0.24)
    assert res["paths"]["share"].sum() == pytest.approx(1.0)
    assert res["paths"]["contribution"].is_monotonic_decreasing
    assert set(res["paths"]["alliance"]) == {"capital_rationing"}
    # a dict of strengths; forms left out count as 0
    only = cases.alliance_fsa({"information_sharing": 1.0}, 1.0, 1.0, explain="internationalisation_knowledge")
    assert only["competency"]["internationalisation_knowledge"] == pytest.approx(1.0)
    assert only["competency"]["capital_base_development"] == 0.0
    # the min rule: the weakest moderator limits
    low = cases.alliance_fsa(0.5, {"trust_and_confidence": 0.2}, 1.0, "min")
    assert low["m1"] == pytest.approx(0.2)


def test_compute_entry_mode_matches_recommend_entry_mode():
    res = cases.entry_mode(0.9, 0.8, 0.7, 0.8, 0.6)
    rec = measures.recommend_entry_mode(0.9, 0.8, 0.7, 0.8, 0.6)
    assert (res["mode"], res["family"], res["reasons"]) == (rec.mode, rec.family, rec.reasons)
    assert res["mode"] == "joint venture"
    assert res["capacity"] == pytest.approx(0.7) and res["uncertainty"] == pytest.approx(0.75)
    assert cases.entry_mode(0.2, 0.3, 0.4, 0.1, 0.1)["mode"] == "indirect export"


def test_compute_destinations_matches_rank_destinations():
    w = {"cultural": 1, "administrative": 1, "geographic": 2, "economic": 0, "psychic": 1, "small_market": 1}
    got = cases.destination_ranking("BGD", ["IND", "JPN", "GBR", "NLD"], w)
    want = measures.rank_destinations("BGD", ["IND", "JPN", "GBR", "NLD"], w, countries=datasets.load_countries(),
                                      hofstede=datasets.load_hofstede())
    pd.testing.assert_frame_equal(got, want)
    assert got.index[0] == "IND"  # the neighbour wins
    # default candidates leave out the home country and add Bangladesh abroad
    default = cases.destination_ranking()
    assert set(default.index) == set(cases.DEFAULT_CANDIDATES)
    assert default["rank"].tolist() == sorted(default["rank"])
    from_gbr = cases.destination_ranking("GBR")
    assert "BGD" in from_gbr.index and "GBR" not in from_gbr.index
    # no psychic weight: no Hofstede needed, and the psychic columns are absent
    geo = cases.destination_ranking("BGD", ["IND", "USA"], {"geographic": 1})
    assert list(geo.index) == ["IND", "USA"] and "score_psychic" not in geo.columns


def test_compute_firm_profile_diagnoses_a_khulna_firm():
    df = datasets.load_khulna_smes()
    p = cases.firm_profile("KS02")
    row = df.set_index("firm_id").loc["KS02"]
    assert p["profile"]["firm_name"] == row["firm_name"] and p["profile"]["employees"] == row["employees"]
    assert p["alliances"]["resource_sharing"] == pytest.approx(row["alliance_resource_sharing"])
    inputs = cases.firm_inputs("KS02")
    direct = measures.propagate(inputs["alliances"], inputs["moderators_1"], inputs["moderators_2"]).competency
    assert p["competency"]["score"].to_numpy() == pytest.approx(direct.to_numpy())
    # percentiles are against the model's scores for the whole cohort
    lay = frameworks.layer_nodes(frameworks.load("alliance_fsa"), "alliance")
    cohort = measures.propagate(
        df[[f"alliance_{a}" for a in lay]].set_axis(lay, axis=1),
        df.filter(like="mod1_").rename(columns=lambda c: c[5:]),
        df.filter(like="mod2_").rename(columns=lambda c: c[5:])).competency
    k = "capital_base_development"
    assert p["competency"].at[k, "percentile"] == pytest.approx((cohort[k] <= direct[k]).mean() * 100)
    assert p["competency"].at[k, "cohort_median"] == pytest.approx(cohort[k].median())
    assert len(p["weakest"]) == 3 and set(p["weakest"]).isdisjoint(p["strongest"])
    assert p["entry_inputs"] == {"firm_size": pytest.approx(row["employees"] / 250), "international_experience": 0.6}
    with pytest.raises(ValueError, match="unknown firm 'KS99'"):
        cases.firm_profile("KS99")


def test_compute_alliance_plan_before_after():
    plan = cases.alliance_plan("KS02", {"capital_rationing": 0.8})
    inputs = cases.firm_inputs("KS02")
    after = measures.propagate({**inputs["alliances"], "capital_rationing": 0.8}, inputs["moderators_1"],
                               inputs["moderators_2"]).competency
    assert plan.loc[after.index, "after"].to_numpy() == pytest.approx(after.to_numpy())
    assert plan.at["mean", "gain"] == pytest.approx(plan.loc[after.index, "gain"].mean())
    # capital rationing builds capital, which builds capital base development; nothing else moves knowledge
    assert plan.at["capital_base_development", "gain"] > 0
    assert plan.at["internationalisation_knowledge", "gain"] == 0
    # raising trust (a cycle-1 moderator) lifts every competency the firm has any flow into
    trust = cases.alliance_plan("KS02", {}, moderators_1={"trust_and_confidence": 1.0})
    assert (trust.loc[after.index, "gain"] >= 0).all() and trust.at["mean", "gain"] > 0


def test_views_build_and_mark_their_control_and_result():
    for view in (S.alliance_fsa_view(), S.entry_mode_view(), S.destination_view(), S.capstone_view("KS05")):
        found = []

        def walk(w):
            found.extend(c for c in getattr(w, "_dom_classes", ()) if c.startswith("sme-"))
            for child in getattr(w, "children", ()):
                walk(child)

        walk(view)
        assert found[:2] == ["sme-control", "sme-result"] or found.index("sme-control") < found.index("sme-result")


def test_first_control_changes_first_result():
    view = S.alliance_fsa_view()
    control = view.children[0].children[0]
    result = view.children[1]
    before = result.value
    control.value = control.value + control.step
    assert result.value != before and "alt=" in result.value
    dest = S.destination_view()
    before = dest.children[-1].value
    dest.children[0].value = 2.0
    assert dest.children[-1].value != before
    cap = S.capstone_view()
    before = cap.children[1].value
    cap.children[0].value = cap.children[0].options[1][1]
    assert cap.children[1].value != before


def test_paths_table_headers_are_separate_phrases():
    """The path table's headers once read 'through FSAcontribution share': each is its own phrase."""
    import re

    G = frameworks.load("alliance_fsa")
    alliances = {n: 0.6 for n, d in G.nodes(data=True) if d["layer"] == "alliance"}
    comp = next(n for n, d in G.nodes(data=True) if d["layer"] == "competency" and G.in_degree(n))
    res = cases.alliance_fsa(alliances, 0.6, 0.6, "mean", comp)
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', S._paths_html(res, comp))
    assert {"through the FSA", "contribution to the score", "share of the score"} <= set(heads), heads
