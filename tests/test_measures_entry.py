"""Entry-mode rules: every branch, reasons, scalar and table forms."""

import pandas as pd
import pytest

from sme_teach import SmeTeachError
from sme_teach.measures import ENTRY_MODES, recommend_entry_mode

CASES = [
    # asset, risk, culture, size, experience → mode
    ((0.2, 0.2, 0.2, 0.1, 0.1), "indirect export"),
    ((0.2, 0.2, 0.2, 0.1, 0.5), "direct export"),
    ((0.8, 0.7, 0.7, 0.8, 0.8), "joint venture"),
    ((0.8, 0.2, 0.2, 0.8, 0.8), "wholly owned subsidiary"),
    ((0.2, 0.8, 0.8, 0.8, 0.8), "licensing or franchising"),
    ((0.2, 0.2, 0.2, 0.8, 0.8), "direct export"),
]


@pytest.mark.parametrize("scores, mode", CASES)
def test_each_rule(scores, mode):
    rec = recommend_entry_mode(*scores)
    assert rec.mode == mode
    assert rec.family == ENTRY_MODES[mode]
    assert rec.reasons and all(isinstance(r, str) for r in rec.reasons)


def test_table_form_matches_scalar_form():
    cols = ["asset_specificity", "country_risk", "cultural_distance", "firm_size", "international_experience"]
    df = pd.DataFrame([s for s, _ in CASES], columns=cols, index=[f"firm{i}" for i in range(len(CASES))])
    out = recommend_entry_mode(data=df)
    assert out["mode"].tolist() == [m for _, m in CASES]
    assert out.index.equals(df.index)
    assert out.loc["firm0", "reasons"] == recommend_entry_mode(*CASES[0][0]).reasons


def test_errors():
    with pytest.raises(SmeTeachError, match="missing scores"):
        recommend_entry_mode(0.5, 0.5)
    with pytest.raises(SmeTeachError, match="country_risk must lie between 0 and 1"):
        recommend_entry_mode(0.5, 1.5, 0.5, 0.5, 0.5)
    with pytest.raises(SmeTeachError, match="missing columns"):
        recommend_entry_mode(data=pd.DataFrame({"asset_specificity": [0.1]}))
    with pytest.raises(SmeTeachError, match="not both"):
        recommend_entry_mode(0.5, data=pd.DataFrame())
