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


# --- messages, word for word (a student reads them; mutation testing showed which parts were unpinned)

def test_every_message_names_the_lecturers_bad_option():
    from sme_teach import SmeTeachError

    s = pd.Series({"a": 1.0})
    cases = [
        (lambda: expect_frame(RIGHT, RIGHT, key="firm", atol=-1), r"^atol must"),
        (lambda: expect_frame(RIGHT, RIGHT, key="firm", rtol=-1), r"^rtol must"),
        (lambda: expect_frame(RIGHT, RIGHT, key="firm", name=3), r"^name must be text \(used in messages\), got 3$"),
        (lambda: expect_series(s, s, name=3), r"^name must be text"),
        (lambda: expect_series(s, s, what=3), r"^what must be text"),
        (lambda: expect_value(1, 1, name=3), r"^name must be text"),
        (lambda: expect_frame(RIGHT, RIGHT, key="firm", rows="F01"), r"^rows must be a list of labels, got 'F01'$"),
        (lambda: expect_frame(RIGHT, RIGHT, key="firm", columns={"firm": 1}), r"^columns must be a list of labels"),
        (lambda: expect_frame(RIGHT, RIGHT, key="firm", rows=[["F01"]]),
         r"^rows must be a list of hashable labels \(text or numbers\), got \[\['F01'\]\]$"),
        (lambda: expect_series(s, s, index="a"), r"^index must be a list of labels, got 'a'$"),
        (lambda: expect_frame(RIGHT, {"firm": []}), r"^expected must be a pandas DataFrame \(the right answer\) or None, got dict$"),
        (lambda: expect_series(s, {"a": 1.0}), r"^expected must be a pandas Series \(the right answer\) or None, got dict$"),
        (lambda: expect_series(s, pd.Series([1.0, 2.0], index=["a", "a"])),
         r"^expected must have one entry per label; its index has duplicates$"),
        (lambda: expect_frame(RIGHT, pd.concat([RIGHT, RIGHT.head(1)]), key="firm"),
         r"^expected must have unique columns and one row per key; check the right answer$"),
    ]
    for call, pattern in cases:
        with pytest.raises(SmeTeachError, match=pattern):
            call()


def test_expected_keyed_on_its_index_must_not_repeat_an_index_label():
    from sme_teach import SmeTeachError

    by_index = RIGHT.set_index("firm")
    with pytest.raises(SmeTeachError, match="one row per key"):
        expect_frame(by_index, pd.concat([by_index, by_index.head(1)]))
    # with key= the index of expected is irrelevant, repeated or not
    expect_frame(RIGHT, RIGHT.set_axis([0, 0, 1]), key="firm")


def test_columns_narrower_than_expected_compares_only_those():
    # the lecturer asks only for firm and stage; expected also has share (not required)
    expect_frame(RIGHT[["firm", "stage"]], RIGHT, key="firm", columns=["firm", "stage"])
    with pytest.raises(AssertionError, match="wrong stage"):
        expect_frame(RIGHT[["firm", "stage"]].assign(stage=[1, 3, 1]), RIGHT, key="firm", columns=["firm", "stage"])


def test_message_wording_singular_plural_and_default_name():
    with pytest.raises(AssertionError, match=r"^expected your answer to be a DataFrame, got list$"):
        expect_frame([1], key="firm")
    one = pd.Series({"a": 1.0})
    with pytest.raises(AssertionError, match=r"^your answer: expected 1 entry, got 2; unexpected e\.g\. entry 'b'$"):
        expect_series(pd.Series({"a": 1.0, "b": 2.0}), one)
    with pytest.raises(AssertionError, match=r"^1 of 1 entry have the wrong value, e\.g\. entry a: expected 1, got 2$"):
        expect_series(pd.Series({"a": 2.0}), one)
    with pytest.raises(AssertionError, match=r"^expected your answer to be a pandas Series, got list$"):
        expect_series([1.0], one)
    two = pd.Series({"a": 1.0, "b": 2.0})
    for what, plural in (("survey", "surveys"), ("day", "days"), ("country", "countries"), ("key", "keys")):
        with pytest.raises(AssertionError, match=rf"^your answer: expected 2 {plural}, got 1;"):
            expect_series(two.head(1), two, what=what)
        with pytest.raises(AssertionError, match=rf"has the right {plural} in the wrong order"):
            expect_series(two[["b", "a"]], two, what=what, ordered=True)


def test_duplicate_and_unhashable_labels_are_named():
    with pytest.raises(AssertionError, match=r"^your answer lists entry 'b' more than once; expected one row per entry$"):
        expect_series(pd.Series([1.0, 2.0, 3.0], index=["a", "b", "b"]))
    # labels of mixed types are still sorted (as text) to name the first repeated one
    with pytest.raises(AssertionError, match=r"lists entry 1 more than once"):
        expect_series(pd.Series([1.0, 2.0, 3.0, 4.0], index=[1, "z", 1, "z"]))
    unhashable = RIGHT.assign(firm=["F01", ["F02"], "F03"])
    with pytest.raises(AssertionError, match=r"^res has a firm label \['F02'\] that is not text or a number; "
                                             r"expected one row per firm, labelled by text or numbers$"):
        expect_frame(unhashable, RIGHT, key="firm", what="firm", name="res")


def test_value_comparisons_at_the_edges():
    import numpy as np

    # a missing cell is missing whether written None or NaN
    expect_series(pd.Series({"a": None, "b": 1.0}, dtype=object), pd.Series({"a": float("nan"), "b": 1.0}))
    expect_series(pd.Series({"a": float("nan")}), pd.Series({"a": None}, dtype=object))
    with pytest.raises(AssertionError, match="expected 1, got None"):
        expect_series(pd.Series({"a": None}, dtype=object), pd.Series({"a": 1}))
    expect_value(True, True)
    expect_value(False, False)
    with pytest.raises(AssertionError):
        expect_value(False, True)
    expect_value(0.5, 0.5, atol=0, rtol=0)  # the tolerance bound is inclusive: |0| <= 0
    expect_value(1.5, 1.0, atol=0.5, rtol=0)
    with pytest.raises(AssertionError):
        expect_value(1.5 + 1e-9, 1.0, atol=0.5, rtol=0)
    # things whose == gives no single truth value (arrays, Series) are compared element by element
    expect_value(np.array([1, 2]), np.array([1, 2]))
    expect_value(pd.Series([1, 2]), pd.Series([1, 2]))
    with pytest.raises(AssertionError):
        expect_value(np.array([1, 2]), np.array([1, 3]))
    with pytest.raises(AssertionError):
        expect_value(np.array([1, 2]), np.array([1, 2, 3]))

    class Opaque:  # neither comparable nor convertible: never equal to anything
        def __ne__(self, other):
            raise TypeError("no comparison")

        def __array__(self, *args, **kwargs):
            raise TypeError("no array")

    with pytest.raises(AssertionError):
        expect_value(Opaque(), Opaque())
