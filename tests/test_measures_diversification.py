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


@pytest.mark.parametrize("call, message", [
    (lambda: fsts(130, 120), r"^foreign_sales must not exceed total_sales; found 130 > 120 at position 0$"),
    (lambda: fsts([10, 130], [100, 120]), r"^foreign_sales must not exceed total_sales; found 130 > 120 at position 1$"),
    (lambda: fsts([10, 5], [100, 0]), r"^total_sales must be positive; found 0 at position 1$"),
    (lambda: fsts(-1, 10), r"^foreign_sales must lie between 0 and inf; got -1$"),
    (lambda: fsts([[1, 2]], [[3, 4]]), r"^foreign_sales must be a number or a 1-D list of numbers; got shape \(1, 2\)$"),
    (lambda: entropy_diversification([1.2, -0.2]), r"^shares must not be negative; firm 0 has -0.2 in position 1$"),
    (lambda: entropy_diversification("0.5,0.5"), r"^shares must be a 1-D sequence or Series \(one firm\) or a DataFrame "
                                                 r"\(rows = firms\); got str$"),
    (lambda: entropy_diversification([[0.5], [0.25, 0.25]]), r"^shares must be a 1-D sequence or Series"),
    (lambda: entropy_diversification([]), r"^shares is empty; expected at least one market share per firm$"),
    (lambda: entropy_diversification([0, 0], normalize=True), r"^firm 0 has no sales at all; cannot normalize$"),
    (lambda: entropy_diversification(pd.DataFrame({"EU": [1.0, "x"]}, index=["a", "b"])),
     r"^expected finite numbers; row 'b', column 'EU' holds 'x'$"),
    (lambda: entropy_diversification(pd.DataFrame({"EU": [1.0, np.inf]}, index=["a", "b"])),
     r"^expected finite numbers; row 'b', column 'EU' holds inf$"),
    (lambda: doi_index(5), r"^data must be a dict, Series or DataFrame of DOI components; got int$"),
    (lambda: doi_index({"sales": 1.0}), r"^no DOI components found; expected some of \['fsts', 'fata', 'osts', 'tmie', "
                                        r"'pdio'\], got \['sales'\]$"),
    (lambda: doi_index({"fsts": 0.5}, components=5), r"^components must be a list of DOI components such as "
                                                     r"\['fsts', 'fata'\]; got int$"),
    (lambda: doi_index({"fsts": 0.5}, components=[]), r"^components is empty; expected some of \['fsts'"),
    (lambda: doi_index({"fsts": 0.5}, components=["fsts", "fsts"]),
     r"^components lists a DOI component twice: \['fsts', 'fsts'\]; expected each once$"),
    (lambda: doi_index({"fsts": 0.5}, components=["osts"]), r"^data is missing columns \['osts'\]"),
    (lambda: doi_index({"fsts": 0.5}, weights=[1]), r"^weights must be a dict component → weight; got list$"),
    (lambda: doi_index({"fsts": 0.5}, weights={"osts": 1}), r"^unknown weighted DOI component 'osts'"),
    (lambda: doi_index({"fsts": 0.5}, weights={"fsts": 0}), r"^weights must not all be zero$"),
    (lambda: doi_index({"fsts": 0.5}, weights={"fsts": -1}), r"^weights must lie between 0 and inf; found -1 at position 0$"),
    (lambda: doi_index({"fsts": 1.5}), r"^DOI component 'fsts' must lie between 0 and 1; found 1.5 at position 0$"),
])
def test_messages_whole(call, message):
    with pytest.raises(SmeTeachError, match=message):
        call()


