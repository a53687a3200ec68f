"""Student answers as data: a JSON format both ways, never pickle.

In trusted-checking mode (:mod:`sme_teach.grading._checker`) a test cell runs in a checker kernel
where no student code ran. The names it needs leave the student's (sandboxed) kernel through
:func:`dump` and enter the checker through :func:`load`. Only data crosses: ``None``, booleans,
numbers, text, NumPy scalars and arrays, pandas ``DataFrame``/``Series`` (``to_json(orient="table")``,
which keeps index, column names and dtypes) and lists, tuples, sets and dicts of those. Anything
else (a function, a class, a module, a graph) arrives as an :class:`Opaque` stand-in that fails
every check with a message naming the type, so a test can never run student code.

Faking :func:`dump` from inside the student's kernel gains nothing: the checker only ever sees data
the student could have stored in the variable directly.

>>> import pandas as pd
>>> text = dump({"s": pd.Series({"IND": 0.5}), "n": 3, "f": len}, ["s", "n", "f", "missing"])
>>> ns = load(text)
>>> ns["s"].to_dict(), ns["n"], type(ns["f"]).__name__, "missing" in ns
({'IND': 0.5}, 3, 'builtin_function_or_method', False)
"""

from __future__ import annotations

import json

__all__ = ["MAX_BYTES", "Opaque", "dump", "load"]

#: the largest payload one test cell may receive (a 50-firm panel is a few kB)
MAX_BYTES = 64 * 2**20
_DEPTH = 20


def _encode(value, depth=0):
    import math

    if depth > _DEPTH:
        return {"t": "opaque", "type": "deeply nested data"}
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None
    if np is not None and isinstance(value, np.generic) and value.dtype.kind != "O":  # before float: float64 is one
        return {"t": "np", "dtype": value.dtype.str, "v": _encode(value.item(), depth + 1)}
    if value is None or isinstance(value, (bool, str)):
        return {"t": "v", "v": value}
    if isinstance(value, int):
        return {"t": "int", "v": str(value)}
    if isinstance(value, float):
        return {"t": "float", "v": repr(value)} if not math.isfinite(value) else {"t": "v", "v": value}
    if np is not None:
        if isinstance(value, np.ndarray) and value.dtype.kind in "biufcUSM?" and value.dtype.kind != "O":
            return {"t": "nd", "dtype": value.dtype.str, "shape": list(value.shape),
                    "v": [_encode(x, depth + 1) for x in value.ravel().tolist()]}
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        pd = None
    if pd is not None:
        if isinstance(value, pd.DataFrame) and not value.columns.has_duplicates:
            return {"t": "frame", "v": value.to_json(orient="table", double_precision=15, date_unit="ns")}
        if isinstance(value, pd.Series):
            name = value.name
            frame = value.to_frame(name="__values__")
            return {"t": "series", "name": _encode(name, depth + 1),
                    "v": frame.to_json(orient="table", double_precision=15, date_unit="ns")}
    if type(value) in (list, tuple, set, frozenset):
        return {"t": type(value).__name__, "v": [_encode(x, depth + 1) for x in value]}
    if type(value) is dict:
        return {"t": "dict", "v": [[_encode(k, depth + 1), _encode(v, depth + 1)] for k, v in value.items()]}
    return {"t": "opaque", "type": type(value).__name__}


def dump(namespace: dict, names) -> str:
    """The values of ``names`` found in ``namespace`` as one JSON text (absent names are left out)."""
    out = {}
    for name in names:
        if name in namespace:
            try:
                out[name] = _encode(namespace[name])
            except Exception as exc:  # a broken object: the checker says what it was
                out[name] = {"t": "opaque", "type": f"{type(namespace[name]).__name__} ({type(exc).__name__})"}
    text = json.dumps(out, allow_nan=False)
    if len(text) > MAX_BYTES:
        raise ValueError(f"the answers checked by one test cell are {len(text):,} bytes; at most {MAX_BYTES:,}")
    return text


class Opaque:
    """Stands for a student value that is not data; every use in a check fails and says why."""

    def __init__(self, type_name: str):
        object.__setattr__(self, "_type_name", type_name)

    def __repr__(self):
        return f"<{self._type_name}: not data, so the grader cannot check it>"

    def __getattr__(self, name):
        raise AssertionError(f"the answer is a {self._type_name}; expected data (a DataFrame, Series, number or text)")

    def __bool__(self):
        raise AssertionError(f"the answer is a {self._type_name}; expected data (a DataFrame, Series, number or text)")


def _decode(obj):
    import io

    t = obj["t"]
    if t == "v":
        return obj["v"]
    if t == "int":
        return int(obj["v"])
    if t == "float":
        return float(obj["v"])
    if t == "np":
        import numpy as np

        return np.array(_decode(obj["v"]), dtype=np.dtype(obj["dtype"]))[()]
    if t == "nd":
        import numpy as np

        return np.array([_decode(x) for x in obj["v"]], dtype=np.dtype(obj["dtype"])).reshape(obj["shape"])
    if t == "frame":
        import pandas as pd

        return pd.read_json(io.StringIO(obj["v"]), orient="table", precise_float=True)
    if t == "series":
        import pandas as pd

        frame = pd.read_json(io.StringIO(obj["v"]), orient="table", precise_float=True)
        series = frame["__values__"]
        series.name = _decode(obj["name"])
        return series
    if t in ("list", "tuple", "set", "frozenset"):
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[t](_decode(x) for x in obj["v"])
    if t == "dict":
        return {_decode(k): _decode(v) for k, v in obj["v"]}
    kind = type(obj.get("type", "object"), (Opaque,), {}) if isinstance(obj.get("type"), str) and \
        obj["type"].isidentifier() else Opaque
    return kind(str(obj.get("type", "object")))


def load(text: str) -> dict:
    """The names and values :func:`dump` wrote (JSON only: no code runs while reading)."""
    return {name: _decode(obj) for name, obj in json.loads(text).items()}
