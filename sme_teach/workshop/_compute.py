"""Pure functions behind the workshop apps: owner answers in, plain results out.

No ipywidgets or matplotlib here: each function turns what a participant chose into the
numbers and sentences an app shows, by calling :mod:`sme_teach.measures`. They are tested
without a browser (``tests/test_workshop.py``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .._errors import SmeTeachError
from .._validate import check_bool, check_int, check_mapping

__all__ = [
    "WorkshopInputError",
    "ANSWER_LABELS",
    "BAND_WORDS",
    "DESTINATION_FACTOR_LABELS",
    "load_recommendations",
    "ReadinessResult",
    "compute_readiness",
    "AllianceResult",
    "compute_alliance",
    "DestinationResult",
    "compute_destinations",
    "SpilloverResult",
    "compute_spillover",
    "compute_best_starts",
    "country_choices",
    "firm_choices",
]

#: The answer scale shown to owners (1-5), for the readiness items and the alliance moderators.
ANSWER_LABELS = {1: "Not at all", 2: "A little", 3: "Partly", 4: "Mostly", 5: "Fully"}

#: The readiness bands in plain words.
BAND_WORDS = {
    "low": "Early days - a good time to prepare",
    "developing": "On the way - some areas need work",
    "strong": "Well prepared",
}

#: Owner-language names of the destination factors of :func:`sme_teach.measures.rank_destinations`.
DESTINATION_FACTOR_LABELS = {
    "cultural": "No shared language",
    "administrative": "Different money (currency)",
    "geographic": "Far away, no shared border",
    "economic": "Very different market size",
    "psychic": "Different ways of doing business (culture scores)",
    "small_market": "Small market (few people)",
}

_DATA = Path(__file__).with_name("data") / "recommendations.yaml"


class WorkshopInputError(SmeTeachError):
    """A participant's answer the app cannot use; the message is written for the participant."""


