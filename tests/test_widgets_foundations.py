"""compute_* functions of the foundation lessons' views (no browser), and that the views build."""

from __future__ import annotations


import pandas as pd
import pytest

from sme_teach import SmeTeachError, cases, datasets, frameworks, measures
from sme_teach.widgets import _foundations as fw

KPIS = pd.DataFrame({
    "kpi": ["EU contract", "Japan orders", "rejected consignment"],
    "benefit": [90.0, 40.0, -30.0],
    "cost": [20.0, 6.0, 0.0],
    "probability": [0.30, 0.45, 0.15],
})


def test_compute_construct_matches_the_framework():
    G = frameworks.load("csf")
    c = cases.construct("kpi_marginal_analysis")
    assert c["label"] == G.nodes["kpi_marginal_analysis"]["label"]
    assert c["definition"] == G.nodes["kpi_marginal_analysis"]["definition"]
    assert c["quote"].startswith("They can make a list of different KPIs")
    assert c["layer_label"] == "Future internationalization prospects"
    assert sorted(c["inputs"]) == ["Barriers (impediments)", "Benefits"]
    # the paper's outcome: success depends on how well the prospects are evaluated (the course's inferred link)
    assert c["outputs"] == ["Future internationalization prospects", "Quality of the evaluation of prospects"]
    assert "Bose" in c["source"] and "2016" in c["source"]
    # the Table 1 factors appear as inputs of the model node they inform
    assert "Timing of Internationalization" in cases.construct("timing")["inputs"]
    with pytest.raises(SmeTeachError, match="expected one of"):
        cases.construct("benefit")


def test_compute_literature_groups_table_1():
    lit = datasets.load_literature_table()
    summary = cases.literature_studies()
    assert summary["studies"].sum() == len(lit) == 45
    row = summary.set_index("success_factor").loc["Network, Alliance, Clusters"]
    assert row["studies"] == 14 and row["informs"] == "Cluster or strategic networking"
    assert summary["studies"].is_monotonic_decreasing
    timing = cases.literature_studies("sf_timing_of_internationalization")
    same = cases.literature_studies("Timing of Internationalization")
    pd.testing.assert_frame_equal(timing, same)
    assert len(timing) == 6 and timing["year"].is_monotonic_increasing
    with pytest.raises(SmeTeachError, match="success factor"):
        cases.literature_studies("Timing")


def test_compute_marginal_analysis_equals_the_measure():
    res = cases.marginal_analysis(KPIS, probabilities={"EU contract": 0.5}, benefits={"Japan orders": 60})
    changed = KPIS.assign(probability=[0.5, 0.45, 0.15], benefit=[90.0, 60.0, -30.0])
    direct = measures.expected_net_benefit(changed)
    assert res["total"] == pytest.approx(direct.total) == pytest.approx(0.5 * 90 - 20 + 0.45 * 60 - 6 - 4.5)
    pd.testing.assert_frame_equal(res["table"], direct.table)
    pd.testing.assert_frame_equal(res["sensitivity"], measures.sensitivity(changed, delta=0.1))
    assert res["worthwhile"] and "worth pursuing" in res["verdict"]
    # the input table is not modified
    assert KPIS["probability"].tolist() == [0.30, 0.45, 0.15]
    # no overrides = the case's own numbers
    assert cases.marginal_analysis(KPIS)["total"] == pytest.approx(measures.expected_net_benefit(KPIS).total)
    with pytest.raises(SmeTeachError, match="unknown KPI"):
        cases.marginal_analysis(KPIS, probabilities={"EU contrct": 0.2})
    with pytest.raises(SmeTeachError):
        cases.marginal_analysis(KPIS, probabilities={"EU contract": 1.5})


def test_compute_uppsala_step_uses_the_measure_and_the_model():
    chain = frameworks.layer_nodes(frameworks.load("uppsala"), "establishment_chain")
    for activity in cases.UPPSALA_ACTIVITIES:
        r = cases.uppsala_step(activity)
        assert r["step"] == measures.uppsala_stage(activity)
        assert r["node"] == chain[r["step"] - 1]
        assert r["stage_name"] == measures.UPPSALA_STAGES[r["step"]]
        assert r["example"] == cases.UPPSALA_EXAMPLES[r["step"]]
    assert [cases.uppsala_step(a)["step"] for a in cases.UPPSALA_ACTIVITIES] == [1, 1, 2, 2, 3, 3, 4]
    assert cases.uppsala_step("agent", examples={2: "own case"})["example"] == "own case"
    with pytest.raises(SmeTeachError, match="unknown entry mode"):
        cases.uppsala_step("licence")


def test_compute_cultural_distance_equals_kogut_singh():
    h = datasets.load_hofstede().set_index("iso3")
    d = cases.cultural_distance("BGD", ["USA", "IND", "GBR", "BGD"])
    direct = measures.kogut_singh(h, "BGD", ["USA", "IND", "GBR"])
    assert d["iso3"].tolist() == ["IND", "USA", "GBR"]  # home dropped, nearest first
    assert d["kogut_singh"].tolist() == pytest.approx(direct.loc[["IND", "USA", "GBR"]].tolist())
    assert d["country"].tolist() == ["India", "United States", "United Kingdom"]
    # the value of a host does not depend on the other hosts listed
    one = cases.cultural_distance("BGD", ["USA"])["kogut_singh"].iloc[0]
    assert one == pytest.approx(direct["USA"])
    # distance is symmetric once variances are fixed by the whole table
    back = cases.cultural_distance("USA", ["BGD"])["kogut_singh"].iloc[0]
    assert back == pytest.approx(direct["USA"])
    assert len(cases.cultural_distance()) == len(cases.DEFAULT_HOSTS)


