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


def test_rule_limits_are_the_documented_ones():
    # rule 1: capacity = mean(size, experience) < high / 1.5 → export. high = 0.75: the limit is 0.5.
    at_limit = recommend_entry_mode(0.2, 0.2, 0.2, 0.6, 0.4, high=0.75)  # capacity exactly 0.5: not limited
    assert at_limit.mode == "direct export"
    assert at_limit.reasons[0] == "size and experience allow a larger commitment (capacity 0.50)"
    below = recommend_entry_mode(0.2, 0.2, 0.2, 0.5, 0.4, high=0.75)  # capacity 0.45 < 0.5
    assert below.reasons[0] == "size and experience are limited (capacity 0.45 < 0.50): commit few resources"
    lopsided = recommend_entry_mode(0.2, 0.2, 0.2, 0.9, 0.1, high=0.75)  # mean, not a third of the sum
    assert lopsided.reasons[0].startswith("size and experience allow a larger commitment (capacity 0.50)")
    # experience < high / 2.5 → indirect export. high = 0.5: the limit is 0.2.
    edge = recommend_entry_mode(0.2, 0.2, 0.2, 0.0, 0.2)
    assert edge.mode == "direct export" and edge.reasons[1].startswith("some international experience (0.20)")
    little = recommend_entry_mode(0.2, 0.2, 0.2, 0.0, 0.18)
    assert little.mode == "indirect export"
    assert little.reasons == [
        "size and experience are limited (capacity 0.09 < 0.33): commit few resources",
        "little international experience (0.18): let an export house or agent carry the foreign-market work"]


def test_high_is_inclusive_for_assets_and_uncertainty():
    # "asset specificity ≥ high", "uncertainty ≥ high": exactly 0.5 counts as high
    assert recommend_entry_mode(0.5, 0.5, 0.5, 0.8, 0.8).mode == "joint venture"
    assert recommend_entry_mode(0.5, 0.2, 0.2, 0.8, 0.8).mode == "wholly owned subsidiary"
    assert recommend_entry_mode(0.2, 0.5, 0.5, 0.8, 0.8).mode == "licensing or franchising"
    # exporting with firm-specific know-how (≥ high) says so, word for word
    rec = recommend_entry_mode(0.5, 0.2, 0.2, 0.1, 0.5)
    assert rec.mode == "direct export"
    assert rec.reasons == [
        "size and experience are limited (capacity 0.30 < 0.33): commit few resources",
        "some international experience (0.50): sell directly to foreign buyers or distributors",
        "your know-how is firm-specific: exporting keeps it at home, away from partners"]
    assert len(recommend_entry_mode(0.49, 0.2, 0.2, 0.1, 0.5).reasons) == 2


def test_table_form_columns_and_messages():
    df = pd.DataFrame([CASES[0][0]], columns=["asset_specificity", "country_risk", "cultural_distance", "firm_size",
                                              "international_experience"])
    assert recommend_entry_mode(data=df).columns.tolist() == ["mode", "family", "reasons"]
    with pytest.raises(SmeTeachError, match=r"^firm_size must lie between 0 and 1; found 1.5 at position 0$"):
        recommend_entry_mode(data=df.assign(firm_size=1.5))
    with pytest.raises(SmeTeachError, match=r"^entry-mode data is missing columns \['country_risk'"):
        recommend_entry_mode(data=df[["asset_specificity"]])
    with pytest.raises(SmeTeachError, match=r"^give either data= \(a DataFrame\) or the five scores, not both$"):
        recommend_entry_mode(0.5, data=df)
    with pytest.raises(SmeTeachError, match=r"^high must lie between 0.01 and 1; got 1.5$"):
        recommend_entry_mode(*CASES[0][0], high=1.5)
    with pytest.raises(SmeTeachError, match=r"^firm_size must be one number for a single recommendation; "
                                            r"use data= for many firms$"):
        recommend_entry_mode(0.2, 0.2, 0.2, [0.1, 0.2], 0.1)
