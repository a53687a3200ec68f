"""Grade-cell assertions say what was expected and what was found."""

from __future__ import annotations

import pandas as pd
import pytest

from sme_teach.grading import expect_frame, expect_series, expect_value

RIGHT = pd.DataFrame({"firm": ["F01", "F02", "F03"], "stage": [1, 3, 2], "share": [0.1, 0.5, 0.25]})


def test_frame_messages():
    expect_frame(RIGHT.copy(), RIGHT, key="firm", what="firm")
    with pytest.raises(AssertionError, match=r"expected stages to be a DataFrame with columns \['firm', 'stage', 'share'\], got list"):
        expect_frame([1, 2], RIGHT, key="firm", name="stages")
    with pytest.raises(AssertionError, match="expected 3 firms, got 2; missing e.g. firm 'F03'"):
        expect_frame(RIGHT.head(2), RIGHT, key="firm", what="firm")
    with pytest.raises(AssertionError, match="lists firm 'F01' more than once"):
        expect_frame(pd.concat([RIGHT, RIGHT.head(1)]), RIGHT, key="firm", what="firm")
    with pytest.raises(AssertionError, match=r"1 of 3 firms have the wrong share, e.g. firm F03: expected 0.25, got 0.3"):
        expect_frame(RIGHT.assign(share=[0.1, 0.5, 0.3]), RIGHT, key="firm", what="firm")
    expect_frame(RIGHT.assign(share=RIGHT["share"] + 1e-9), RIGHT, key="firm")  # within tolerance
    expect_frame(RIGHT[["share", "stage", "firm"]], columns=["firm", "stage", "share"], key="firm",
                 rows=["F03", "F01", "F02"])  # order of columns and rows does not matter


def test_series_and_value_messages():
    s = pd.Series({"a": 1.0, "b": 2.0})
    with pytest.raises(AssertionError, match="right entries in the wrong order"):
        expect_series(s[["b", "a"]], s, ordered=True)
    with pytest.raises(AssertionError, match="expected x to be a pandas Series, got DataFrame"):
        expect_series(s.to_frame(), s, name="x")
    with pytest.raises(AssertionError, match="expected flag to be True, got 'yes'"):
        expect_value("yes", True, name="flag")
    with pytest.raises(AssertionError, match="expected n to be a number, got str '3'"):
        expect_value("3", 3, name="n")
    with pytest.raises(AssertionError, match="wrong value"):
        expect_series(pd.Series({"a": True}), pd.Series({"a": False}))
    expect_value(float("nan"), float("nan"))


# --- the contract, one clause per test (each of these was once a bug that passed the whole suite) ---
# Expected messages are written out by hand from the documented contract, not captured from a run.

def test_frame_rejects_an_extra_column():
    extra = RIGHT.assign(note=["x", "y", "z"])
    with pytest.raises(AssertionError, match=r"with columns \['firm', 'stage', 'share'\], "
                                             r"got columns \['firm', 'stage', 'share', 'note'\]"):
        expect_frame(extra, RIGHT, key="firm", what="firm")
    # also when only the shape is checked (columns= given, no expected)
    with pytest.raises(AssertionError, match="got columns"):
        expect_frame(extra, columns=["firm", "stage", "share"], key="firm", rows=["F01", "F02", "F03"])


def test_frame_rejects_a_missing_column():
    with pytest.raises(AssertionError, match=r"got columns \['firm', 'stage'\]$"):
        expect_frame(RIGHT[["firm", "stage"]], RIGHT, key="firm")


def test_frame_rejects_an_extra_row():
    extra = pd.concat([RIGHT, pd.DataFrame({"firm": ["F04"], "stage": [4], "share": [0.15]})], ignore_index=True)
    with pytest.raises(AssertionError, match=r"^your answer: expected 3 firms, got 4; unexpected e\.g\. firm 'F04'$"):
        expect_frame(extra, RIGHT, key="firm", what="firm")
    # keyed on the index (key=None) and in shape-only mode (rows=) the same
    with pytest.raises(AssertionError, match="unexpected e.g. row 'F04'"):
        expect_frame(extra.set_index("firm"), RIGHT.set_index("firm"))
    with pytest.raises(AssertionError, match="unexpected e.g. firm 'F04'"):
        expect_frame(extra, columns=list(RIGHT.columns), key="firm", rows=["F01", "F02", "F03"], what="firm")


