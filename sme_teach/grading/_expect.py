"""Assertions for grade cells that teach: they say what was expected and what was found.

A grade cell calls one of these and lets the ``AssertionError`` propagate; nbgrader shows the
message in the feedback and :func:`sme_teach.grading.check` shows it in the student's notebook.
"""

from __future__ import annotations

from .._errors import SmeTeachError
from .._validate import check_number

__all__ = ["expect_frame", "expect_series", "expect_value"]


def _check_options(what=None, name=None, atol=None, rtol=None):
    """Validate the grade cell's own arguments (the lecturer's, not the student's): SmeTeachError."""
    for label, value in (("what", what), ("name", name)):
        if value is not None and not isinstance(value, str):
            raise SmeTeachError(f"{label} must be text (used in messages), got {value!r}")
    import numpy as np

    return check_number(atol, 0, np.inf, "atol"), check_number(rtol, 0, np.inf, "rtol")


def _label_list(value, what: str):
    """A list of row/column labels given by the lecturer (columns=, rows=, index=)."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") or isinstance(value, dict):
        raise SmeTeachError(f"{what} must be a list of labels, got {value!r}")
    value = list(value)
    try:
        set(value)
    except TypeError:
        raise SmeTeachError(f"{what} must be a list of hashable labels (text or numbers), got {value!r}") from None
    return value


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _type_name(value) -> str:
    return type(value).__name__


def _differs(a, b, atol: float, rtol: float) -> bool:
    import numpy as np

    missing_a = a is None or (isinstance(a, float) and np.isnan(a))
    missing_b = b is None or (isinstance(b, float) and np.isnan(b))
    if missing_a or missing_b:
        return missing_a != missing_b
    if isinstance(b, (bool, np.bool_)):
        return not isinstance(a, (bool, np.bool_)) or bool(a) != bool(b)
    if isinstance(b, (int, float, np.integer, np.floating)):
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, float, np.integer, np.floating)):
            return True
        try:
            return not abs(float(a) - float(b)) <= atol + rtol * abs(float(b))
        except OverflowError:  # integers too large for a float: compare exactly
            return a != b
    try:
        return bool(a != b)
    except (TypeError, ValueError):  # arrays, frames: element-wise comparison has no single truth value
        try:
            return not bool(np.array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object)))
        except (TypeError, ValueError):
            return True


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _plural(word: str, n: int) -> str:
    return word if n == 1 else (word[:-1] + "ies" if word.endswith("y") and word[-2:] not in ("ay", "ey") else word + "s")


def _compare(found: dict, wanted: dict, column: str, what: str, atol: float, rtol: float) -> None:
    bad = [k for k in wanted if _differs(found[k], wanted[k], atol, rtol)]
    if bad:
        k = bad[0]
        col = f" {column}" if column else " value"
        raise AssertionError(
            f"{len(bad)} of {len(wanted)} {_plural(what, len(wanted))} have the wrong{col}, e.g. {what} {k}: "
            f"expected {_fmt(wanted[k])}, got {_fmt(found[k])}")


def _keys(values, what, name, expected_keys=None):
    keys = list(values)
    try:
        set(keys)
    except TypeError:
        bad = next(k for k in keys if not _hashable(k))
        raise AssertionError(f"{name} has a {what} label {bad!r} that is not text or a number; "
                             f"expected one row per {what}, labelled by text or numbers") from None
    dup = sorted({k for k in keys if keys.count(k) > 1}, key=str) if len(set(keys)) < len(keys) else []
    if dup:
        raise AssertionError(f"{name} lists {what} {dup[0]!r} more than once; expected one row per {what}")
    if expected_keys is not None:
        missing = [k for k in expected_keys if k not in set(keys)]
        extra = [k for k in keys if k not in set(expected_keys)]
        if missing or extra:
            parts = [f"expected {len(expected_keys)} {_plural(what, len(expected_keys))}, got {len(keys)}"]
            if missing:
                parts.append(f"missing e.g. {what} {missing[0]!r}")
            if extra:
                parts.append(f"unexpected e.g. {what} {extra[0]!r}")
            raise AssertionError(f"{name}: " + "; ".join(parts))


def expect_frame(answer, expected=None, *, key=None, columns=None, rows=None, what: str = "row",
                 name: str = "your answer", atol: float = 1e-6, rtol: float = 1e-6) -> None:
    """Assert that ``answer`` is a DataFrame shaped and filled like ``expected``.

    Checks, in this order, each failing with a message for a student: the type; the columns
    (``columns``, default those of ``expected``; order does not matter); one row per ``key`` value
    (the keys of ``expected``, or ``rows`` when no ``expected`` is given); then every column's values,
    matched on ``key`` (numbers within ``atol + rtol·|expected|``).

    Parameters
    ----------
    answer : the student's object.
    expected : pandas.DataFrame, optional — the right answer; omit it to check only the shape.
    key : column identifying a row (e.g. ``"firm_id"``); default the index.
    columns : the required columns.
    rows : the required key values (when ``expected`` is not given).
    what : what a row is, for messages ("firm", "country").
    name : what the answer is called in messages (the variable name).

    Examples
    --------
    >>> import pandas as pd
    >>> right = pd.DataFrame({"firm": ["F01", "F02", "F03"], "stage": [1, 3, 2]})
    >>> expect_frame(right.copy(), right, key="firm", what="firm")
    >>> expect_frame(right.rename(columns={"firm": "firm_id"}), right, key="firm", name="stages")
    Traceback (most recent call last):
    ...
    AssertionError: expected stages to be a DataFrame with columns ['firm', 'stage'], got columns ['firm_id', 'stage']
    >>> wrong = right.assign(stage=[1, 2, 2])
    >>> expect_frame(wrong, right, key="firm", what="firm")
    Traceback (most recent call last):
    ...
    AssertionError: 1 of 3 firms have the wrong stage, e.g. firm F02: expected 3, got 2
    """
    import pandas as pd

    atol, rtol = _check_options(what, name, atol, rtol)
    if expected is not None and not isinstance(expected, pd.DataFrame):
        raise SmeTeachError(f"expected must be a pandas DataFrame (the right answer) or None, got {type(expected).__name__}")
    columns = _label_list(columns, "columns")
    rows = _label_list(rows, "rows")
    if key is not None:
        if not _hashable(key):
            raise SmeTeachError(f"key must be one column name, got {key!r}")
        if expected is not None and key not in expected.columns:
            raise SmeTeachError(f"key {key!r} is not a column of expected; expected one of {list(expected.columns)}")
    if expected is not None and (expected.columns.has_duplicates or (key is not None and expected[key].duplicated().any())
                                 or (key is None and expected.index.has_duplicates)):
        raise SmeTeachError("expected must have unique columns and one row per key; check the right answer")
    if columns is None and expected is not None:
        columns = list(expected.columns)
    cols_txt = f" with columns {list(columns)}" if columns is not None else ""
    if not isinstance(answer, pd.DataFrame):
        raise AssertionError(f"expected {name} to be a DataFrame{cols_txt}, got {_type_name(answer)}")
    if columns is not None and sorted(map(str, answer.columns)) != sorted(map(str, columns)):
        raise AssertionError(f"expected {name} to be a DataFrame{cols_txt}, got columns {list(answer.columns)}")
    if answer.columns.has_duplicates:
        dup = answer.columns[answer.columns.duplicated()][0]
        raise AssertionError(f"{name} has column {dup!r} more than once; expected each column once")
    if key is not None and key not in answer.columns:
        raise AssertionError(f"expected {name} to have a column {key!r} (one row per {what}), "
                             f"got columns {list(answer.columns)}")
    found_keys = answer[key] if key is not None else answer.index
    if expected is not None:
        rows = list(expected[key] if key is not None else expected.index)
    _keys(found_keys, what, name, rows)
    if expected is None:
        return
    a = answer.set_index(key) if key is not None else answer
    e = expected.set_index(key) if key is not None else expected
    required = set(map(str, columns))
    for col in e.columns:
        if str(col) in required:  # columns= narrower than expected's: compare only the required ones
            _compare(a[col].to_dict(), e[col].to_dict(), str(col), what, atol, rtol)


def expect_series(answer, expected=None, *, index=None, what: str = "entry", name: str = "your answer",
                  atol: float = 1e-6, rtol: float = 1e-6, ordered: bool = False) -> None:
    """Assert that ``answer`` is a Series with the index and values of ``expected``.

    ``index`` (default ``expected.index``) lists the required labels; ``ordered=True`` also requires
    their order (e.g. "sorted from highest to lowest").

    >>> import pandas as pd
    >>> ks = pd.Series({"IND": 0.4, "GBR": 2.1})
    >>> expect_series(ks.copy(), ks, what="country")
    >>> expect_series(ks * 2, ks, what="country", name="ks")
    Traceback (most recent call last):
    ...
    AssertionError: 2 of 2 countries have the wrong value, e.g. country IND: expected 0.4, got 0.8
    """
    import pandas as pd

    atol, rtol = _check_options(what, name, atol, rtol)
    if expected is not None and not isinstance(expected, pd.Series):
        raise SmeTeachError(f"expected must be a pandas Series (the right answer) or None, got {type(expected).__name__}")
    if expected is not None and expected.index.has_duplicates:
        raise SmeTeachError("expected must have one entry per label; its index has duplicates")
    index = _label_list(index, "index")
    if not isinstance(ordered, bool):
        raise SmeTeachError(f"ordered must be True or False, got {ordered!r}")
    if not isinstance(answer, pd.Series):
        raise AssertionError(f"expected {name} to be a pandas Series, got {_type_name(answer)}")
    if index is None and expected is not None:
        index = list(expected.index)
    if index is not None:
        _keys(answer.index, what, name, list(index))
        if ordered and list(answer.index) != list(index):
            raise AssertionError(f"{name} has the right {_plural(what, 2)} in the wrong order: expected "
                                 f"{list(index)}, got {list(answer.index)}")
    else:
        _keys(answer.index, what, name)
    if expected is not None:
        _compare(answer.to_dict(), expected.to_dict(), "", what, atol, rtol)


def expect_value(answer, expected, *, name: str = "your answer", atol: float = 1e-6, rtol: float = 1e-6) -> None:
    """Assert that a single value equals ``expected`` (numbers within a tolerance).

    >>> expect_value(0.25, 0.25)
    >>> expect_value("IND", "THA", name="top_market")
    Traceback (most recent call last):
    ...
    AssertionError: expected top_market to be 'THA', got 'IND'
    """
    import numpy as np

    atol, rtol = _check_options(None, name, atol, rtol)
    if isinstance(expected, (int, float, np.integer, np.floating)) and not isinstance(expected, bool) \
            and not isinstance(answer, (int, float, np.integer, np.floating)):
        raise AssertionError(f"expected {name} to be a number, got {_type_name(answer)} {_fmt(answer)}")
    if _differs(answer, expected, atol, rtol):
        raise AssertionError(f"expected {name} to be {_fmt(expected)}, got {_fmt(answer)}")
