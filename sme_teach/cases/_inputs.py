"""What every use case for owners shares: the answer scale, friendly input errors, next steps."""

from __future__ import annotations

import copy
import functools
from pathlib import Path

from .._errors import SmeTeachError

__all__ = [
    "WorkshopInputError",
    "ANSWER_LABELS",
    "BAND_WORDS",
    "load_recommendations",
    "steps_with_citation",
    "id_list",
    "clean_name",
]

#: The answer scale shown to owners (1-5), for the readiness items and the alliance moderators.
ANSWER_LABELS = {1: "Not at all", 2: "A little", 3: "Partly", 4: "Mostly", 5: "Fully"}

#: The readiness bands in plain words.
BAND_WORDS = {
    "low": "Early days - a good time to prepare",
    "developing": "On the way - some areas need work",
    "strong": "Well prepared",
}

_DATA = Path(__file__).with_name("data") / "recommendations.yaml"


class WorkshopInputError(SmeTeachError):
    """A participant's answer the app cannot use; the message is written for the participant."""



def load_recommendations() -> dict:
    """The next steps of the apps, each with the seed sentence it comes from.

    Returns a dict with ``sources`` (id → citation), ``readiness`` (dimension id →
    list of steps) and ``alliance``, ``destination``, ``spillover`` (lists of steps);
    a step is a dict ``step, quote, source``.

    >>> recs = load_recommendations()
    >>> sorted(recs["readiness"])[:2]
    ['capacity_building', 'cluster_networking']
    >>> recs["readiness"]["current"][0]["source"]
    'bose2016'
    """
    data = _parsed(str(_DATA), _DATA.stat().st_mtime_ns)
    for key in ("sources", "readiness", "alliance", "destination", "spillover"):
        if key not in data:
            raise SmeTeachError(f"{_DATA.name}: missing top-level key {key!r}")
    return copy.deepcopy(data)  # the parsed file is cached; callers get their own copy


@functools.lru_cache(maxsize=4)
def _parsed(path: str, mtime_ns: int):
    """The parsed recommendations file (the loader's one cache, keyed by path and modification time)."""
    from .._validate import read_yaml

    return read_yaml(path, Path(path).name)


def steps_with_citation(steps) -> list[dict]:
    recs = load_recommendations()
    sources, short = recs["sources"], recs.get("short", {})
    return [{**s, "citation": sources.get(s["source"], s["source"]), "short": short.get(s["source"], s["source"])}
            for s in steps]


def id_list(values, what: str, *, single_ok: bool = False) -> list:
    """A list of ids from a list/tuple/set (unhashable entries dropped); raise for other types."""
    if single_ok and (isinstance(values, (str, bytes)) or not hasattr(values, "__iter__")):
        values = [values]
    if values is None:
        return []
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise SmeTeachError(f"{what} must be a list of ids, got {type(values).__name__} {values!r}")
    out = []
    for v in values:
        try:
            hash(v)
        except TypeError:
            continue
        out.append(v)
    return out


def clean_name(text) -> str:
    """A participant's free-text name, stripped (empty while the form is being filled)."""
    text = "" if text is None else str(text).strip()
    return text
