"""Use cases of destination choice: the lesson's ranking, the owners' explorer, a2's shortlist.

Every function loads the countries and Hofstede tables through the loaders (copies) and
passes them to :mod:`sme_teach.measures`, which never loads data itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import datasets, measures
from .._errors import SmeTeachError
from .._validate import check_mapping
from ._inputs import WorkshopInputError, clean_name, id_list, load_recommendations, steps_with_citation

__all__ = [
    "DEFAULT_CANDIDATES",
    "DESTINATION_FACTOR_LABELS",
    "CULTURE_DIMENSIONS",
    "home_options",
    "country_choices",
    "cage_table",
    "destination_ranking",
    "DestinationResult",
    "destination_comparison",
    "destination_pool",
    "ClientBrief",
    "client_brief",
]

#: Destinations a Khulna exporter would first look at: the buyers of shrimp and frozen fish
#: (EU, USA, Japan), jute goods (India, China, Turkey) and leather (Italy, Japan), and
#: nearby Asian markets. All have Hofstede's four original scores.
DEFAULT_CANDIDATES = ("IND", "CHN", "JPN", "USA", "GBR", "DEU", "NLD", "BEL", "ITA", "TUR", "MYS", "THA")
#: Hofstede's four original dimensions (Kogut & Singh's index uses them).
CULTURE_DIMENSIONS = ("PDI", "IDV", "MAS", "UAI")

#: Owner-language names of the destination factors of :func:`sme_teach.measures.rank_destinations`.
DESTINATION_FACTOR_LABELS = {
    "cultural": "No shared language",
    "administrative": "Different money (currency)",
    "geographic": "Far away, no shared border",
    "economic": "Very different incomes (what customers can pay)",
    "psychic": "Different ways of doing business (culture scores)",
    "small_market": "Small market (few people)",
}


def _countries():
    # only the columns the distance measures read (all rows: scores are normalised over the table)
    return datasets.load_countries()[["iso2", "iso3", "name", "population", "capital_lat", "capital_lon",
                                      "languages", "spoken_languages", "neighbours", "currency",
                                      "income_per_person"]]


def _hofstede():
    return datasets.load_hofstede()[["iso3", "country", "PDI", "IDV", "MAS", "UAI", "LTO", "IVR"]]


def home_options() -> list:
    """``(name, iso3)`` pairs of countries with Hofstede's four original scores (possible home countries)."""
    h = _hofstede().dropna(subset=list(CULTURE_DIMENSIONS))
    c = _countries().set_index("iso3")
    codes = [i for i in h["iso3"] if i in c.index]
    return sorted(((str(c.at[i, "name"]), i) for i in codes), key=lambda p: p[0])


def country_choices() -> list[tuple[str, str]]:
    """(name, ISO3) pairs of every country in the course's table, sorted by name."""
    c = datasets.load_countries()
    return sorted(zip(c["name"].astype(str), c["iso3"].astype(str)))


def cage_table(home, hosts=None, weights=None):
    """:func:`sme_teach.measures.cage_distance` on the shipped countries table (loaded for you).

    >>> cage_table("BGD", ["IND", "GBR"])["total"].idxmin()
    'IND'
    """
    return measures.cage_distance(home, hosts, datasets.load_countries(), weights)


def destination_ranking(home="BGD", candidates=None, weights=None):
    """Rank candidate destinations from a home country (wraps :func:`sme_teach.measures.rank_destinations`).

    Parameters
    ----------
    home : str
        ISO3 code of the home country (default Bangladesh).
    candidates : list of str, optional
        ISO3 codes; default :data:`DEFAULT_CANDIDATES` without the home country (and with
        Bangladesh added when home is elsewhere).
    weights : dict, optional
        Factor → weight among ``measures.DESTINATION_FACTORS``; default 1 each.

    Returns
    -------
    pandas.DataFrame
        The ranking table: ``name``, ``score_<f>``, ``contribution_<f>``, ``total``, ``rank``.
    """
    if candidates is None:
        candidates = [c for c in DEFAULT_CANDIDATES if c != home]
        if home != "BGD":
            candidates.append("BGD")
    if weights is None:
        weights = {f: 1.0 for f in measures.DESTINATION_FACTORS}
    weights = check_mapping(weights, "weights", "a dict factor -> weight")
    if isinstance(candidates, str):
        candidates = [candidates]
    if not hasattr(candidates, "__iter__") or isinstance(candidates, (bytes, dict)):
        raise SmeTeachError(f"candidates must be a list of ISO3 codes, got {candidates!r}")
    psychic = weights.get("psychic", 0)
    hof = _hofstede() if psychic is not None and not isinstance(psychic, (str, bytes)) else None
    return measures.rank_destinations(home, list(candidates), weights, countries=_countries(), hofstede=hof)


