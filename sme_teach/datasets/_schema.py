"""Where the data files live, how they are written, and a small schema checker.

Every shipped CSV is read as text first and then converted column by column, so
that a bad cell is reported with the file, the column and the row::

    SmeTeachError: countries.csv, column 'population', data row 12 (CSV line 13):
    expected an integer, got 'many'

"Data row" counts data rows from 1 (the header is not a data row); the CSV line
counts every line of the file from 1, header included.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import SmeTeachError

__all__ = ["Column", "Schema", "data_dir", "read_table", "write_csv", "stable_seed", "FLOAT_FORMAT"]

#: Environment variable that points the loaders at another data folder.
ENV_VAR = "SME_TEACH_DATA"
#: Float format used for every synthetic CSV (bit-identical files on every run).
FLOAT_FORMAT = "%.4f"


def data_dir() -> Path:
    """Return the folder that holds the course's data files.

    The default is the ``datasets/`` folder at the top of the repository (the
    package is installed editable from it). Set the environment variable
    ``SME_TEACH_DATA`` to use another folder, for example a lecturer's own copy.

    Raises
    ------
    SmeTeachError
        If the folder does not exist (the message says how to fix it).

    Examples
    --------
    >>> data_dir().name
    'datasets'
    """
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env).expanduser()
        origin = f"the environment variable {ENV_VAR}={env!r}"
    else:
        import sme_teach

        path = Path(sme_teach.__file__).resolve().parents[1] / "datasets"
        origin = "the repository's datasets/ folder"
    if not path.is_dir():
        raise SmeTeachError(
            f"data folder {str(path)!r} (from {origin}) does not exist; expected a folder of "
            f"CSV files and data cards. Clone the whole sme_teach repository and install it with "
            f"`pip install -e .` (or run `make data` to regenerate the files), or set {ENV_VAR} "
            f"to a folder that holds them"
        )
    return path


def stable_seed(seed) -> int:
    """Turn an int or a string into a non-negative int seed, the same on every machine.

    Strings are hashed with SHA-256 (not Python's salted ``hash``), so a student
    id gives the same variant everywhere.

    >>> stable_seed(7)
    7
    >>> stable_seed("student-042") == stable_seed("student-042")
    True
    >>> stable_seed("a") != stable_seed("b")
    True
    >>> stable_seed(1.5)
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: seed must be a non-negative int or a string, got 1.5 (float)
    """
    import numpy as np

    if isinstance(seed, (bool, np.bool_)):
        raise SmeTeachError(f"seed must be a non-negative int or a string, got {seed!r} (bool)")
    if isinstance(seed, (int, np.integer)) and seed >= 0:
        return int(seed)
    if isinstance(seed, str):
        return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big")
    raise SmeTeachError(
        f"seed must be a non-negative int or a string, got {seed!r} ({type(seed).__name__})"
    )


def write_csv(frame, path) -> Path:
    """Write ``frame`` as UTF-8 CSV with ``\\n`` line ends and fixed float format."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Column:
    """One column of a table: its type and the values it may hold.

    ``kind`` is ``"str"``, ``"int"``, ``"float"`` or ``"bool"`` (written 0/1 or
    true/false). ``nullable`` allows empty cells (NaN / missing). ``choices``
    lists allowed values, ``low``/``high`` bound numbers, ``pattern`` is a regular
    expression every non-empty string must match in full.
    """

    name: str
    kind: str = "str"
    nullable: bool = False
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    unique: bool = False
    pattern: str | None = None
    description: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Schema:
    """The columns of a table, in order, plus a key whose combination must be unique."""

    columns: tuple
    key: tuple = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _where(fname, col, i):
    return f"{fname}, column {col!r}, data row {i + 1} (CSV line {i + 2})"


def check_frame(raw, schema: Schema, fname: str):
    """Convert a frame of strings (as read from CSV) to typed columns and check it.

    Returns a new DataFrame with the schema's columns in order (extra columns kept
    at the end as text). Raises :class:`SmeTeachError` naming the file, the column
    and the first offending row.

    >>> import pandas as pd
    >>> s = Schema((Column("x", "int", low=0), Column("g", choices=("a", "b"))))
    >>> [str(t) for t in check_frame(pd.DataFrame({"x": ["1", "2"], "g": ["a", "b"]}), s, "t.csv").dtypes]
    ['Int64', 'str']
    >>> check_frame(pd.DataFrame({"x": ["1", "two"], "g": ["a", "b"]}), s, "t.csv")
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: t.csv, column 'x', data row 2 (CSV line 3): expected an integer, got 'two'
    """
    import numpy as np
    import pandas as pd

    missing = [c for c in schema.names if c not in raw.columns]
    if missing:
        raise SmeTeachError(
            f"{fname}: missing columns {missing}; expected columns {schema.names}, "
            f"got columns {[str(c) for c in raw.columns]}. Regenerate the file with `make data` "
            f"or restore it from git"
        )
    out = {}
    for col in schema.columns:
        text = raw[col.name].astype(object)
        empty = text.isna().to_numpy() | (text.fillna("").astype(str).str.strip() == "").to_numpy()
        if empty.any() and not col.nullable:
            i = int(np.argmax(empty))
            raise SmeTeachError(f"{_where(fname, col.name, i)}: empty cell; this column may not be empty")
        convert = {"int": _numeric_column, "float": _numeric_column, "bool": _bool_column}.get(col.kind, _text_column)
        series = convert(text, empty, col, fname, raw.index)
        if col.unique:
            dup = series.duplicated().to_numpy() & ~empty
            if dup.any():
                i = int(np.argmax(dup))
                raise SmeTeachError(f"{_where(fname, col.name, i)}: duplicate value {text.iloc[i]!r}")
        out[col.name] = series
    frame = pd.DataFrame(out)
    for extra in [c for c in raw.columns if c not in schema.names]:
        frame[extra] = raw[extra]
    if schema.key:
        dup = frame.duplicated(list(schema.key)).to_numpy()
        if dup.any():
            i = int(np.argmax(dup))
            combo = {k: frame[k].iloc[i] for k in schema.key}
            raise SmeTeachError(
                f"{fname}, columns {list(schema.key)}, data row {i + 1} (CSV line {i + 2}): "
                f"duplicate combination {combo}; each combination must occur once"
            )
    return frame


def _first(mask) -> int:
    import numpy as np

    return int(np.argmax(mask))


def _numeric_column(text, empty, col: Column, fname: str, index):
    """An int (nullable ``Int64``) or float column, within the column's bounds."""
    import numpy as np
    import pandas as pd

    values = pd.to_numeric(text.where(~empty, None), errors="coerce")
    bad = values.isna().to_numpy() & ~empty
    if bad.any():
        i = _first(bad)
        what = "an integer" if col.kind == "int" else "a number"
        raise SmeTeachError(f"{_where(fname, col.name, i)}: expected {what}, got {text.iloc[i]!r}")
    arr = values.to_numpy(dtype=float)
    if col.kind == "int":
        frac = ~np.isnan(arr) & (arr != np.round(arr))
        if frac.any():
            i = _first(frac)
            raise SmeTeachError(f"{_where(fname, col.name, i)}: expected an integer, got {text.iloc[i]!r}")
    for bound, cmp, word in ((col.low, np.less, "at least"), (col.high, np.greater, "at most")):
        if bound is not None:
            off = ~np.isnan(arr) & cmp(arr, bound)
            if off.any():
                i = _first(off)
                raise SmeTeachError(
                    f"{_where(fname, col.name, i)}: expected a value {word} {bound:g}, got {text.iloc[i]!r}"
                )
    if col.kind == "int":
        return pd.Series(arr, index=index).round().astype("Int64")
    return pd.Series(arr, index=index, dtype="float64")


def _bool_column(text, empty, col: Column, fname: str, index):
    """A nullable boolean column from true/false or 1/0."""
    norm = text.fillna("").astype(str).str.strip().str.lower()
    mapping = {"1": True, "0": False, "true": True, "false": False}
    bad = ~norm.isin(list(mapping)).to_numpy() & ~empty
    if bad.any():
        i = _first(bad)
        raise SmeTeachError(f"{_where(fname, col.name, i)}: expected true/false or 1/0, got {text.iloc[i]!r}")
    return norm.map(mapping).astype("boolean")


def _text_column(text, empty, col: Column, fname: str, index):
    """A text column, checked against the column's choices and pattern."""
    series = text.where(~empty, None).astype("str")
    if col.choices is not None:
        bad = ~series.isin(col.choices).fillna(False).to_numpy(dtype=bool) & ~empty
        if bad.any():
            i = _first(bad)
            raise SmeTeachError(
                f"{_where(fname, col.name, i)}: unknown value {text.iloc[i]!r}; expected one of: "
                + ", ".join(map(str, col.choices))
            )
    if col.pattern is not None:
        ok = series.fillna("").str.fullmatch(col.pattern).to_numpy(dtype=bool) | empty
        if not ok.all():
            import numpy as np

            i = int(np.argmin(ok))
            raise SmeTeachError(
                f"{_where(fname, col.name, i)}: value {text.iloc[i]!r} does not match the "
                f"expected form {col.pattern!r}"
            )
    return series


def read_table(name_or_path, schema: Schema):
    """Read a CSV from the data folder (or a path), check it against ``schema``, return a copy.

    Parsed tables are cached per (path, modification time); callers always get a
    fresh copy they may modify.
    """
    path = Path(name_or_path)
    if not path.is_absolute() and path.parent == Path("."):
        path = data_dir() / path.name
    if not path.is_file():
        raise SmeTeachError(
            f"data file {str(path)!r} does not exist; expected it in the data folder "
            f"{str(path.parent)!r}. Run `make data` to regenerate the shipped files, or restore "
            f"them with git"
        )
    stat = path.stat()
    return _parse(str(path), stat.st_mtime_ns, stat.st_size, schema).copy()


@functools.lru_cache(maxsize=64)
def _parse(path: str, mtime_ns: int, size: int, schema: Schema):
    import pandas as pd

    fname = Path(path).name
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise SmeTeachError(f"{fname}: not a readable CSV file ({exc}); restore it from git or run `make data`") from None
    return check_frame(raw, schema, fname)