def test_views_build_with_marked_control_and_result():
    pytest.importorskip("ipywidgets")
    views = [fw.construct_explorer(show_diagram=False), fw.literature_explorer(),
             fw.marginal_analysis_explorer(KPIS), fw.uppsala_stepper(show_diagram=False),
             fw.cultural_distance_chart()]

    def walk(w):
        yield w
        for c in getattr(w, "children", ()):
            yield from walk(c)

    for view in views:
        widgets = list(walk(view))
        controls = [w for w in widgets if "sme-control" in w._dom_classes]
        results = [w for w in widgets if "sme-result" in w._dom_classes]
        assert len(controls) == 1 and len(results) == 1
        control, result = controls[0], results[0]
        assert control.description
        before = result.value
        opts = getattr(control, "options", None)
        if opts:
            values = [o[1] if isinstance(o, tuple) else o for o in opts]
            control.value = values[(values.index(control.value) + 1) % len(values)]
        else:
            control.value = min(control.max, control.value + control.step)
        assert result.value != before


def test_construct_options_are_distinct_and_lesson_01_names_real_ones():
    """Two constructs share the name Capacity building (a Table 1 factor and a competency): the dropdown
    must tell them apart, and lesson 01's exercise must name the option it expects exactly."""
    import re

    import nbformat

    from conftest import REPO

    options = fw.construct_options("csf")
    labels = [label for label, _ in options]
    assert len({label.lower() for label in labels}) == len(labels), f"options look alike: {labels}"
    by_label = dict(options)
    nb = nbformat.read(REPO / "lessons" / "01_why_go_international.ipynb", 4)
    asked = [m for c in nb.cells if c.cell_type == "markdown" for m in re.findall(r"choose \*([^*]+)\*", c.source)]
    assert asked, "lesson 01 no longer asks the student to choose a construct"
    for label in asked:
        if " · " in label:
            assert label in by_label, f"lesson 01 asks for {label!r}; the dropdown offers {labels}"
    assert by_label["Capacity building · Internationalization competencies"] == "capacity_building"


def test_framework_views_are_readable_on_a_laptop():
    """Lesson 07's model is 52 boxes and ~50 crossing links: each layer/path view is at most three columns,
    so at 96 dpi it is shown unscaled in a 1366x768 JupyterLab (content column about 1000 px) and its
    box labels are at least 12 px high; the views cover every construct of the ordinary layers."""
    from sme_teach import plots

    G = frameworks.load("alliance_fsa")
    views = fw.framework_views("alliance_fsa")
    ordinary = {lay["id"] for lay in G.graph["layers"] if not lay.get("moderates")}
    paths = {kw["focus"] for _, kw in views if "focus" in kw}
    assert paths == {n for n, d in G.nodes(data=True) if d["layer"] in ordinary}
    for label, kwargs in views[:-1]:
        fig = plots.draw_framework(G, **kwargs)
        width_px = fig.get_size_inches()[0] * 96
        assert width_px <= 1000, f"{label}: {width_px:.0f} px wide, would be scaled down below readable"
        node_pts = [t.get_fontsize() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("node:")]
        assert node_pts and min(node_pts) * 96 / 72 >= 12, f"{label}: labels {min(node_pts) * 96 / 72:.1f} px"
    # a path is a path: Information Sharing's view holds only what it builds and what those build
    fig = plots.draw_framework(G, focus="information_sharing", show_moderators=False)
    shown = {t.get_gid()[5:] for t in fig.axes[0].texts if (t.get_gid() or "").startswith("node:")}
    assert "information_sharing" in shown and not shown & {"joint_marketing", "common_pricing"}
    whole = plots.draw_framework(G)
    assert len([t for t in whole.axes[0].texts if (t.get_gid() or "").startswith("node:")]) == G.number_of_nodes()


def test_construct_explorer_diagram_is_the_construct_and_its_links():
    """Lesson 01's card diagram: the construct with its direct inputs and outputs (a column per layer they reach),
    not the whole five-column model shrunk to 7 px labels."""
    from sme_teach import plots

    G = frameworks.load("csf")
    for n in G.nodes:
        fig = plots.draw_framework(G, focus=n, depth=1, show_moderators=False)
        shown = {t.get_gid()[5:] for t in fig.axes[0].texts if (t.get_gid() or "").startswith("node:")}
        assert shown == {n, *G.predecessors(n), *G.successors(n)}, n
        # one column per layer the construct's own links reach (future prospects' reach all five since the
        # outcome and prospects -> strategies links), never the whole model's width for a small card
        spanned = {G.nodes[m]["layer"] for m in shown}
        assert fig.get_size_inches()[0] <= max(2, len(spanned)) * 3.3 + 0.01, f"{n}: {fig.get_size_inches()}"


def test_framework_explorer_redraws_the_chosen_view():
    view = fw.framework_explorer("alliance_fsa")
    dropdown, result = view.children
    assert "sme-control" in dropdown._dom_classes and "sme-result" in result._dom_classes
    first = result.value
    assert first.startswith("<img") and "Links: Strategic alliance" in first
    dropdown.value = len(dropdown.options) - 1  # the whole model
    assert result.value != first and "The whole model" in result.value
