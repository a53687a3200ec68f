"""Property tests: bad input raises only SmeTeachError, with a message that names the problem."""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sme_teach import SmeTeachError, measures

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
)


def only_our_error(func, *args, **kwargs):
    """Call func; succeed or raise SmeTeachError — anything else fails the test."""
    try:
        return func(*args, **kwargs)
    except SmeTeachError as exc:
        assert str(exc), "error messages must not be empty"
        return exc


@SETTINGS
@given(st.lists(st.one_of(st.floats(min_value=-2, max_value=2), st.sampled_from([0.0, 0.5, 1.0, np.nan, np.inf])),
                min_size=1, max_size=6))
def test_entropy_bad_shares(values):
    out = only_our_error(measures.entropy_diversification, values)
    arr = np.array(values)
    if not np.all(np.isfinite(arr)):
        assert isinstance(out, SmeTeachError) and "finite" in str(out)
    elif (arr < 0).any():
        assert isinstance(out, SmeTeachError) and "negative" in str(out)
    elif abs(arr.sum() - 1) > 1e-6:
        assert isinstance(out, SmeTeachError) and "sum to" in str(out)
    else:
        assert 0 <= out <= math.log(len(values)) + 1e-9


@SETTINGS
@given(junk)
def test_wrong_types_everywhere(value):
    G = nx.path_graph(3)
    calls = [
        (measures.entropy_diversification, (value,)),
        (measures.fsts, (value, 10)),
        (measures.doi_index, (value,)),
        (measures.uppsala_stage, (value,)),
        (measures.innovation_stage, (value,)),
        (measures.network_situation, (value, 0.5)),
        (measures.inv_type, (value, 2)),
        (measures.classify_born_global, (value, 0.3)),
        (measures.great_circle_km, (value, 0, 0, 0)),
        (measures.readiness_scores, (value,)),
        (measures.expected_net_benefit, (value,)),
        (measures.sensitivity, (value,)),
        (measures.propagate, (value,)),
        (measures.recommend_entry_mode, (value, 0.5, 0.5, 0.5, 0.5)),
        (measures.independent_cascade, (G, value, 0.5)),
        (measures.independent_cascade, (G, [0], value)),
        (measures.independent_cascade_reference, (G, [0], 0.5), {"runs": value}),
        (measures.brokerage, (value,)),
    ]
    for call in calls:
        func, args = call[0], call[1]
        kwargs = call[2] if len(call) > 2 else {}
        only_our_error(func, *args, **kwargs)


HOF = pd.DataFrame({"PDI": [80, 35, 77], "IDV": [20, 89, 48], "MAS": [55, 66, 56], "UAI": [60, 35, 40]},
                   index=["BGD", "GBR", "IND"])


@SETTINGS
@given(st.text(min_size=1, max_size=6))
def test_unknown_country(code):
    out = only_our_error(measures.kogut_singh, HOF, code)
    if code.strip().upper() not in HOF.index:
        assert isinstance(out, SmeTeachError) and "unknown home country" in str(out)


@SETTINGS
@given(st.lists(st.sampled_from(["PDI", "IDV", "MAS", "UAI", "LTO", "IVR", "pdi", "X"]), min_size=1, max_size=4))
def test_kogut_singh_wrong_columns(dims):
    out = only_our_error(measures.kogut_singh, HOF, "BGD", dimensions=dims)
    bad = [d for d in dims if d not in HOF.columns]
    if bad:
        assert isinstance(out, SmeTeachError) and bad[0] in str(out)


INST = measures.load_instrument()


@SETTINGS
@given(
    st.lists(
        st.one_of(st.integers(-2, 8), st.floats(allow_nan=True, allow_infinity=True), st.just("agree")),
        min_size=len(INST.item_ids), max_size=len(INST.item_ids),
    )
)
def test_readiness_bad_answers_name_the_item(answers):
    row = dict(zip(INST.item_ids, answers))
    out = only_our_error(measures.readiness_scores, row)
    def ok(x):
        return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) \
            and x == int(x) and 1 <= x <= 5
    bad = [i for i, x in row.items() if not ok(x)]
    if bad:
        assert isinstance(out, SmeTeachError)
        assert f"item {bad[0]!r}" in str(out), (str(out), bad)
    else:
        assert 0 <= out["overall"] <= 100


@SETTINGS
@given(st.lists(st.sampled_from(["kpi", "benefit", "cost", "probability", "other"]), unique=True, max_size=5),
       st.floats(allow_nan=True, allow_infinity=True))
def test_kpi_table_columns_and_values(columns, value):
    frame = pd.DataFrame({c: [value] if c != "kpi" else ["sales"] for c in columns})
    out = only_our_error(measures.expected_net_benefit, frame)
    missing = [c for c in ["kpi", "benefit", "cost", "probability"] if c not in columns]
    if missing:
        assert isinstance(out, SmeTeachError) and "missing columns" in str(out) and missing[0] in str(out)
    elif not math.isfinite(value) or not 0 <= value <= 1:
        assert isinstance(out, SmeTeachError)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["information_sharing", "joint_marketing", "joint marketting", "x"]),
                       st.one_of(st.floats(min_value=-1, max_value=2), st.just(np.nan)), max_size=3))
def test_propagate_bad_alliances(alliances):
    from sme_teach import frameworks

    if "alliance_fsa" not in frameworks.available():
        pytest.skip("alliance_fsa.yaml not present")
    out = only_our_error(measures.propagate, alliances)
    if any(k in ("joint marketting", "x") for k in alliances):
        assert isinstance(out, SmeTeachError) and "unknown alliance" in str(out)
    elif any(not (0 <= v <= 1) for v in alliances.values()):  # NaN fails this test too
        assert isinstance(out, SmeTeachError)


@pytest.mark.parametrize("bad", [[0.5, float("nan")], [0.5, 100.0], ["a", "b"], [None, 0.5]])
def test_cage_and_cascade_reject_bad_numbers(bad):
    with pytest.raises(SmeTeachError):
        measures.great_circle_km(bad, 0, 0, 0)
    with pytest.raises(SmeTeachError):
        measures.network_situation(bad, 0.5)
