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
