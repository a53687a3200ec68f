"""The keys behind the assignments' fixed questions (issue 15): each computed by one sme_teach function.

- a2 Q3 ``deciding_factor``: the factor that separates the winner from the runner-up (``measures.factor_gaps``);
- a3 Q3 ``lever_gains``: graded with all links and with the stated links only (``cases.lever_gains``,
  ``frameworks.stated_links``), so the comparison lesson 07 teaches is what is graded;
- a1 Q3 ``inv_type``: see ``tests/test_measures_stages.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sme_teach import SmeTeachError, cases, datasets, frameworks, grading, measures


# -- a2: the deciding factor -------------------------------------------------------------------------

def _ranking(student: str):
    countries, hofstede = datasets.load_countries(), datasets.load_hofstede()
    brief = cases.client_brief(grading.student_seed(student, salt="a2_destinations"), countries, hofstede)
    return measures.rank_destinations("BGD", list(brief.candidates), dict(brief.weights), countries, hofstede)


def test_factor_gaps_add_up_to_the_difference_of_the_two_totals():
    r = _ranking("s-keys-01")
    gaps = measures.factor_gaps(r)
    assert np.isclose(gaps.sum(), r["total"].iloc[1] - r["total"].iloc[0])
    assert gaps.index[0] == measures.deciding_factor(r)
    # the gap is read from the contribution columns, runner-up minus winner
    f = gaps.index[0]
    assert np.isclose(gaps[f], r[f"contribution_{f}"].iloc[1] - r[f"contribution_{f}"].iloc[0])


@pytest.mark.parametrize("student", [f"s-keys-{k:02d}" for k in range(12)])
def test_deciding_factor_separates_the_candidates(student):
    r = _ranking(student)
    f = measures.deciding_factor(r)
    # a factor every candidate scores the same on cannot be the deciding one (the old key often was)
    assert r[f"score_{f}"].nunique() > 1, r.filter(like="score_")
    assert r[f"contribution_{f}"].iloc[1] > r[f"contribution_{f}"].iloc[0]


def test_the_old_reading_is_often_a_factor_equal_for_every_candidate():
    """What the issue found: the largest contribution to the winner is usually a constant factor."""
    constant = 0
    for k in range(12):
        r = _ranking(f"s-keys-{k:02d}")
        old = r.filter(like="contribution_").iloc[0].idxmax().removeprefix("contribution_")
        constant += r[f"score_{old}"].nunique() == 1
        assert measures.deciding_factor(r) != old or r[f"score_{old}"].nunique() > 1
    assert constant >= 6, f"only {constant} of 12 old keys were constant factors"


def test_factor_gaps_errors():
    with pytest.raises(SmeTeachError, match="DataFrame of measures.rank_destinations"):
        measures.factor_gaps({"contribution_x": [1, 2]})
    with pytest.raises(SmeTeachError, match="at least two candidates"):
        measures.factor_gaps(pd.DataFrame({"contribution_x": [1.0]}))


# -- a3: the levers, with stated links only ----------------------------------------------------------

def test_stated_links_drop_exactly_the_inferred_edges():
    G = frameworks.load("alliance_fsa")
    S = frameworks.stated_links("alliance_fsa")
    inferred = {(u, v) for u, v, d in G.edges(data=True) if d.get("inferred")}
    assert inferred, "the model has inferred links to drop"
    assert set(S.edges) == set(G.edges) - inferred
    assert set(S.nodes) == set(G.nodes)
    assert frameworks.stated_links(G).number_of_edges() == S.number_of_edges()
    assert G.number_of_edges() == len(set(G.edges))  # the graph passed in is not changed
    with pytest.raises(SmeTeachError, match="framework name or a networkx.DiGraph"):
        frameworks.stated_links(42)


def _firm(student: str):
    smes = grading.student_data("khulna_smes", student=student)
    firm = cases.advised_firm(smes, grading.student_seed(student, salt="a3_alliance_fsa"))
    return datasets.khulna_model_inputs(smes.set_index("firm_id").loc[firm])


def test_lever_gains_equal_a_propagate_loop():
    a, m1, m2 = _firm("s-keys-01")
    S = frameworks.stated_links("alliance_fsa")
    for links, model in (("all", "alliance_fsa"), ("stated", S)):
        base = measures.propagate(a, m1, m2, model=model).competency.mean()
        loop = pd.Series({x: measures.propagate(a.where(a.index != x, min(a[x] + 0.2, 1.0)), m1, m2, model=model)
                          .competency.mean() - base for x in a.index})
        got = cases.lever_gains(a, m1, m2, links=links)
        assert np.allclose(got.reindex(loop.index), loop, atol=1e-12), links
    weakest = measures.propagate(a, m1, m2).competency.idxmin()
    g = cases.lever_gains(a, m1, m2, target=weakest, step=0.1)
    assert (g >= -1e-12).all() and g.max() > 0


def test_stated_links_gains_exist_and_differ_for_every_student():
    """The graded comparison is not degenerate: with stated links only, some lever still works."""
    for k in range(6):
        a, m1, m2 = _firm(f"s-keys-{k:02d}")
        stated = cases.lever_gains(a, m1, m2, links="stated")
        assert stated.max() > 0 and stated.nunique() > 1
        # alliances whose every link to an FSA is inferred do nothing on stated links
        S = frameworks.stated_links("alliance_fsa")
        for alliance in a.index:
            if S.out_degree(alliance) == 0:
                assert stated[alliance] == 0


def test_lever_gains_errors():
    a, m1, m2 = _firm("s-keys-01")
    with pytest.raises(SmeTeachError, match="links"):
        cases.lever_gains(a, m1, m2, links="some")
    with pytest.raises(SmeTeachError, match="unknown target"):
        cases.lever_gains(a, m1, m2, target="exports")
    with pytest.raises(SmeTeachError, match="pandas Series"):
        cases.lever_gains(dict(a), m1, m2)