def test_frame_rejects_a_row_swapped_for_another():
    swapped = RIGHT.assign(firm=["F01", "F02", "F09"])
    with pytest.raises(AssertionError, match="expected 3 firms, got 3; missing e.g. firm 'F03'; unexpected e.g. firm 'F09'"):
        expect_frame(swapped, RIGHT, key="firm", what="firm")


@pytest.mark.parametrize("key", ["firm", None])
def test_frame_checks_every_value_column_including_the_first(key):
    right = RIGHT if key else RIGHT.set_index("firm")
    # the first value column (stage) wrong, everything else right
    wrong_first = right.assign(stage=[1, 3, 9])
    with pytest.raises(AssertionError, match="1 of 3 rows have the wrong stage, e.g. row F03: expected 2, got 9"):
        expect_frame(wrong_first, right, key=key)
    # the last value column wrong
    wrong_last = right.assign(share=[0.1, 0.6, 0.25])
    with pytest.raises(AssertionError, match="1 of 3 rows have the wrong share, e.g. row F02: expected 0.5, got 0.6"):
        expect_frame(wrong_last, right, key=key)


def test_frame_matches_rows_on_the_key_not_on_position():
    shuffled = RIGHT.iloc[[2, 0, 1]].reset_index(drop=True)
    expect_frame(shuffled, RIGHT, key="firm")  # same rows in another order: right
    # a key column whose values are right but attached to the wrong rows is wrong
    relabelled = RIGHT.assign(firm=["F02", "F01", "F03"])
    with pytest.raises(AssertionError, match="2 of 3 firms have the wrong stage, e.g. firm F01: expected 1, got 3"):
        expect_frame(relabelled, RIGHT, key="firm", what="firm")


def test_frame_counts_every_wrong_row():
    wrong = RIGHT.assign(share=[0.2, 0.4, 0.35])
    with pytest.raises(AssertionError, match="^3 of 3 rows have the wrong share, e.g. row F01: expected 0.1, got 0.2$"):
        expect_frame(wrong, RIGHT, key="firm")


def test_frame_tolerance_is_absolute_plus_relative():
    # |found - expected| <= atol + rtol*|expected|: 0.5 -> bound 1e-6 + 0.5e-6 = 1.5e-6
    expect_frame(RIGHT.assign(share=[0.1, 0.5 + 1.4e-6, 0.25]), RIGHT, key="firm")
    with pytest.raises(AssertionError, match="wrong share"):
        expect_frame(RIGHT.assign(share=[0.1, 0.5 + 1.6e-6, 0.25]), RIGHT, key="firm")
    expect_frame(RIGHT.assign(share=[0.1, 0.55, 0.25]), RIGHT, key="firm", atol=0.05 + 1e-12, rtol=0)
    expect_frame(RIGHT.assign(share=[0.1, 0.55, 0.25]), RIGHT, key="firm", atol=0, rtol=0.1 + 1e-12)
    with pytest.raises(AssertionError):
        expect_frame(RIGHT.assign(share=[0.1, 0.55, 0.25]), RIGHT, key="firm", atol=0.04, rtol=0)


def test_frame_needs_the_key_column_and_unique_columns():
    with pytest.raises(AssertionError, match=r"expected res to have a column 'firm' \(one row per firm\), got columns"):
        expect_frame(RIGHT.drop(columns="firm"), columns=["stage", "share"], key="firm", name="res", what="firm")
    dup = pd.DataFrame([[1, 2, 3]], columns=["firm", "stage", "stage"])
    with pytest.raises(AssertionError, match="has column 'stage' more than once"):
        expect_frame(dup, columns=["firm", "stage", "stage"], key="firm")


def test_frame_lecturer_mistakes_are_errors_not_failed_answers():
    from sme_teach import SmeTeachError

    with pytest.raises(SmeTeachError, match="expected must be a pandas DataFrame"):
        expect_frame(RIGHT, RIGHT.to_dict(), key="firm")
    with pytest.raises(SmeTeachError, match="key 'id' is not a column of expected"):
        expect_frame(RIGHT, RIGHT, key="id")
    with pytest.raises(SmeTeachError, match="one row per key"):
        expect_frame(RIGHT, pd.concat([RIGHT, RIGHT.head(1)]), key="firm")
    with pytest.raises(SmeTeachError, match="key must be one column name"):
        expect_frame(RIGHT, RIGHT, key=["firm"])
    with pytest.raises(SmeTeachError, match="columns must be a list of labels"):
        expect_frame(RIGHT, columns="firm")
    with pytest.raises(SmeTeachError, match="what must be text"):
        expect_frame(RIGHT, RIGHT, key="firm", what=3)
    with pytest.raises(SmeTeachError, match="atol"):
        expect_frame(RIGHT, RIGHT, key="firm", atol=-1)


