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
