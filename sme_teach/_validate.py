"""Shared input checks that raise :class:`~sme_teach.SmeTeachError` with helpful messages.

Every public function validates through these helpers, so that messages look the
same everywhere: what was given, what was expected, and the valid choices.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from ._errors import SmeTeachError

__all__ = [
    "broadcast",
    "check_bool",
    "check_choice",
    "check_choices",
    "check_columns",
    "check_finite",
    "check_int",
    "check_mapping",
    "check_number",
    "check_path",
    "check_range",
    "check_rng_seed",
    "read_yaml",
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
        ok = bool(value in choices)
    except (TypeError, ValueError):  # unhashable, or an array/DataFrame compared element-wise
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
    dup = [c for c in required if c not in missing and (frame.columns == c).sum() > 1]
    if dup:
        raise SmeTeachError(f"{what} has column {dup[0]!r} more than once; expected each column once")
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
    except (TypeError, ValueError, OverflowError) as exc:
        shown = repr(values)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        raise SmeTeachError(f"{what} must be numbers; could not read {shown} as numbers ({exc})") from None
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


def check_bool(value, what: str) -> bool:
    """Return ``value`` if it is True or False; raise otherwise (a truthy string is not a yes).

    >>> check_bool("yes", "as_frame")
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: as_frame must be True or False, got 'yes'
    """
    import numpy as np

    if not isinstance(value, (bool, np.bool_)):
        raise SmeTeachError(f"{what} must be True or False, got {value!r}")
    return bool(value)


def check_int(value, what: str, low: int | None = None) -> int:
    """Return ``value`` as an int if it is a whole number (not a bool) ``>= low``; raise otherwise.

    >>> check_int(2.5, "runs", 1)
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: runs must be a whole number of at least 1, got 2.5
    """
    import numbers

    at_least = f" of at least {low}" if low is not None else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or (low is not None and value < low):
        raise SmeTeachError(f"{what} must be a whole number{at_least}, got {value!r}")
    return int(value)


def check_mapping(value, what: str, expected: str = "a dict") -> dict:
    """Return ``value`` as a dict if it is a mapping (dict or pandas Series); raise otherwise."""
    import pandas as pd

    if isinstance(value, pd.Series):
        value = value.to_dict()
    if not isinstance(value, dict):
        raise SmeTeachError(f"{what} must be {expected}, got {type(value).__name__}")
    return value


def check_rng_seed(seed, what: str = "seed"):
    """Return ``seed`` if :func:`numpy.random.default_rng` accepts it (None, an int >= 0 or a Generator).

    >>> check_rng_seed(-1)
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: seed must be None, a whole number >= 0 or a numpy Generator, got -1
    """
    import numbers

    import numpy as np

    ok = seed is None or isinstance(seed, (np.random.Generator, np.random.SeedSequence, np.random.BitGenerator)) \
        or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0)
    if not ok:
        raise SmeTeachError(f"{what} must be None, a whole number >= 0 or a numpy Generator, got {seed!r}")
    return seed


def broadcast(**arrays):
    """Broadcast named arrays together; raise naming them and their shapes if they do not fit.

    >>> broadcast(lat1=[0, 1], lon1=[0, 1, 2])
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: lat1 and lon1 must have the same length (or be single numbers); got shapes (2,) and (3,)
    """
    import numpy as np

    values = [np.asarray(a) for a in arrays.values()]
    try:
        return np.broadcast_arrays(*values)
    except ValueError:
        names = list(arrays)
        raise SmeTeachError(
            f"{', '.join(names[:-1])} and {names[-1]} must have the same length (or be single numbers); "
            f"got shapes {' and '.join(str(v.shape) for v in values)}"
        ) from None


def check_path(path, what: str = "file"):
    """Return ``path`` as a :class:`~pathlib.Path` to an existing file; raise otherwise."""
    import os
    from pathlib import Path

    if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
        raise SmeTeachError(f"{what} must be a file path (str or pathlib.Path), got {type(path).__name__}")
    try:
        p = Path(path)
        is_file = p.is_file()
    except (TypeError, ValueError, OSError):
        raise SmeTeachError(f"{what} must be a file path (str or pathlib.Path), got {path!r}") from None
    if not is_file:
        raise SmeTeachError(f"{what} {str(p)!r} does not exist; expected a YAML file")
    return p


def read_yaml(path, fname: str):
    """Parse a UTF-8 YAML file; raise naming the file if it is not text or not YAML."""
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            # libyaml's safe loader when available (same result, several times faster)
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except UnicodeDecodeError as exc:
        raise SmeTeachError(f"{fname}: not a UTF-8 text file ({exc.reason} at byte {exc.start}); expected YAML") from None
    except yaml.YAMLError as exc:
        raise SmeTeachError(f"{fname}: not valid YAML ({exc})") from None


def check_number(value, low: float, high: float, what: str) -> float:
    """Return one finite number ``low <= value <= high`` as a float; raise for lists, NaN, text, bools.

    >>> check_number([0.2, 0.3], 0, 1, "p")
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: p must be a single number between 0 and 1, got [0.2, 0.3]
    """
    import numbers

    import numpy as np

    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        if not (isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"):
            raise SmeTeachError(f"{what} must be a single number between {low:g} and {high:g}, got {value!r}")
    return float(check_range(value, low, high, what))
