"""fsts, entropy_diversification (Palepu's table), doi_index."""

import numpy as np
import pandas as pd
import pytest

from sme_teach import SmeTeachError
from sme_teach.measures import doi_index, entropy_diversification, fsts

# Palepu (1985), the worked examples of the entropy measure (percent of sales per segment)
PALEPU = [
    ([100], 0.00),
    ([95, 5], 0.20),
    ([90, 10], 0.32),
    ([80, 10, 10], 0.64),
    ([70, 20, 10], 0.80),
    ([60, 10, 10, 10, 10], 1.23),
]


@pytest.mark.parametrize("percent, expected", PALEPU)
def test_palepu_entropy_table(percent, expected):
    # Palepu prints two decimals; 90/10 gives 0.3251, which his table shows as 0.32
    # (computed with two-decimal logarithms), so allow half a unit in the last place plus a hair.
    shares = np.array(percent) / 100
    assert entropy_diversification(shares) == pytest.approx(expected, abs=0.0051)


def test_palepu_table_as_dataframe_rows():
    width = max(len(p) for p, _ in PALEPU)
    frame = pd.DataFrame([p + [0] * (width - len(p)) for p, _ in PALEPU], index=list("abcdef")) / 100
    got = entropy_diversification(frame)
    assert np.allclose(got, [e for _, e in PALEPU], atol=0.0051)
    assert got.index.tolist() == list("abcdef")


def test_entropy_normalize_raw_sales_and_zero_share():
    assert entropy_diversification([300, 0, 100], normalize=True) == pytest.approx(
        -(0.75 * np.log(0.75) + 0.25 * np.log(0.25))
    )
    assert entropy_diversification(pd.Series([0.5, 0.5, 0.0])) == pytest.approx(np.log(2))


def test_entropy_error_names_the_row():
    frame = pd.DataFrame({"EU": [1.0, 0.5], "US": [0.0, 0.4]}, index=["jute_co", "shrimp_co"])
    with pytest.raises(SmeTeachError, match="shrimp_co.*sum to 0.9"):
        entropy_diversification(frame)
    with pytest.raises(SmeTeachError, match="negative"):
        entropy_diversification([1.2, -0.2])
    with pytest.raises(SmeTeachError, match="row 'b'.*column 'US'"):
        entropy_diversification(pd.DataFrame({"EU": [1.0, 0.5], "US": [0.0, np.nan]}, index=["a", "b"]))
    with pytest.raises(SmeTeachError, match="1-D"):
        entropy_diversification(0.5)


def test_fsts_scalar_array_series():
    assert fsts(25, 100) == 0.25
    s = fsts(pd.Series([10.0, 0.0], index=["a", "b"]), pd.Series([20.0, 5.0], index=["a", "b"]))
    assert s.to_dict() == {"a": 0.5, "b": 0.0}
    with pytest.raises(SmeTeachError, match="positive"):
        fsts(0, 0)
    with pytest.raises(SmeTeachError, match="same length"):
        fsts([1, 2], [3, 4, 5])


def test_doi_index_mean_and_weights():
    assert doi_index({"fsts": 0.5, "fata": 0.1, "osts": 0.3}) == pytest.approx(0.3)
    df = pd.DataFrame({"fsts": [1.0, 0.0], "pdio": [0.0, 0.5], "other": ["x", "y"]})
    assert doi_index(df).tolist() == [0.5, 0.25]
    assert doi_index(df, components=["pdio"]).tolist() == [0.0, 0.5]
    with pytest.raises(SmeTeachError, match="unknown DOI component 'fsst'"):
        doi_index(df, components=["fsst"])
    with pytest.raises(SmeTeachError, match="between 0 and 1"):
        doi_index({"fsts": 1.5})
    with pytest.raises(SmeTeachError, match="no DOI components"):
        doi_index({"sales": 1.0})


def test_entropy_shares_must_sum_to_one_within_the_documented_tolerance():
    # tol defaults to 1e-6 (documented): a sum of 1.0005 is a data error, not a rounding error.
    for shares in ([0.5, 0.5005], [0.5, 0.4995], [0.3, 0.3, 0.401], [0.999]):
        with pytest.raises(SmeTeachError, match="sum to"):
            entropy_diversification(shares)
    # within 1e-6 the shares are accepted, and E = ln 2 for two halves (Palepu 1985)
    assert entropy_diversification([0.5, 0.5 + 5e-7]) == pytest.approx(np.log(2), abs=1e-6)
    # the row of a DataFrame that is off is named
    df = pd.DataFrame({"EU": [0.5, 0.5], "US": [0.5, 0.5005]}, index=["jute_co", "shrimp_co"])
    with pytest.raises(SmeTeachError, match="firm 'shrimp_co' sum to 1.0005"):
        entropy_diversification(df)
    # a caller can loosen the tolerance explicitly
    assert entropy_diversification([0.5, 0.5005], tol=1e-3) == pytest.approx(
        -(0.5 * np.log(0.5) + 0.5005 * np.log(0.5005)))