def test_series_rejects_extra_and_missing_entries():
    ks = pd.Series({"IND": 0.4, "GBR": 2.1, "USA": 1.5})
    more = pd.concat([ks, pd.Series({"CHN": 3.0})])
    with pytest.raises(AssertionError, match=r"^ks: expected 3 countries, got 4; unexpected e\.g\. country 'CHN'$"):
        expect_series(more, ks, what="country", name="ks")
    with pytest.raises(AssertionError, match=r"^ks: expected 3 countries, got 2; missing e\.g\. country 'USA'$"):
        expect_series(ks.head(2), ks, what="country", name="ks")
    with pytest.raises(AssertionError, match="unexpected e.g. entry 'CHN'"):
        expect_series(more, index=["IND", "GBR", "USA"])


def test_series_checks_every_value_including_the_first():
    ks = pd.Series({"IND": 0.4, "GBR": 2.1, "USA": 1.5})
    with pytest.raises(AssertionError, match="^1 of 3 countries have the wrong value, e.g. country IND: expected 0.4, got 0.5$"):
        expect_series(ks.replace(0.4, 0.5), ks, what="country")
    with pytest.raises(AssertionError, match="e.g. country USA: expected 1.5, got 1.6"):
        expect_series(ks.replace(1.5, 1.6), ks, what="country")
    expect_series(ks[["USA", "IND", "GBR"]], ks)  # order ignored unless ordered=True
    with pytest.raises(AssertionError, match=r"wrong order: expected \['IND', 'GBR', 'USA'\], got \['USA', 'IND', 'GBR'\]"):
        expect_series(ks[["USA", "IND", "GBR"]], ks, ordered=True)
    expect_series(ks.copy(), ks, ordered=True)


def test_series_duplicate_labels_and_lecturer_mistakes():
    from sme_teach import SmeTeachError

    dup = pd.Series([1.0, 2.0], index=["a", "a"])
    with pytest.raises(AssertionError, match="lists entry 'a' more than once"):
        expect_series(dup)
    with pytest.raises(SmeTeachError, match="expected must be a pandas Series"):
        expect_series(pd.Series({"a": 1.0}), {"a": 1.0})
    with pytest.raises(SmeTeachError, match="index has duplicates"):
        expect_series(pd.Series({"a": 1.0}), dup)
    with pytest.raises(SmeTeachError, match="ordered must be True or False"):
        expect_series(pd.Series({"a": 1.0}), pd.Series({"a": 1.0}), ordered="yes")


def test_value_types_missing_values_and_tolerance():
    expect_value(1, 1.0)
    expect_value(0.3, 0.1 + 0.2)
    with pytest.raises(AssertionError, match="expected x to be 0.3, got 0.31"):
        expect_value(0.31, 0.3, name="x")
    with pytest.raises(AssertionError, match="expected x to be nan, got 0"):
        expect_value(0, float("nan"), name="x")
    with pytest.raises(AssertionError, match="got nan"):
        expect_value(float("nan"), 0.0)
    with pytest.raises(AssertionError, match="expected x to be None, got 0"):
        expect_value(0, None, name="x")
    with pytest.raises(AssertionError, match="expected your answer to be 1, got True"):
        expect_value(True, 1)  # a truth value is not the number 1
    with pytest.raises(AssertionError, match="expected flag to be False, got 0"):
        expect_value(0, False, name="flag")  # 0 is not the truth value False
    expect_value(10**400, 10**400)  # too large for a float: compared exactly
    with pytest.raises(AssertionError):
        expect_value(10**400 + 1, 10**400)
    expect_value([1, 2], [1, 2])
    with pytest.raises(AssertionError, match=r"expected x to be \[1, 2\], got \[1, 3\]"):
        expect_value([1, 3], [1, 2], name="x")
