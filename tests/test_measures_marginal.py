"""The CSF marginal analysis: expected net benefit and one-at-a-time sensitivity."""

import pandas as pd
import pytest

from sme_teach import SmeTeachError
from sme_teach.measures import expected_net_benefit, sensitivity

KPIS = pd.DataFrame({
    "kpi": ["EU buyer for frozen shrimp", "trade fair in Dubai", "currency loss"],
    "benefit": [500.0, 120.0, -80.0],
    "cost": [100.0, 50.0, 0.0],
    "probability": [0.3, 0.5, 0.25],
})


def test_expected_net_benefit_by_hand():
    m = expected_net_benefit(KPIS)
    assert m.table["expected_net_benefit"].tolist() == [50.0, 10.0, -20.0]
    assert m.total == 40.0 and m.worthwhile
    assert "40.00" in str(m)
    assert KPIS.columns.tolist() == ["kpi", "benefit", "cost", "probability"]  # input untouched


def test_sensitivity_moves():
    s = sensitivity(KPIS, delta=0.1).set_index(["kpi", "parameter"])
    p = s.loc[("EU buyer for frozen shrimp", "probability")]
    assert (p["total_low"], p["total_high"]) == pytest.approx((40 - 50, 40 + 50))
    c = s.loc[("trade fair in Dubai", "cost")]
    assert (c["total_low"], c["total_high"]) == pytest.approx((40 + 5, 40 - 5))
    assert s["swing"].is_monotonic_decreasing
    clipped = sensitivity(KPIS.assign(probability=[1.0, 0.5, 0.0]), delta=0.2).set_index(["kpi", "parameter"])
    assert clipped.loc[("EU buyer for frozen shrimp", "probability"), "high_value"] == 1.0
    assert clipped.loc[("currency loss", "probability"), "low_value"] == 0.0


def test_errors():
    with pytest.raises(SmeTeachError, match="missing columns \\['probability'\\]"):
        expected_net_benefit(KPIS.drop(columns="probability"))
    with pytest.raises(SmeTeachError, match="probability.*between 0 and 1"):
        expected_net_benefit(KPIS.assign(probability=[0.3, 1.5, 0.1]))
    with pytest.raises(SmeTeachError, match="listed twice"):
        expected_net_benefit(pd.concat([KPIS, KPIS]))
    with pytest.raises(SmeTeachError, match="DataFrame"):
        expected_net_benefit({"kpi": "x"})
    with pytest.raises(SmeTeachError, match="delta"):
        sensitivity(KPIS, delta=2)


def test_verdict_reads_as_a_sentence():
    # ENB = p × benefit − cost per KPI, summed: 0.3×500 − 100 + 0.5×120 − 50 + 0.25×(−80) = 40
    assert str(expected_net_benefit(KPIS)) == "expected net benefit 40.00 (worth pursuing)"
    # 0.3×500 − 200 + 10 − 20 = −60
    losing = expected_net_benefit(KPIS.assign(cost=[200.0, 50.0, 0.0]))
    assert not losing.worthwhile
    assert str(losing) == "expected net benefit -60.00 (not worth pursuing on these numbers)"
    # break-even (0.5 × 100 − 50 = 0) is not "worth pursuing": gains must exceed costs
    even = expected_net_benefit(pd.DataFrame({"kpi": ["x"], "benefit": [100.0], "cost": [50.0], "probability": [0.5]}))
    assert even.total == 0.0 and not even.worthwhile and str(even).endswith("(not worth pursuing on these numbers)")
    big = expected_net_benefit(pd.DataFrame({"kpi": ["x"], "benefit": [12345.0], "cost": [0.0], "probability": [1.0]}))
    assert str(big) == "expected net benefit 12,345.00 (worth pursuing)"


def test_kpi_table_messages_and_index_handling():
    with pytest.raises(SmeTeachError, match=r"^KPI table is missing columns \['cost'\]"):
        expected_net_benefit(KPIS.drop(columns="cost"))
    with pytest.raises(SmeTeachError, match=r"^KPI table is empty; expected one row per KPI$"):
        expected_net_benefit(KPIS.iloc[:0])
    with pytest.raises(SmeTeachError, match=r"^KPI column 'benefit' must be finite numbers; found NaN or infinity at position 1$"):
        expected_net_benefit(KPIS.assign(benefit=[1.0, float("nan"), 2.0]))
    with pytest.raises(SmeTeachError, match=r"^KPI column 'probability' must lie between 0 and 1; found 1.5 at position 2$"):
        expected_net_benefit(KPIS.assign(probability=[0.1, 0.2, 1.5]))
    twice = pd.concat([KPIS, KPIS.iloc[[0, 1]]], ignore_index=True)
    with pytest.raises(SmeTeachError, match=r"^KPI 'EU buyer for frozen shrimp' is listed twice$"):
        expected_net_benefit(twice)
    with pytest.raises(SmeTeachError, match=r"^delta must lie between 0 and 1; got 1.5$"):
        sensitivity(KPIS, delta=1.5)
    # a KPI table with its own index gives the same result, without an extra column
    named = KPIS.set_axis(["k1", "k2", "k3"])
    for table in (KPIS, named):
        t = expected_net_benefit(table).table
        assert t.columns.tolist() == ["kpi", "benefit", "cost", "probability", "expected_benefit", "expected_net_benefit"]
        assert t.index.tolist() == [0, 1, 2]
    s = sensitivity(named)
    assert s.columns.tolist() == ["kpi", "parameter", "low_value", "high_value", "total_low", "total_high", "swing"]
    assert s.index.tolist() == list(range(9))


def test_sensitivity_ties_keep_the_kpi_order():
    # 8 identical KPIs: every probability swing is the same (2 × 0.1 × 100 = 20), and so on; equal swings keep
    # the order of the table (a tornado chart should not shuffle between runs)
    same = pd.DataFrame({"kpi": [f"k{i}" for i in range(8)], "benefit": [100.0] * 8, "cost": [10.0] * 8,
                         "probability": [0.5] * 8})
    s = sensitivity(same, delta=0.1)
    for param in ("probability", "benefit", "cost"):
        assert s.loc[s["parameter"] == param, "kpi"].tolist() == [f"k{i}" for i in range(8)]