def test_shapes_and_forms():
    # a Series in, a Series out (index and name kept); a list in, an array out; scalars give floats
    s = fsts(pd.Series([30.0, 60.0], index=["jute", "shrimp"], name="foreign"), pd.Series([120.0, 120.0]).values)
    assert s.index.tolist() == ["jute", "shrimp"] and s.name == "foreign" and s.tolist() == [0.25, 0.5]
    assert isinstance(fsts(30, 120), float)
    assert fsts(np.array([0.0, 120.0]), 120).tolist() == [0.0, 1.0]  # broadcast, both limits allowed
    # entropy: a Series works like a list; normalize rescales raw sales
    assert entropy_diversification(pd.Series({"EU": 300.0, "US": 100.0}), normalize=True) == pytest.approx(
        -(0.75 * np.log(0.75) + 0.25 * np.log(0.25)))
    assert entropy_diversification([1.0]) == 0.0
    df = pd.DataFrame({"EU": [3.0, 1.0], "US": [1.0, 1.0]}, index=["a", "b"])
    e = entropy_diversification(df, normalize=True)
    assert e.name == "entropy" and e.index.tolist() == ["a", "b"] and e["b"] == pytest.approx(np.log(2))
    # DOI: a Series is one firm; the weighted mean by hand (3 × 0.4 + 1 × 0.0) / 4 = 0.3
    assert doi_index(pd.Series({"fsts": 0.4, "osts": 0.0}), weights={"fsts": 3, "osts": 1}) == pytest.approx(0.3)
    assert doi_index({"fsts": 0.4, "osts": 0.2}, components="osts") == pytest.approx(0.2)
    assert doi_index({"fsts": 0.4, "osts": 0.2}, components=("fsts", "osts"), weights={"fsts": 1}) == pytest.approx(0.4)
    d = doi_index(pd.DataFrame({"fsts": [0.2, 1.0]}, index=["x", "y"]))
    assert d.name == "doi" and d.index.tolist() == ["x", "y"] and d.tolist() == [0.2, 1.0]
    assert doi_index({"fsts": 1 / 3, "osts": 1 / 3, "pdio": 1 / 3}) == 0.333333333333  # rounded to 12 places


def test_more_messages_whole():
    with pytest.raises(SmeTeachError, match=r"^tol must lie between 0 and inf; got -1$"):
        entropy_diversification([1.0], tol=-1)
    with pytest.raises(SmeTeachError, match=r"^data has column 'fsts' more than once; expected each column once$"):
        doi_index(pd.DataFrame([[0.1, 0.2]], columns=["fsts", "fsts"]))
    # a True/False column beside a missing share: the message still names the missing cell
    mixed = pd.DataFrame({"EU": [True, False], "US": [np.nan, 1.0]}, index=["a", "b"])
    with pytest.raises(SmeTeachError, match=r"^expected finite numbers; row 'a', column 'US' holds nan$"):
        entropy_diversification(mixed)


# ------------------------------------------------------------------ contracts pinned for `make mutate`

def _message(fn, *args, **kwargs) -> str:
    with pytest.raises(SmeTeachError) as err:
        fn(*args, **kwargs)
    return str(err.value)


def test_fsts_names_each_bad_argument_and_accepts_totals_below_one():
    assert _message(fsts, "x", 1) == "foreign_sales must be numbers; could not read 'x' as numbers (could not convert string to float: 'x')"
    assert _message(fsts, 1, "y").startswith("total_sales must be numbers; could not read 'y' as numbers")
    assert _message(fsts, 1, [[1, 2]]) == "total_sales must be a number or a 1-D list of numbers; got shape (1, 2)"
    assert _message(fsts, 0.1, [1, 0]) == "total_sales must be positive; found 0 at position 1"
    assert fsts(0.2, 0.8) == pytest.approx(0.25)  # a total below 1 (e.g. in millions) is positive
    assert fsts([0.1, 0.3], [0.5, 0.6]).tolist() == pytest.approx([0.2, 0.5])


def test_entropy_names_bad_arguments_and_normalizes_small_totals():
    assert _message(entropy_diversification, [0.5, 0.5], normalize="yes") == (
        "normalize must be True or False, got 'yes'")
    assert _message(entropy_diversification, [0.5, np.nan]) == (
        "shares must be finite numbers; found NaN or infinity at position 1")
    frame = pd.DataFrame({"a": [0.5, 0.5], "b": [0.5, np.inf]}, index=["x", "y"])
    assert "row 'y', column 'b'" in _message(entropy_diversification, frame)
    # raw sales whose total is below 1 are rescaled, not refused: ln 2 for two equal markets
    assert entropy_diversification([0.2, 0.2], normalize=True) == pytest.approx(np.log(2))
    raw = pd.DataFrame({"a": [2.0, 0.0], "b": [2.0, 0.0]}, index=["x", "y"])
    assert _message(entropy_diversification, raw, normalize=True) == "firm 'y' has no sales at all; cannot normalize"
    # |sum − 1| equal to tol is within tolerance (the rule is "more than tol off")
    assert entropy_diversification([0.75, 0.75], tol=0.5) == pytest.approx(-1.5 * np.log(0.75))
    assert "sum to 1.5" in _message(entropy_diversification, [0.75, 0.75], tol=0.25)