@functools.lru_cache(maxsize=1)
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
    import yaml

    with open(_DATA, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    for key in ("sources", "readiness", "alliance", "destination", "spillover"):
        if key not in data:
            raise SmeTeachError(f"{_DATA.name}: missing top-level key {key!r}")
    return data


def _steps_with_citation(steps) -> list[dict]:
    recs = load_recommendations()
    sources, short = recs["sources"], recs.get("short", {})
    return [{**s, "citation": sources.get(s["source"], s["source"]), "short": short.get(s["source"], s["source"])}
            for s in steps]


def _id_list(values, what: str, *, single_ok: bool = False) -> list:
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


def _name(text, what: str) -> str:
    text = "" if text is None else str(text).strip()
    return text


# --------------------------------------------------------------------------- readiness


@dataclass
class ReadinessResult:
    """What the readiness diagnostic shows."""

    firm: str
    owner: str
    answers: dict
    scores: pd.Series  # dimension id -> 0-100, in instrument order
    labels: dict  # dimension id -> label
    groups: dict  # dimension id -> "phase" | "competency"
    overall: float
    band: str
    strongest: list
    weakest: list
    recommendations: list = field(default_factory=list)

    @property
    def band_words(self) -> str:
        return BAND_WORDS.get(self.band, self.band)

    def row(self) -> dict:
        """A flat row for the answers CSV: firm, owner, every answer and every score."""
        out = {"firm": self.firm, "owner": self.owner}
        out.update({k: int(v) for k, v in self.answers.items()})
        out.update({f"score_{k}": round(float(v), 1) for k, v in self.scores.items()})
        out.update({"overall": round(self.overall, 1), "band": self.band,
                    "weakest": self.weakest[0], "strongest": self.strongest[0]})
        return out


def compute_readiness(answers: dict, firm: str = "", owner: str = "", instrument=None) -> ReadinessResult:
    """Score one owner's readiness answers and pick the next steps.

    Parameters
    ----------
    answers : dict
        Item id → answer 1-5 (``None`` for an unanswered question).
    firm, owner : str
        Names for the report (may be empty while the form is being filled).
    instrument : optional
        As for :func:`sme_teach.measures.readiness_scores`.

    Returns
    -------
    ReadinessResult
        Scores per CSF phase and competency (0-100), the overall score and band,
        the two strongest and the two weakest areas, and next steps for the weakest
        areas drawn from ``data/recommendations.yaml`` (each citing the seed sentence).

    Raises
    ------
    WorkshopInputError
        If questions are unanswered (the message says how many and which area).

    Examples
    --------
    >>> from sme_teach import measures
    >>> inst = measures.load_instrument()
    >>> answers = {i: 3 for i in inst.item_ids}
    >>> answers.update({"net_1": 1, "net_2": 1, "net_3": 1, "net_4": 5})
    >>> r = compute_readiness(answers, "Rupsha Jute Works", "Mrs Akter")
    >>> r.weakest[0], round(r.scores["cluster_networking"])
    ('cluster_networking', 0)
    >>> r.recommendations[0]["dimension"]
    'cluster_networking'
    """
    from .. import measures

    answers = check_mapping(answers, "answers", "a dict item id -> answer 1-5")
    if instrument is None or not isinstance(instrument, measures.Instrument):
        inst = measures.load_instrument(instrument)
    else:
        inst = instrument
    dims = inst.dimensions.set_index("id")
    missing = [i for i in inst.item_ids if answers.get(i) is None]
    if missing:
        first_dim = inst.items.set_index("id").loc[missing[0], "dimension"]
        n = len(missing)
        raise WorkshopInputError(
            f"{n} question{'s' if n > 1 else ''} still need{'s' if n == 1 else ''} an answer "
            f"(the first is in '{dims.loc[first_dim, 'label']}'). Your scores appear when every question is answered."
        )
    clean = {i: answers[i] for i in inst.item_ids}
    s = measures.readiness_scores(clean, inst)
    scores = s[inst.dimension_ids].astype(float)
    order = scores.sort_values(kind="stable")
    weakest = list(order.index[:2])
    strongest = [d for d in scores.sort_values(ascending=False, kind="stable").index if d not in weakest][:2]
    recs = []
    table = load_recommendations()["readiness"]
    for dim in weakest:
        for st in _steps_with_citation(table.get(dim, [])):
            recs.append({"dimension": dim, "area": dims.loc[dim, "label"], **st})
    return ReadinessResult(
        firm=_name(firm, "firm"), owner=_name(owner, "owner"), answers=clean, scores=scores,
        labels=dims["label"].to_dict(), groups=dims["group"].to_dict(),
        overall=float(s["overall"]), band=str(s["band"]), strongest=strongest, weakest=weakest,
        recommendations=recs,
    )


# --------------------------------------------------------------------------- alliances


@functools.lru_cache(maxsize=1)
def _alliance_model():
    from .. import frameworks

    return frameworks.load("alliance_fsa")


def alliance_nodes(layer: str) -> pd.DataFrame:
    """Nodes of one layer of the Alliance-FSA model: ``id, label, definition, quote``."""
    G = _alliance_model()
    rows = [{"id": n, "label": d.get("label", n), "definition": d.get("definition", ""), "quote": d.get("quote", "")}
            for n, d in sorted(G.nodes(data=True), key=lambda nd: nd[1].get("order", 0)) if d.get("layer") == layer]
    return pd.DataFrame(rows, columns=["id", "label", "definition", "quote"])


@dataclass
class AllianceResult:
    """What the alliance planner shows."""

    firm: str
    owner: str
    chosen: list
    moderator_answers: dict  # moderator id -> 1-5
    rule: str
    fsa: pd.Series  # 0-1
    competency: pd.Series  # 0-1
    labels: dict
    top_fsas: list
    top_competencies: list
    weak_moderators: list  # dicts id, label, answer, quote
    missing: list  # dicts competency, label, alliances (labels that would build it)
    recommendations: list = field(default_factory=list)

    def row(self) -> dict:
        out = {"firm": self.firm, "owner": self.owner, "alliances": "; ".join(self.chosen),
               "weakest_link_rule": self.rule == "min"}
        out.update({k: int(v) for k, v in self.moderator_answers.items()})
        out.update({f"competency_{k}": round(100 * float(v), 1) for k, v in self.competency.items()})
        return out


def compute_alliance(chosen, moderator_answers: dict, firm: str = "", owner: str = "",
                     weakest_link: bool = False) -> AllianceResult:
    """What a group of local firms would build with the chosen alliances, and what holds it back.

    Parameters
    ----------
    chosen : list of str
        Alliance ids of the Alliance-FSA model (e.g. ``"joint_marketing"``), each
        practised fully (strength 1).
    moderator_answers : dict
        Moderator id → 1-5 ("Not at all" … "Fully"); missing moderators count as 3.
        Answers become levels ``(answer − 1) / 4`` for :func:`sme_teach.measures.propagate`.
    weakest_link : bool
        Use the "min" rule (the weakest moderator limits everything) instead of the mean.

    Returns
    -------
    AllianceResult
        FSA and competency scores (0-1), the five strongest FSAs and competencies,
        the three lowest-rated moderators (with the paper's sentence) and the
        competencies no chosen alliance builds, with the alliances that would.

    Examples
    --------
    >>> r = compute_alliance(["information_sharing"], {"trust_and_confidence": 1})
    >>> r.weak_moderators[0]["id"]
    'trust_and_confidence'
    >>> "knowledge" in r.top_fsas
    True
    >>> compute_alliance([], {})
    Traceback (most recent call last):
    ...
    sme_teach.workshop._compute.WorkshopInputError: Pick at least one way of working together (tick a box above).
    """
    from .. import measures

    alliances = alliance_nodes("alliance")
    valid = alliances["id"].tolist()
    chosen_ids = set(_id_list(chosen, "chosen"))
    moderator_answers = check_mapping(moderator_answers, "moderator_answers", "a dict moderator id -> answer 1-5")
    chosen = [c for c in valid if c in chosen_ids]
    if not chosen:
        raise WorkshopInputError("Pick at least one way of working together (tick a box above).")
    m1 = alliance_nodes("moderator_1")
    m2 = alliance_nodes("moderator_2")
    mods = pd.concat([m1.assign(cycle=1), m2.assign(cycle=2)], ignore_index=True)
    answers = {}
    for mid in mods["id"]:
        v = moderator_answers.get(mid, 3)
        v = 3 if v is None else v
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v not in ANSWER_LABELS:
            raise WorkshopInputError(f"Please rate '{mods.set_index('id').loc[mid, 'label']}' from 1 to 5.")
        answers[mid] = int(v)
    level = {k: (v - 1) / 4 for k, v in answers.items()}
    rule = "min" if check_bool(weakest_link, "weakest_link") else "mean"
    res = measures.propagate(
        {a: 1.0 for a in chosen},
        {k: level[k] for k in m1["id"]},
        {k: level[k] for k in m2["id"]},
        moderation=rule,
    )
    fsa, comp = res.fsa.astype(float), res.competency.astype(float)
    G = _alliance_model()
    labels = {n: d.get("label", n) for n, d in G.nodes(data=True)}
    top_fsas = [f for f in fsa.sort_values(ascending=False, kind="stable").index if fsa[f] > 0][:5]
    top_comp = [c for c in comp.sort_values(ascending=False, kind="stable").index if comp[c] > 0][:5]
    mods_idx = mods.set_index("id")
    weak = sorted(answers, key=lambda k: (answers[k], list(answers).index(k)))[:3]
    weak_moderators = [{"id": k, "label": mods_idx.loc[k, "label"], "answer": answers[k],
                        "definition": mods_idx.loc[k, "definition"], "quote": mods_idx.loc[k, "quote"]}
                       for k in weak if answers[k] <= 3]
    # competencies nothing chosen builds → which alliances would (alliance → FSA → competency paths)
    missing = []
    for c in comp.index:
        if comp[c] > 0:
            continue
        builders = []
        for f in G.predecessors(c):
            if G.nodes[f].get("layer") != "fsa":
                continue
            for a in G.predecessors(f):
                if G.nodes[a].get("layer") == "alliance" and G.edges[a, f].get("kind", "builds") == "builds" \
                        and a not in builders:
                    builders.append(a)
        missing.append({"competency": c, "label": labels[c],
                        "alliances": [labels[a] for a in builders if a not in chosen][:3]})
    recs = _steps_with_citation(load_recommendations()["alliance"])
    return AllianceResult(
        firm=_name(firm, "firm"), owner=_name(owner, "owner"), chosen=chosen, moderator_answers=answers, rule=rule,
        fsa=fsa, competency=comp, labels=labels, top_fsas=top_fsas, top_competencies=top_comp,
        weak_moderators=weak_moderators, missing=missing, recommendations=recs,
    )


# --------------------------------------------------------------------------- destinations


@functools.lru_cache(maxsize=1)
def _countries():
    from .. import datasets

    return datasets.load_countries()


@functools.lru_cache(maxsize=1)
def _hofstede():
    from .. import datasets

    return datasets.load_hofstede()


def country_choices() -> list[tuple[str, str]]:
    """(name, ISO3) pairs of every country in the course's table, sorted by name."""
    c = _countries()
    return sorted(zip(c["name"].astype(str), c["iso3"].astype(str)))


@dataclass
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


def compute_destinations(home: str, candidates, weights: dict, firm: str = "", owner: str = "") -> DestinationResult:
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
    >>> r = compute_destinations("BGD", ["IND", "GBR", "MYS"], {"geographic": 1, "economic": 1})
    >>> r.best
    'India'
    >>> compute_destinations("BGD", ["IND"], {"geographic": 0})
    Traceback (most recent call last):
    ...
    sme_teach.workshop._compute.WorkshopInputError: Move at least one slider above 0, so the explorer knows what matters to you.
    """
    from .. import measures

    countries = _countries()
    iso = set(countries["iso3"])
    if not isinstance(home, str) or home not in iso:
        raise WorkshopInputError("Please choose your home country from the list.")
    cands = [c for c in dict.fromkeys(_id_list(candidates, "candidates")) if c in iso]
    weights = check_mapping(weights, "weights", "a dict factor -> weight 0-5") if weights is not None else {}
    notes = []
    if home in cands:
        cands.remove(home)
        notes.append("Your home country was taken out of the list of markets.")
    if not cands:
        raise WorkshopInputError("Choose at least one market to compare (hold Ctrl to pick several).")
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
    hof = _hofstede()
    table = measures.rank_destinations(home, cands, used, countries=countries,
                                       hofstede=hof if "psychic" in used else None)
    facts = measures.cage_distance(home, cands, countries)
    table = table.join(facts[["common_language", "common_currency", "contiguous", "distance_km"]])
    if "psychic" in used:
        lacking = table.loc[table["total"].isna(), "name"].tolist()
        if lacking:
            notes.append(f"No culture scores for {', '.join(lacking)}: "
                         f"{'it is' if len(lacking) == 1 else 'they are'} put last while 'ways of doing business' counts.")
        if home not in set(hof.dropna(subset=["PDI", "IDV", "MAS", "UAI"])["iso3"]):
            notes.append("Your home country has no culture scores, so 'ways of doing business' cannot be compared.")
    home_name = str(countries.set_index("iso3").loc[home, "name"])
    return DestinationResult(firm=_name(firm, "firm"), owner=_name(owner, "owner"), home=home, home_name=home_name,
                             weights=clean, table=table, notes=notes,
                             recommendations=_steps_with_citation(load_recommendations()["destination"]))


# --------------------------------------------------------------------------- spillover


@functools.lru_cache(maxsize=1)
def _network():
    from .. import datasets

    return datasets.load_alliance_network()


def firm_choices() -> list[tuple[str, str]]:
    """(label, node id) pairs of the alliance network's firms, e.g. ``("Atra Karupalli (KS01)", "KS01")``."""
    G = _network()
    return [(f"{d.get('firm_name', n)} ({n})", n) for n, d in G.nodes(data=True)]


@dataclass
class SpilloverResult:
    """What the spillover game shows."""

    firm: str
    owner: str
    starts: list
    chance: object  # float per tie, or "strength"
    probability: pd.Series  # node -> probability of hearing
    rounds: dict  # node -> number of ties from the nearest start (None if unreachable)
    expected: float
    names: dict
    recommendations: list = field(default_factory=list)

    @property
    def n_firms(self) -> int:
        return len(self.probability)

    def row(self) -> dict:
        return {"firm": self.firm, "owner": self.owner, "starts": "; ".join(self.starts),
                "chance": self.chance, "expected_reached": round(self.expected, 1), "of_firms": self.n_firms}


def compute_spillover(starts, chance=0.2, firm: str = "", owner: str = "", runs: int = 500, seed: int = 7,
                      G=None) -> SpilloverResult:
    """Where news entering at ``starts`` spreads in the local alliance network.

    Parameters
    ----------
    starts : list of node ids
        Firms that know the news at the start.
    chance : float or "strength"
        Chance (0-1) that a firm passes the news to each partner, or ``"strength"``
        to use each tie's strength in the network data.
    runs, seed :
        Passed to :func:`sme_teach.measures.independent_cascade` (fixed seed: the
        same choice gives the same map in the room).
    G : networkx.Graph, optional
        Default :func:`sme_teach.datasets.load_alliance_network`.

    Returns
    -------
    SpilloverResult
        Probability of hearing per firm, the expected number of firms reached and,
        per firm, the number of ties ("rounds") from the nearest start.

    Examples
    --------
    >>> import networkx as nx
    >>> r = compute_spillover([0], 1.0, G=nx.path_graph(4), runs=10)
    >>> r.expected, r.rounds[3]
    (4.0, 3)
    """
    import networkx as nx

    from .. import measures

    G = _network() if G is None else _graph(G)
    starts = [s for s in dict.fromkeys(_id_list(starts, "starts", single_ok=True)) if s in G]
    if not starts:
        raise WorkshopInputError("Choose at least one firm where the news starts.")
    if chance != "strength":
        try:
            chance = float(chance)
        except (TypeError, ValueError):
            raise WorkshopInputError("Set the chance of passing news on between 0 and 1.") from None
        if not 0 <= chance <= 1:
            raise WorkshopInputError("Set the chance of passing news on between 0 and 1.")
    prob = measures.independent_cascade(G, starts, chance, runs=runs, seed=seed)
    hops = nx.multi_source_dijkstra_path_length(G, starts, weight=None) if not G.is_directed() else \
        {n: min((nx.shortest_path_length(G, s, n) for s in starts if nx.has_path(G, s, n)), default=None) for n in G}
    rounds = {n: hops.get(n) for n in G}
    names = {n: d.get("firm_name", str(n)) for n, d in G.nodes(data=True)}
    return SpilloverResult(firm=_name(firm, "firm"), owner=_name(owner, "owner"), starts=starts, chance=chance,
                           probability=prob, rounds=rounds, expected=float(prob.sum()), names=names,
                           recommendations=_steps_with_citation(load_recommendations()["spillover"]))


def _graph(G):
    from ..measures._network import _check_graph

    return _check_graph(G)


def compute_best_starts(chance=0.2, k: int = 3, runs: int = 200, seed: int = 7, G=None) -> pd.Series:
    """The ``k`` single start firms that reach the most firms on average (expected number reached).

    >>> import networkx as nx
    >>> compute_best_starts(1.0, k=1, G=nx.star_graph(3), runs=5).to_dict()
    {0: 4.0}
    """
    from .. import measures

    k = check_int(k, "k", 1)
    G = _network() if G is None else _graph(G)
    reach = {n: float(measures.independent_cascade(G, [n], chance, runs=runs, seed=seed).sum()) for n in G}
    return pd.Series(reach, name="expected_reached").sort_values(ascending=False, kind="stable").head(k)
