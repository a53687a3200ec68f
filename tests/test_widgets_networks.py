"""Views of lessons 4-6: the compute functions against direct calls of the measures, and the views (speed is measured in bench/widgets_bench.py, not here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sme_teach import SmeTeachError, cases, datasets, measures, synthetic
from sme_teach.widgets import _networks as nw


# ------------------------------------------------------------------ lesson 4: grapevine


def test_compute_spillover_matches_the_measure():
    out = cases.grapevine("KS44", 0.3, runs=200, seed=0)
    direct = measures.independent_cascade(datasets.load_alliance_network(), "KS44", 0.3, runs=200, seed=0)
    pd.testing.assert_series_equal(out["probability"], direct)
    assert out["probability"]["KS44"] == 1.0
    assert out["expected_reach"] == pytest.approx(direct.drop("KS44").sum())
    top = out["top"]
    assert list(top.columns) == ["firm_id", "firm_name", "industry", "ties", "probability"]
    assert "KS44" not in set(top["firm_id"])
    assert top["probability"].is_monotonic_decreasing
    assert top["probability"].iloc[0] == pytest.approx(direct.drop("KS44").max())
    # p = 0 reaches nobody; p = 1 reaches the whole component of the seed
    assert cases.grapevine("KS44", 0.0, runs=5)["expected_reach"] == 0
    import networkx as nx

    comp = nx.node_connected_component(datasets.load_alliance_network(), "KS44")
    assert cases.grapevine("KS44", 1.0, runs=5)["expected_reach"] == pytest.approx(len(comp) - 1)


def test_compute_spillover_rejects_unknown_firm():
    with pytest.raises(SmeTeachError, match="unknown seed"):
        cases.grapevine("KS99", 0.3)


def test_network_figure_has_alt_text_naming_the_broker():
    fig = nw.network_figure(datasets.load_florentine(), measures.brokerage(datasets.load_florentine())["betweenness"],
                            label="betweenness")
    assert "Medici 0.52" in fig.alt_text and "15 nodes and 20 ties" in fig.alt_text


# ------------------------------------------------------------------ lesson 5: born globals


def test_firm_timing_table_matches_the_panel():
    t = synthetic.firm_timing_table()
    panel = datasets.load_sme_panel()
    entries = datasets.load_sme_panel("entries")
    assert len(t) == panel["firm_id"].nunique() == 500
    fid = entries["firm_id"].iloc[0]
    first = entries.loc[entries["firm_id"] == fid, "first_entry_year"].min()
    founded = panel.loc[panel["firm_id"] == fid, "founding_year"].iloc[0]
    assert t.loc[fid, "years_to_first_export"] == first - founded
    last = panel[panel["firm_id"] == fid].sort_values("year").iloc[-1]
    assert t.loc[fid, "foreign_sales_share"] == last["foreign_sales_share"]
    assert t.loc[t["path_type"] == "domestic", "years_to_first_export"].isna().all()


def test_compute_born_globals_matches_classify_born_global():
    t = synthetic.firm_timing_table()
    for years, share in [(3, 0.25), (2, 0.75), (0, 0.0), (12, 0.95)]:
        out = cases.born_globals(years, share)
        direct = measures.classify_born_global(t["years_to_first_export"], t["foreign_sales_share"],
                                               max_years=years, min_share=share)
        tab = out["table"]
        assert out["n_born_global"] == int(direct.sum()) == tab.loc["total", "classified_born_global"]
        assert tab.loc["total", "firms"] == 500
        assert tab.loc["domestic", "classified_born_global"] == 0
        for path in ("gradual", "born_global", "de_re"):
            assert tab.loc[path, "classified_born_global"] == int(direct[t["path_type"] == path].sum())
    # Knight & Cavusgil's thresholds catch more firms than Rennie's stricter pair
    assert cases.born_globals(3, 0.25)["n_born_global"] > cases.born_globals(2, 0.75)["n_born_global"]


# ------------------------------------------------------------------ lesson 6: readiness


def test_khulna_readiness_responses_fit_the_instrument():
    r = synthetic.khulna_readiness_responses()
    inst = measures.load_instrument()
    assert r.shape == (50, len(inst.item_ids)) and list(r.columns) == inst.item_ids
    assert r.index.tolist() == datasets.load_khulna_smes()["firm_id"].tolist()
    assert r.isin(range(1, 6)).all().all()
    pd.testing.assert_frame_equal(r, synthetic.khulna_readiness_responses())  # deterministic
    assert not r.equals(synthetic.khulna_readiness_responses(seed=1))
    scores = measures.readiness_scores(r)
    # firms that share information more score higher on cluster networking (by construction)
    k = datasets.load_khulna_smes().set_index("firm_id")
    assert np.corrcoef(k["alliance_information_sharing"], scores["cluster_networking"])[0, 1] > 0.3


def test_compute_readiness_matches_readiness_scores():
    base = synthetic.khulna_readiness_responses().loc["KS28"].to_dict()
    out = cases.khulna_readiness({"net_3": 5, "pol_2": 1}, "KS28")
    direct = measures.readiness_scores({**base, "net_3": 5, "pol_2": 1})
    assert out["overall"] == pytest.approx(direct["overall"])
    assert out["weakest"] == direct["weakest"] and out["band"] == direct["band"]
    sc = out["scores"].set_index("dimension")
    for dim in measures.load_instrument().dimension_ids:
        assert sc.loc[dim, "score"] == pytest.approx(direct[dim])
    # one step on a 4-item dimension moves its score by 100 / (4 items × 4 steps) = 6.25 points
    lo = cases.khulna_readiness({"net_3": 2})["scores"].set_index("dimension").loc["cluster_networking", "score"]
    hi = cases.khulna_readiness({"net_3": 3})["scores"].set_index("dimension").loc["cluster_networking", "score"]
    assert hi - lo == pytest.approx(6.25)
    with pytest.raises(SmeTeachError, match="unknown item"):
        cases.khulna_readiness({"nope": 3})


# ------------------------------------------------------------------ views


@pytest.mark.parametrize("view", [nw.spillover_view, nw.born_global_view, nw.readiness_view])
def test_first_control_changes_the_result(view):
    import ipywidgets as w

    box = view()
    found = []

    def walk(widget):
        found.append(widget)
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(box)
    controls = [x for x in found if "sme-control" in x._dom_classes]
    results = [x for x in found if "sme-result" in x._dom_classes]
    assert controls and results
    control, result = controls[0], results[0]
    assert isinstance(control, (w.IntSlider, w.FloatSlider, w.SelectionSlider, w.Dropdown))
    assert all(x.description for x in found if isinstance(x, (w.IntSlider, w.FloatSlider, w.Dropdown)))
    assert 'alt="' in result.value and 'alt=""' not in result.value
    before = result.value
    if isinstance(control, w.Dropdown):
        values = [v for _, v in control.options]
        control.value = values[(values.index(control.value) + 1) % len(values)]
    else:
        control.value = control.value + control.step if control.value < control.max else control.value - control.step
    assert result.value != before