@dataclass(frozen=True)
class DestinationResult:
    """What the destination explorer shows."""

    firm: str
    owner: str
    home: str
    home_name: str
    weights: dict
    table: pd.DataFrame  # one row per candidate, by rank: name, rank, total, score_*, contribution_*, facts
    notes: list
    recommendations: list = field(default_factory=list)

    @property
    def best(self) -> str:
        return str(self.table["name"].iloc[0])

    def row(self) -> dict:
        out = {"firm": self.firm, "owner": self.owner, "home": self.home,
               "candidates": "; ".join(self.table.index)}
        out.update({f"weight_{k}": v for k, v in self.weights.items()})
        out.update({"ranking": "; ".join(f"{r}. {n}" for r, n in zip(self.table["rank"], self.table["name"]))})
        return out


def destination_comparison(home: str, candidates, weights: dict, firm: str = "", owner: str = "") -> DestinationResult:
    """Rank candidate markets by weighted CAGE and cultural distance (lower total = closer, easier).

    Parameters
    ----------
    home : str
        ISO3 code of the home country (the apps default to ``"BGD"``).
    candidates : list of str
        ISO3 codes; the home country is dropped from the list with a note.
    weights : dict
        Factor → weight 0-5 (factors of :data:`DESTINATION_FACTOR_LABELS`).

    Returns
    -------
    DestinationResult
        The table of :func:`sme_teach.measures.rank_destinations` plus the facts of
        :func:`sme_teach.measures.cage_distance` (shared language, currency, border,
        km between capitals) and plain notes.

    Examples
    --------
    >>> r = destination_comparison("BGD", ["IND", "GBR", "MYS"], {"geographic": 1, "economic": 1})
    >>> r.best
    'India'
    >>> destination_comparison("BGD", ["IND"], {"geographic": 0})
    Traceback (most recent call last):
    ...
    sme_teach.cases._inputs.WorkshopInputError: Move at least one slider above 0, so the explorer knows what matters to you.
    """
    countries = datasets.load_countries()
    iso = set(countries["iso3"])
    if not isinstance(home, str) or home not in iso:
        raise WorkshopInputError("Please choose your home country from the list.")
    cands = [c for c in dict.fromkeys(id_list(candidates, "candidates")) if c in iso]
    weights = check_mapping(weights, "weights", "a dict factor -> weight 0-5") if weights is not None else {}
    notes = []
    if home in cands:
        cands.remove(home)
        notes.append("Your home country was taken out of the list of markets.")
    if not cands:
        raise WorkshopInputError("Choose at least one market to compare: type its name under 'Find a market' "
                                 "and tick it.")
    clean = {}
    for k, v in (weights or {}).items():
        if k not in DESTINATION_FACTOR_LABELS:
            continue
        try:
            v = float(v)
        except (TypeError, ValueError):
            v = 0.0
        clean[k] = max(v, 0.0)
    if sum(clean.values()) <= 0:
        raise WorkshopInputError("Move at least one slider above 0, so the explorer knows what matters to you.")
    used = {k: v for k, v in clean.items() if v > 0}
    hof = datasets.load_hofstede()
    table = measures.rank_destinations(home, cands, used, countries=countries,
                                       hofstede=hof if "psychic" in used else None)
    # a market without a total has no parts either: nothing to draw or add up for it
    parts = [c for c in table.columns if c.startswith("contribution_")]
    table.loc[table["total"].isna(), parts] = float("nan")
    facts = measures.cage_distance(home, cands, countries)
    table = table.join(facts[["common_language", "common_currency", "contiguous", "distance_km"]])
    if "economic" in used:
        no_income = table.loc[table["score_economic"].isna(), "name"].tolist()
        if no_income:
            notes.append(f"No income figures for {', '.join(no_income)}: "
                         f"{'it is' if len(no_income) == 1 else 'they are'} put last while 'very different incomes' counts.")
    if "psychic" in used:
        lacking = table.loc[table["score_psychic"].isna(), "name"].tolist()
        if lacking:
            notes.append(f"No culture scores for {', '.join(lacking)}: "
                         f"{'it is' if len(lacking) == 1 else 'they are'} put last while 'ways of doing business' counts.")
        if home not in set(hof.dropna(subset=["PDI", "IDV", "MAS", "UAI"])["iso3"]):
            notes.append("Your home country has no culture scores, so 'ways of doing business' cannot be compared.")
    home_name = str(countries.set_index("iso3").loc[home, "name"])
    return DestinationResult(firm=clean_name(firm), owner=clean_name(owner), home=home, home_name=home_name,
                             weights=clean, table=table, notes=notes,
                             recommendations=steps_with_citation(load_recommendations()["destination"]))


