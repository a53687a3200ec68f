"""Shared input checks that raise :class:`~sme_teach.SmeTeachError` with helpful messages.

Every public function validates through these helpers, so that messages look the
same everywhere: what was given, what was expected, and the valid choices.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from ._errors import SmeTeachError

__all__ = [
    "check_choice",
    "check_choices",
    "check_columns",
    "check_finite",
    "check_range",
    "suggest",
]


def suggest(value, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for a close match, else ``""``.

    >>> suggest("joint marketting", ["joint_marketing", "common_pricing"])
    " (did you mean 'joint_marketing'?)"
    """
    if not isinstance(value, str):
        return ""
    norm = {str(c).lower().replace("_", " "): c for c in choices}
    hit = difflib.get_close_matches(value.lower().replace("_", " "), list(norm), n=1, cutoff=0.75)
    return f" (did you mean {norm[hit[0]]!r}?)" if hit else ""


def check_choice(value, choices: Sequence, what: str):
    """Return ``value`` if it is one of ``choices``; raise a helpful error otherwise.

    >>> check_choice("uk", ["bd", "uk"], "country")
    'uk'
    >>> check_choice("joint marketting", ["joint_marketing", "common_pricing"], "alliance")
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: unknown alliance 'joint marketting' (did you mean 'joint_marketing'?); expected one of: joint_marketing, common_pricing
    """
    try:
        ok = value in choices
    except TypeError:
        ok = False
    if not ok:
        listed = ", ".join(map(str, choices))
        raise SmeTeachError(f"unknown {what} {value!r}{suggest(value, choices)}; expected one of: {listed}")
    return value


def check_choices(values: Iterable, choices: Sequence, what: str) -> list:
    """Check every element of ``values`` with :func:`check_choice`; return them as a list."""
    return [check_choice(v, choices, what) for v in values]


def check_columns(frame, required: Iterable[str], what: str = "table"):
    """Raise unless the DataFrame ``frame`` has every column in ``required``.

    >>> import pandas as pd
    >>> check_columns(pd.DataFrame({"firm_id": [1]}), ["firm", "stage"], "answer")
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: answer is missing columns ['firm', 'stage']; expected columns ['firm', 'stage'], got columns ['firm_id']
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise SmeTeachError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    required = list(required)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SmeTeachError(
            f"{what} is missing columns {missing}; expected columns {required}, "
            f"got columns {[str(c) for c in frame.columns]}"
        )
    return frame


def check_finite(values, what: str):
    """Convert ``values`` to a float array and raise if anything is NaN, infinite or not a number.

    >>> check_finite([1, 2.5], "sales")
    array([1. , 2.5])
    >>> check_finite([1, float("nan")], "sales")
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: sales must be finite numbers; found NaN or infinity at position 1
    """
    import numpy as np

    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise SmeTeachError(f"{what} must be numbers; could not read {values!r} as numbers ({exc})") from None
    bad = ~np.isfinite(arr)
    if bad.any():
        if arr.ndim == 0:
            raise SmeTeachError(f"{what} must be a finite number; got {float(arr):g}")
        pos = np.argwhere(bad)[0]
        where = int(pos[0]) if arr.ndim == 1 else tuple(int(p) for p in pos)
        raise SmeTeachError(f"{what} must be finite numbers; found NaN or infinity at position {where}")
    return arr


def check_range(values, low: float, high: float, what: str):
    """Like :func:`check_finite`, and also require ``low <= value <= high``.

    >>> check_range([0.2, 1.3], 0, 1, "probability")
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: probability must lie between 0 and 1; found 1.3 at position 1
    """
    import numpy as np

    arr = check_finite(values, what)
    bad = (arr < low) | (arr > high)
    if bad.any():
        if arr.ndim == 0:
            raise SmeTeachError(f"{what} must lie between {low:g} and {high:g}; got {float(arr):g}")
        pos = np.argwhere(bad)[0]
        where = int(pos[0]) if arr.ndim == 1 else tuple(int(p) for p in pos)
        raise SmeTeachError(
            f"{what} must lie between {low:g} and {high:g}; found {arr[tuple(pos)]:g} at position {where}"
        )
    return arr
