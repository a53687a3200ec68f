"""Readiness self-assessment: a Likert instrument for the CSF phases and competencies."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import SmeTeachError
from .._validate import check_path, check_range, read_yaml, suggest

__all__ = [
    "Instrument",
    "load_instrument",
    "readiness_scores",
    "readiness_scores_reference",
    "readiness_band",
    "READINESS_DIMENSIONS",
]

_DATA = Path(__file__).with_name("data") / "readiness.yaml"

#: Dimension ids of the shipped instrument: the CSF phases and the four competencies.
READINESS_DIMENSIONS = (
    "current", "prospects", "capacity_building", "policy", "cluster_networking", "innovation", "strategy",
)


@dataclass(frozen=True)
class Instrument:
    """A Likert self-assessment: items, the dimension each measures, reverse coding, bands.

    Attributes
    ----------
    name, title, citation : str
    low, high : int
        The answer scale (1 and 5 for the shipped instrument).
    dimensions : pandas.DataFrame
        ``id, group, label, description`` in report order.
    items : pandas.DataFrame
        ``id, dimension, reverse, text``.
    bands : list of (str, float or None)
        Band id and the score below which it applies (None = no upper limit).

    Examples
    --------
    >>> inst = load_instrument()
    >>> len(inst.item_ids), inst.bands[0]
    (26, ('low', 40))
    """

    name: str
    title: str
    citation: str
    low: int
    high: int
    dimensions: pd.DataFrame = field(repr=False)
    items: pd.DataFrame = field(repr=False)
    bands: tuple = ()

    @property
    def item_ids(self) -> list[str]:
        return self.items["id"].tolist()

    @property
    def dimension_ids(self) -> list[str]:
        return self.dimensions["id"].tolist()


def _py(value):
    """numpy scalar → Python scalar, so messages read ``7`` rather than ``np.int64(7)``."""
    return value.item() if isinstance(value, np.generic) else value


def _fail(fname, problem):
    raise SmeTeachError(f"{fname}: {problem}")


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> Instrument:
    fname = Path(path).name
    spec = read_yaml(path, fname)
    if not isinstance(spec, dict):
        _fail(fname, "expected a mapping at the top level")
    for key in ("name", "title", "citation", "scale", "bands", "dimensions", "items"):
        if key not in spec:
            _fail(fname, f"missing top-level key {key!r}")
    scale = spec["scale"]
    if not isinstance(scale, dict) or not all(isinstance(scale.get(k), int) for k in ("min", "max")) \
            or scale["min"] >= scale["max"]:
        _fail(fname, "scale needs integer 'min' < 'max'")
    dims = spec["dimensions"]
    if not isinstance(dims, list) or not dims:
        _fail(fname, "dimensions must be a non-empty list")
    dim_ids = []
    for i, d in enumerate(dims):
        if not isinstance(d, dict) or not isinstance(d.get("id"), str) or not d["id"] or not d.get("label"):
            _fail(fname, f"dimension {i + 1} needs an 'id' (text) and a 'label'")
        if d["id"] in dim_ids:
            _fail(fname, f"dimension {d['id']!r} is listed twice")
        dim_ids.append(d["id"])
    items = spec["items"]
    if not isinstance(items, list) or not items:
        _fail(fname, "items must be a non-empty list")
    item_ids = set()
    for i, it in enumerate(items):
        where = f"item {i + 1}" + (f" ({it.get('id')!r})" if isinstance(it, dict) else "")
        if not isinstance(it, dict) or set(it) != {"id", "dimension", "reverse", "text"}:
            _fail(fname, f"{where}: expected exactly the keys id, dimension, reverse, text")
        if not isinstance(it["id"], str) or not it["id"]:
            _fail(fname, f"{where}: 'id' must be non-empty text, got {it['id']!r}")
        if it["id"] in item_ids:
            _fail(fname, f"{where}: duplicate item id")
        item_ids.add(it["id"])
        if it["dimension"] not in dim_ids:
            _fail(fname, f"{where}: unknown dimension {it['dimension']!r}; expected one of: {', '.join(dim_ids)}")
        if not isinstance(it["reverse"], bool):
            _fail(fname, f"{where}: 'reverse' must be true or false, got {it['reverse']!r}")
        if not isinstance(it["text"], str) or not it["text"].strip():
            _fail(fname, f"{where}: empty text")
    for d in dim_ids:
        if not any(it["dimension"] == d for it in items):
            _fail(fname, f"dimension {d!r} has no items")
    bands = []
    if not isinstance(spec["bands"], list):
        _fail(fname, f"bands must be a list, got {type(spec['bands']).__name__}")
    for b in spec["bands"]:
        if not isinstance(b, dict) or "id" not in b or "below" not in b:
            _fail(fname, "each band needs 'id' and 'below' (null for the top band)")
        if not isinstance(b["id"], str) or not b["id"]:
            _fail(fname, f"band id must be non-empty text, got {b['id']!r}")
        below = b["below"]
        if below is not None and (isinstance(below, bool) or not isinstance(below, (int, float))
                                  or not 0 <= below <= 100):
            _fail(fname, f"band {b['id']!r}: 'below' must be a score from 0 to 100 (or null), got {below!r}")
        bands.append((b["id"], below))
    if not bands or bands[-1][1] is not None:
        _fail(fname, "the last band must have below: null")
    limits = [b for _, b in bands[:-1]]
    if None in limits or limits != sorted(limits):
        _fail(fname, "band limits must increase")
    return Instrument(
        name=spec["name"],
        title=spec["title"],
        citation=spec["citation"],
        low=scale["min"],
        high=scale["max"],
        dimensions=pd.DataFrame(
            [{"id": d["id"], "group": d.get("group", ""), "label": d["label"],
              "description": d.get("description", "")} for d in dims]
        ),
        items=pd.DataFrame(items, columns=["id", "dimension", "reverse", "text"]),
        bands=tuple(bands),
    )


def load_instrument(path=None) -> Instrument:
    """Load and validate the readiness instrument (or a lecturer's own YAML file).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A YAML file with ``name, title, citation, scale, bands, dimensions, items``
        (see ``sme_teach/measures/data/readiness.yaml``). Default: the shipped one.

    Returns
    -------
    Instrument

    Raises
    ------
    SmeTeachError
        If the file is missing or breaks the schema (the message names the entry).

    Notes
    -----
    The shipped instrument has 3-4 items for each of the CSF model's three phases
    (current position, prospects, strategy) and four competencies (capacity
    building, policy, cluster/strategic networking, innovation) (Bose 2016). The
    items are the course's and have not been validated psychometrically.

    References
    ----------
    Bose, T. K. (2016). Critical success factors of SME internationalization.
    *Journal of Small Business Strategy*, 26(2), 87-109.

    Examples
    --------
    >>> inst = load_instrument()
    >>> inst.dimension_ids[:4]
    ['current', 'prospects', 'capacity_building', 'policy']
    >>> inst.items.groupby("dimension").size().between(3, 4).all()
    np.True_
    """
    p = check_path(path, "instrument file") if path is not None else _DATA
    inst = _load_cached(str(p), p.stat().st_mtime_ns)
    # the parsed file is cached; hand out fresh tables so a caller's edit never reaches the next caller
    return dataclasses.replace(inst, dimensions=inst.dimensions.copy(), items=inst.items.copy())


def _instrument(instrument) -> Instrument:
    if instrument is None:
        return load_instrument()
    if isinstance(instrument, Instrument):
        return instrument
    if isinstance(instrument, (str, Path)):
        return load_instrument(instrument)
    raise SmeTeachError(f"instrument must be an Instrument, a YAML path or None; got {type(instrument).__name__}")


def readiness_band(score, instrument=None):
    """Band of a 0-100 score: "low" (< 40), "developing" (40 to < 70), "strong" (≥ 70).

    The limits come from the instrument's ``bands`` (a course convention, not a
    validated cut-off); pass ``instrument`` to use another file's bands.

    >>> readiness_band(55)
    'developing'
    >>> readiness_band([10, 70]).tolist()
    ['low', 'strong']
    """
    inst = _instrument(instrument)
    s = check_range(score, 0, 100, "score")
    ids = np.array([b for b, _ in inst.bands], dtype=object)
    limits = np.array([lim for _, lim in inst.bands[:-1]], dtype=float)
    out = ids[np.searchsorted(limits, s, side="right")]
    return str(out) if np.ndim(out) == 0 else out


def _as_frame(responses):
    if isinstance(responses, dict):
        return pd.DataFrame([responses]), True
    if isinstance(responses, pd.Series):
        return responses.to_frame().T, True
    if isinstance(responses, pd.DataFrame):
        return responses, False
    raise SmeTeachError(
        "responses must be a DataFrame (rows = respondents, columns = item ids) or a dict for one "
        f"respondent; got {type(responses).__name__}"
    )


def _check_items(frame: pd.DataFrame, inst: Instrument):
    ids = inst.item_ids
    extra = [c for c in frame.columns if c not in set(ids)]
    if extra:
        raise SmeTeachError(
            f"unknown item {extra[0]!r}{suggest(str(extra[0]), ids)} in responses; expected item ids: "
            f"{', '.join(ids)} (move respondent ids to the index)"
        )
    missing = [i for i in ids if i not in frame.columns]
    if missing:
        raise SmeTeachError(f"responses are missing item {missing[0]!r} (missing: {', '.join(missing)}); every item must be answered")


def _bad_answer(frame: pd.DataFrame, ids, values: np.ndarray | None, inst: Instrument):
    """Raise naming the first bad cell (row label and item id)."""
    for j, item in enumerate(ids):
        col = frame[item]
        for r, v in enumerate(col.to_numpy()):
            try:
                x = float(v)
            except (TypeError, ValueError):
                x = np.nan
            if isinstance(v, (bool, np.bool_)) or not np.isfinite(x) or x != round(x) or not inst.low <= x <= inst.high:
                raise SmeTeachError(
                    f"row {_py(frame.index[r])!r}, item {item!r}: answer {_py(v)!r} is not a whole number from "
                    f"{inst.low} to {inst.high}"
                )
    raise SmeTeachError("responses hold an invalid answer")  # pragma: no cover


def readiness_scores(responses, instrument=None):
    """Score the readiness self-assessment: 0-100 per dimension, overall, band, weakest area.

    For each item, a reverse-coded answer ``x`` becomes ``low + high − x``. A
    dimension's score is the mean of its items rescaled to 0-100:
    ``100 × (mean − low) / (high − low)``. ``overall`` is the mean of the dimension
    scores (each dimension weighs the same, whatever its number of items).

    Parameters
    ----------
    responses : pandas.DataFrame or dict
        Rows = respondents, columns = item ids (every item, nothing else); or a dict
        item id → answer for one respondent. Answers are whole numbers on the
        instrument's scale (1-5).
    instrument : Instrument, path or None
        Default: :func:`load_instrument`.

    Returns
    -------
    pandas.DataFrame or pandas.Series
        One row per respondent (a Series for a dict): a column per dimension,
        ``overall``, ``band`` (of the overall score: "low" < 40 ≤ "developing" < 70 ≤
        "strong"), ``weakest`` (the lowest-scoring dimension; the first in
        instrument order on ties) and ``weakest_score``.

    Raises
    ------
    SmeTeachError
        For a missing or unknown item, or an answer that is missing, not a whole
        number or off the scale (the message names the row and the item).

    Notes
    -----
    A self-assessment measures how owners see their firm, not the firm itself.
    Band limits are a course convention (the shipped YAML can change them) and the
    items have not been tested for reliability; use the scores to start a
    conversation, not to rank firms. The dimensions follow the CSF model (Bose
    2016): "they should clearly evaluate the existing benefits and impediments and
    thereby this model will help them to assess their position".

    References
    ----------
    Bose, T. K. (2016). Critical success factors of SME internationalization.
    *Journal of Small Business Strategy*, 26(2), 87-109.
    Likert, R. (1932). A technique for the measurement of attitudes. *Archives of
    Psychology*, 140, 1-55.

    Examples
    --------
    >>> inst = load_instrument()
    >>> answers = {i: 4 for i in inst.item_ids}   # agrees with everything ...
    >>> s = readiness_scores(answers)
    >>> round(float(s["overall"]), 1), s["band"]   # ... so reverse items pull it down
    (61.3, 'developing')
    >>> readiness_scores({**answers, "cap_1": 7})
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: row 0, item 'cap_1': answer 7 is not a whole number from 1 to 5
    """
    inst, frame, single = _prepare(responses, instrument)
    ids = inst.item_ids
    try:
        values = frame[ids].to_numpy(dtype=float)
    except (TypeError, ValueError):
        _bad_answer(frame, ids, None, inst)
    ok = np.isfinite(values) & (values >= inst.low) & (values <= inst.high) & (values == np.round(values))
    # True/False are not answers, in a bool column or mixed into an object column (as the reference says)
    has_bool = any(pd.api.types.is_bool_dtype(frame[i].dtype) or (frame[i].dtype == object and any(
        isinstance(v, (bool, np.bool_)) for v in frame[i].to_numpy())) for i in ids)
    if not ok.all() or has_bool:
        _bad_answer(frame, ids, values, inst)
    reverse = inst.items["reverse"].to_numpy(dtype=bool)
    coded = np.where(reverse, inst.low + inst.high - values, values)
    dim_ids = inst.dimension_ids
    item_dim = inst.items["dimension"].to_numpy()
    # item → dimension indicator matrix: sums of whole numbers are exact, and dividing
    # by the count afterwards repeats the reference's arithmetic (so ties break alike)
    indicator = np.zeros((len(ids), len(dim_ids)))
    for d, dim in enumerate(dim_ids):
        indicator[item_dim == dim, d] = 1.0
    means = (coded @ indicator) / indicator.sum(axis=0)
    scores = 100.0 * (means - inst.low) / (inst.high - inst.low)
    overall = np.zeros(len(frame))
    for d in range(len(dim_ids)):  # left-to-right, like the reference's sum()
        overall = overall + scores[:, d]
    overall = overall / len(dim_ids)
    weakest = np.argmin(scores, axis=1)
    out = pd.DataFrame(scores, index=frame.index, columns=dim_ids)
    out["overall"] = overall
    out["band"] = readiness_band(np.clip(overall, 0, 100), inst) if len(out) else []
    out["weakest"] = np.array(dim_ids, dtype=object)[weakest] if len(out) else []
    out["weakest_score"] = scores[np.arange(len(out)), weakest] if len(out) else []
    if single:
        return out.iloc[0]
    return out


def _prepare(responses, instrument):
    """The instrument, the responses as a frame (and whether one respondent was given), checked."""
    inst = _instrument(instrument)
    frame, single = _as_frame(responses)
    if frame.columns.has_duplicates:
        dup = frame.columns[frame.columns.duplicated()][0]
        raise SmeTeachError(f"responses have item {dup!r} more than once; expected one column per item")
    _check_items(frame, inst)
    return inst, frame, single


def readiness_scores_reference(responses, instrument=None):
    """Readable per-respondent loop computing the same table as :func:`readiness_scores`.

    Kept for teaching and for testing the fast version against it; it validates
    each answer as it goes.

    >>> inst = load_instrument()
    >>> answers = {i: 4 for i in inst.item_ids}
    >>> round(float(readiness_scores_reference(answers)["overall"]), 1)
    61.3
    """
    inst, frame, single = _prepare(responses, instrument)
    reverse = dict(zip(inst.items["id"], inst.items["reverse"]))
    items_of = {d: inst.items.loc[inst.items["dimension"] == d, "id"].tolist() for d in inst.dimension_ids}
    rows = []
    for label, answers in frame.iterrows():
        row = {}
        for dim, items in items_of.items():
            total = 0.0
            for item in items:
                x = answers[item]
                if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)) \
                        or not np.isfinite(x) or x != int(x) or not inst.low <= x <= inst.high:
                    raise SmeTeachError(
                        f"row {_py(label)!r}, item {item!r}: answer {_py(x)!r} is not a whole number from "
                        f"{inst.low} to {inst.high}"
                    )
                total += (inst.low + inst.high - x) if reverse[item] else x
            mean = total / len(items)
            row[dim] = 100.0 * (mean - inst.low) / (inst.high - inst.low)
        row["overall"] = sum(row[d] for d in items_of) / len(items_of)
        row["band"] = readiness_band(min(max(row["overall"], 0), 100), inst)
        weakest = min(items_of, key=lambda d: row[d])  # first on ties
        row["weakest"] = weakest
        row["weakest_score"] = row[weakest]
        rows.append(row)
    out = pd.DataFrame(rows, index=frame.index, columns=[*items_of, "overall", "band", "weakest", "weakest_score"])
    if single:
        return out.iloc[0]
    return out