def destination_pool(countries=None, hofstede=None, home: str = "BGD") -> list[str]:
    """Countries a destination exercise can use: all four Hofstede scores, capital coordinates and income, not home.

    Sorted ISO3 codes; default tables are the shipped ones.

    >>> pool = destination_pool()
    >>> "IND" in pool and "BGD" not in pool
    True
    """
    from .._validate import check_columns

    if not isinstance(home, str):
        raise SmeTeachError(f"home must be an ISO3 country code such as 'BGD', got {home!r}")
    countries = datasets.load_countries() if countries is None else check_columns(
        countries, ["iso3", "capital_lat"], "countries")
    hofstede = datasets.load_hofstede() if hofstede is None else check_columns(
        hofstede, ["iso3", *CULTURE_DIMENSIONS], "hofstede")
    scored = set(hofstede.dropna(subset=list(CULTURE_DIMENSIONS))["iso3"])
    located = set(countries.dropna(subset=["capital_lat"])["iso3"])
    if "income_per_person" in countries.columns:  # every CAGE fact present, economic distance included
        located &= set(countries.dropna(subset=["income_per_person"])["iso3"])
    return sorted((scored & located) - {home})


@dataclass(frozen=True)
class ClientBrief:
    """Assignment a2's per-student brief: a shortlist of 8 markets and the client's factor weights."""

    candidates: tuple
    weights: dict = field(hash=False)


def client_brief(seed, countries=None, hofstede=None) -> ClientBrief:
    """The shortlist and client weights of assignment a2 for one student's ``seed``.

    ``seed`` is ``grading.student_seed(salt="a2_destinations")``. From
    ``numpy.random.default_rng(seed)``: 8 candidates without replacement from
    :func:`destination_pool` (sorted), then a weight 0-3 for each factor of
    :data:`sme_teach.measures.DESTINATION_FACTORS`; culture (``psychic``) weighs at least 1.

    >>> brief = client_brief(7)
    >>> len(brief.candidates), brief.weights["psychic"] >= 1
    (8, True)
    """
    import numpy as np

    from .._validate import check_rng_seed

    rng = np.random.default_rng(check_rng_seed(seed))
    pool = destination_pool(countries, hofstede)
    if len(pool) < 8:
        raise SmeTeachError(f"the tables leave {len(pool)} possible markets; a brief needs at least 8")
    candidates = sorted(rng.choice(pool, size=8, replace=False).tolist())
    weights = dict(zip(["cultural", "administrative", "geographic", "economic", "psychic", "small_market"],
                       rng.integers(0, 4, size=6).tolist()))
    weights["psychic"] = max(weights["psychic"], 1)  # every client cares about culture somewhat
    return ClientBrief(tuple(candidates), weights)
