"""Use cases of the Alliance-FSA model (lessons 7 and 9, the alliance planner, assignment a3).

A Khulna firm's inputs come from :func:`sme_teach.datasets.khulna_model_inputs` (the one
split of the table into alliances / cycle-1 / cycle-2 moderators); scores come from
:func:`sme_teach.measures.propagate`. Nothing is cached here: the loaders cache the parsed
files and hand out copies, so a caller who edits a returned table changes no later result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import datasets, frameworks, measures
from .._errors import SmeTeachError
from .._validate import check_bool, check_mapping
from ._inputs import ANSWER_LABELS, WorkshopInputError, id_list, clean_name, steps_with_citation, load_recommendations

__all__ = [
    "EXPERIENCE_PROXY",
    "model_layers",
    "model_labels",
    "firm_inputs",
    "firm_options",
    "alliance_fsa",
    "cohort_competencies",
    "Cohort",
    "firm_profile",
    "alliance_plan",
    "entry_mode",
    "alliance_nodes",
    "AllianceResult",
    "alliance_builds",
    "advised_firm",
]

_LAYERS = ("alliance", "moderator_1", "fsa", "moderator_2", "competency")


def _model():
    return frameworks.load("alliance_fsa")


def model_layers(G=None) -> dict:
    """Layer id → node ids (in the model's order) of the Alliance-FSA model."""
    G = _model() if G is None else G
    return {layer: frameworks.layer_nodes(G, layer) for layer in _LAYERS}


def model_labels(G=None) -> dict:
    """Node id → readable label for every node of the Alliance-FSA model."""
    G = _model() if G is None else G
    return {n: d.get("label", n) for n, d in G.nodes(data=True)}


def _data(data, G=None):
    if data is None:
        return datasets.load_khulna_smes()
    from .._validate import check_columns

    lay = model_layers(G)
    needed = ["firm_id", "firm_name", "sector", "industry", "employees", "export_status"]
    needed += [f"alliance_{a}" for a in lay["alliance"]] + [f"mod1_{m}" for m in lay["moderator_1"]]
    needed += [f"mod2_{m}" for m in lay["moderator_2"]]
    return check_columns(data, needed, "data (a Khulna SMEs table)")


def _row(firm_id: str, df):
    if not isinstance(firm_id, str):
        raise SmeTeachError(f"firm_id must be a firm id such as 'KS01', got {firm_id!r}")
    hit = (df["firm_id"] == firm_id).to_numpy().nonzero()[0]
    if len(hit) == 0:
        raise SmeTeachError(
            f"unknown firm {firm_id!r}; expected a firm_id such as {', '.join(df['firm_id'].head(3))} "
            f"(see firm_options())")
    return df.iloc[hit[0]]  # by position: a table with a repeated index label still gives one row


def firm_inputs(firm_id: str, data=None) -> dict:
    """A Khulna firm's alliance strengths and moderator levels as dicts id → value.

    Parameters
    ----------
    firm_id : str
        ``KS01`` ... ``KS50`` (see :func:`firm_options`).
    data : pandas.DataFrame, optional
        Default ``sme_teach.datasets.load_khulna_smes()``; pass a ``variant`` to use
        another cohort.

    Returns
    -------
    dict
        ``alliances``, ``moderators_1``, ``moderators_2`` — ready for
        :func:`sme_teach.measures.propagate` (from :func:`sme_teach.datasets.khulna_model_inputs`).

    Examples
    --------
    >>> sorted(firm_inputs("KS02"))
    ['alliances', 'moderators_1', 'moderators_2']
    """
    return _firm_inputs(firm_id, _data(data))


def _firm_inputs(firm_id: str, df) -> dict:
    inputs = datasets.khulna_model_inputs(_row(firm_id, df))
    return {k: {i: float(v) for i, v in part.items()} for k, part in inputs._asdict().items()}


def firm_options(data=None) -> list:
    """``(label, firm_id)`` pairs for a Dropdown: ``"KS02 Chalna Metal Industries (light engineering)"``."""
    df = _data(data)
    return [(f"{r.firm_id} {r.firm_name} ({r.industry})", r.firm_id) for r in df.itertuples()]


def _levels(value, ids) -> dict:
    """A single level for every id, or a dict id → level, as a dict."""
    from .._validate import check_number

    if isinstance(value, dict):
        return dict(value)
    return {i: check_number(value, 0, 1, "level") for i in ids}


def alliance_fsa(alliances=0.5, cycle1=1.0, cycle2=1.0, moderation=measures.DEFAULT_MODERATION,
                         explain="internationalisation_knowledge") -> dict:
    """Propagate alliance strengths to FSAs and competencies, and explain one competency.

    Parameters
    ----------
    alliances : float or dict
        One strength for every alliance form, or a dict alliance id → strength in [0, 1]
        (forms left out count as 0).
    cycle1, cycle2 : float or dict
        One level for every cycle-1 (cycle-2) moderator, or a dict id → level in [0, 1].
    moderation : {"gated", "mean", "min", "product"}, default "gated"
        How moderator levels combine (see :func:`sme_teach.measures.propagate`).
    explain : str
        The competency to explain.

    Returns
    -------
    dict
        ``competency`` and ``fsa`` (Series of scores), ``m1``, ``m2`` (cycle multipliers),
        ``explanation`` (the text of ``PropagationResult.explain``), ``paths`` (DataFrame
        ``alliance, fsa, contribution, share`` of the explained competency, largest first,
        zero paths dropped) and ``labels`` (id → readable label).
    """
    return _alliance_fsa(_model(), alliances, cycle1, cycle2, moderation, explain)


def _alliance_fsa(G, alliances, cycle1, cycle2, moderation, explain) -> dict:
    from .._validate import check_choice

    lay = model_layers(G)
    check_choice(explain, lay["competency"], "competency to explain")
    al = _levels(alliances, lay["alliance"])
    r = measures.propagate(al, _levels(cycle1, lay["moderator_1"]), _levels(cycle2, lay["moderator_2"]),
                           model=G, moderation=moderation)
    c = r.contributions
    paths = c.loc[(c["competency"] == explain) & (c["contribution"] > 0), ["alliance", "fsa", "contribution"]]
    paths = paths.sort_values("contribution", ascending=False, kind="stable").reset_index(drop=True)
    score = float(r.competency[explain])
    paths["share"] = paths["contribution"] / score if score > 0 else 0.0
    names = model_labels(G)
    labels = {n: names[n] for layer in lay.values() for n in layer}
    return {
        "competency": r.competency,
        "fsa": r.fsa,
        "m1": float(r.moderation["m1"].iloc[0]),
        "m2": float(r.moderation["m2"].iloc[0]),
        "explanation": r.explain(explain),
        "paths": paths,
        "labels": labels,
    }


def entry_mode(asset_specificity=0.3, country_risk=0.4, cultural_distance=0.6, firm_size=0.2,
                       international_experience=0.2, high=0.5) -> dict:
    """Recommend an entry mode with its reasons (wraps :func:`sme_teach.measures.recommend_entry_mode`).

    Returns
    -------
    dict
        ``mode``, ``family`` (Root's export / contractual / investment), ``reasons`` (list of
        str), ``capacity`` = mean(size, experience) and ``uncertainty`` = mean(risk, distance)
        as the rules use them.
    """
    rec = measures.recommend_entry_mode(asset_specificity, country_risk, cultural_distance, firm_size,
                                        international_experience, high=high)
    return {
        "mode": rec.mode,
        "family": rec.family,
        "reasons": list(rec.reasons),
        "capacity": (float(firm_size) + float(international_experience)) / 2,
        "uncertainty": (float(country_risk) + float(cultural_distance)) / 2,
    }


def cohort_competencies(data=None, moderation=measures.DEFAULT_MODERATION) -> pd.DataFrame:
    """Model competency scores of every firm of a cohort (firms × competencies), computed afresh."""
    df = _data(data)
    return measures.propagate(*datasets.khulna_model_inputs(df), model=_model(), moderation=moderation).competency


class Cohort:
    """A cohort of Khulna firms with the model's competency scores, computed once per object.

    The results are cached on the object, not in module globals (as QuantEcon's
    ``MarkovChain`` caches its stationary distributions): a view that profiles many firms of
    one cohort builds one ``Cohort`` and passes it to :func:`firm_profile`. The object keeps
    its own copy of the data and hands out copies, so nothing a caller changes reaches it.

    >>> c = Cohort()
    >>> c.competency.shape
    (50, 10)
    """

    def __init__(self, data=None, moderation: str = measures.DEFAULT_MODERATION):
        self._data = _data(data).copy()
        self.moderation = moderation
        self._scores = None

    @property
    def data(self) -> pd.DataFrame:
        return self._data.copy()

    def _competency(self) -> pd.DataFrame:
        if self._scores is None:
            self._scores = cohort_competencies(self._data, self.moderation)
        return self._scores

    @property
    def competency(self) -> pd.DataFrame:
        """Firms × competencies (a copy)."""
        return self._competency().copy()


#: Course proxy for international experience from export status (the data has no years abroad).
EXPERIENCE_PROXY = {"none": 0.0, "indirect": 0.3, "direct": 0.6}


def firm_profile(firm_id: str, data=None, moderation=measures.DEFAULT_MODERATION, *, cohort=None) -> dict:
    """Profile and diagnosis of one Khulna firm: who it is, its alliances, its competencies.

    Competency scores come from :func:`sme_teach.measures.propagate` on the firm's own
    alliance strengths and moderator levels; ``percentile`` compares each score with the
    same model's scores for the other firms of the cohort (the model's scores are small in
    absolute terms, so peers are the sensible yardstick).

    Parameters
    ----------
    firm_id : str
    data : pandas.DataFrame, optional
        The cohort's table (default :func:`sme_teach.datasets.load_khulna_smes`).
    moderation : {"gated", "mean", "min", "product"}, default "gated"
    cohort : Cohort, optional
        A :class:`Cohort` already scored (then ``data`` is not read): a view profiling many
        firms of one cohort scores it once.

    Returns
    -------
    dict
        ``profile`` (dict of firm_id, firm_name, sector, industry, employees, size_band,
        years_operating, export_status), ``alliances`` (Series id → strength),
        ``competency`` (DataFrame indexed by competency id: ``label``, ``score``,
        ``cohort_median``, ``percentile``), ``weakest`` and ``strongest`` (three competency
        ids each, by percentile), ``m1``/``m2`` (the firm's cycle multipliers) and
        ``entry_inputs`` (course proxies: ``firm_size`` = employees / 250 capped at 1,
        ``international_experience`` from :data:`EXPERIENCE_PROXY`).
    """
    if cohort is None:
        cohort = Cohort(data, moderation)
    elif not isinstance(cohort, Cohort):
        raise SmeTeachError(f"cohort must be a cases.Cohort (or None), got {type(cohort).__name__}")
    elif cohort.moderation != moderation:
        raise SmeTeachError(f"cohort was scored with moderation={cohort.moderation!r}, not {moderation!r}; "
                            f"build Cohort(data, {moderation!r})")
    df = cohort._data
    row = _row(firm_id, df)
    inputs = _firm_inputs(firm_id, df)
    res = _alliance_fsa(_model(), inputs["alliances"], inputs["moderators_1"], inputs["moderators_2"],
                        moderation, "internationalisation_knowledge")
    cohort = cohort._competency()
    score = res["competency"]
    pct = (cohort.le(score, axis=1).sum() / len(cohort) * 100).astype(float)
    comp = pd.DataFrame({
        "label": [res["labels"][k] for k in score.index],
        "score": score.to_numpy(),
        "cohort_median": cohort.median().to_numpy(),
        "percentile": pct.to_numpy(),
    }, index=score.index)
    order = comp.sort_values(["percentile", "score"], kind="stable").index
    profile = {k: (row[k].item() if hasattr(row[k], "item") else row[k]) for k in
               ("firm_id", "firm_name", "sector", "industry", "employees", "size_band", "years_operating",
                "export_status")}
    return {
        "profile": profile,
        "alliances": pd.Series(inputs["alliances"], name="strength"),
        "competency": comp,
        "weakest": list(order[:3]),
        "strongest": list(order[::-1][:3]),
        "m1": res["m1"],
        "m2": res["m2"],
        "entry_inputs": {
            "firm_size": min(float(row["employees"]) / 250.0, 1.0),
            "international_experience": EXPERIENCE_PROXY[str(row["export_status"])],
        },
    }


def alliance_plan(firm_id: str, changes: dict, data=None, moderators_1=None, moderators_2=None,
                          moderation=measures.DEFAULT_MODERATION):
    """What-if: change some alliance strengths (and optionally moderators) of a firm; competencies before/after.

    Parameters
    ----------
    firm_id : str
        A Khulna firm.
    changes : dict
        Alliance id → new strength in [0, 1].
    moderators_1, moderators_2 : dict, optional
        Moderator id → new level; others keep the firm's level.

    Returns
    -------
    pandas.DataFrame
        Indexed by competency id: ``label``, ``before``, ``after``, ``gain``; a last row
        ``mean`` averages the ten.
    """
    inputs = firm_inputs(firm_id, data)
    labels = model_labels()
    before = measures.propagate(inputs["alliances"], inputs["moderators_1"], inputs["moderators_2"],
                                model=_model(), moderation=moderation).competency
    changes = check_mapping(changes, "changes", "a dict alliance id -> strength")
    m1 = {**inputs["moderators_1"], **check_mapping({} if moderators_1 is None else moderators_1, "moderators_1", "a dict moderator id -> level")}
    m2 = {**inputs["moderators_2"], **check_mapping({} if moderators_2 is None else moderators_2, "moderators_2", "a dict moderator id -> level")}
    after = measures.propagate({**inputs["alliances"], **changes}, m1, m2, model=_model(),
                               moderation=moderation).competency
    out = pd.DataFrame({"label": [labels[k] for k in before.index], "before": before.to_numpy(),
                        "after": after.to_numpy()}, index=before.index)
    out["gain"] = out["after"] - out["before"]
    out.loc["mean"] = ["Mean of the ten", out["before"].mean(), out["after"].mean(), out["gain"].mean()]
    return out


# --------------------------------------------------------------------------- the alliance planner (workshop)


def alliance_nodes(layer: str) -> pd.DataFrame:
    """Nodes of one layer of the Alliance-FSA model: ``id, label, definition, quote``."""
    G = _model()
    rows = [{"id": n, "label": d.get("label", n), "definition": d.get("definition", ""), "quote": d.get("quote", "")}
            for n, d in sorted(G.nodes(data=True), key=lambda nd: nd[1].get("order", 0)) if d.get("layer") == layer]
    return pd.DataFrame(rows, columns=["id", "label", "definition", "quote"])


@dataclass(frozen=True)
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
    #: competencies the ticked alliances build once the conditions are in place, but score 0 now
    blocked: list = field(default_factory=list)
    #: the conditions (dicts id, label, answer) rated "Not at all" that stop them: raising the others
    #: alone leaves the blocked competencies at 0
    blocked_by: list = field(default_factory=list)
    #: the strongest competencies the ticked alliances would build with every condition in place
    potential_top: list = field(default_factory=list)

    def row(self) -> dict:
        out = {"firm": self.firm, "owner": self.owner, "alliances": "; ".join(self.chosen),
               "weakest_link_rule": self.rule == "min"}
        out.update({k: int(v) for k, v in self.moderator_answers.items()})
        out.update({f"competency_{k}": round(100 * float(v), 1) for k, v in self.competency.items()})
        return out


def alliance_builds(chosen, moderator_answers: dict, firm: str = "", owner: str = "",
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
        Use the "min" rule (the weakest moderator limits everything) instead of the default
        "gated" rule (the conditions' mean, capped by trust and a fair share of the gains,
        which the paper calls necessary).

    Returns
    -------
    AllianceResult
        FSA and competency scores (0-1), the five strongest FSAs and competencies,
        the three lowest-rated moderators (with the paper's sentence), the
        competencies no chosen alliance builds (with the alliances that would),
        and those the chosen alliances would build but the conditions stop
        (``blocked``, ``blocked_by``: the conditions rated "Not at all" that hold
        them at 0; ``potential_top``: the strongest with every condition in place).

    Examples
    --------
    >>> r = alliance_builds(["information_sharing"], {"trust_and_confidence": 2})
    >>> r.weak_moderators[0]["id"]
    'trust_and_confidence'
    >>> "knowledge" in r.top_fsas
    True
    >>> alliance_builds(["information_sharing"], {"trust_and_confidence": 1}).top_fsas  # no trust: of no use
    []
    >>> alliance_builds(["common_pricing"], {}).recommendations[0]["step"][:40]
    'Before you agree prices with other firms'
    >>> strict = alliance_builds(["information_sharing"], {"trust_and_confidence": 1}, weakest_link=True)
    >>> strict.top_competencies, [m["id"] for m in strict.blocked_by], strict.potential_top[0] in strict.blocked
    ([], ['trust_and_confidence'], True)
    >>> alliance_builds([], {})
    Traceback (most recent call last):
    ...
    sme_teach.cases._inputs.WorkshopInputError: Pick at least one way of working together (tick a box above).
    """
    alliances = alliance_nodes("alliance")
    valid = alliances["id"].tolist()
    chosen_ids = set(id_list(chosen, "chosen"))
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
    rule = "min" if check_bool(weakest_link, "weakest_link") else measures.DEFAULT_MODERATION
    res = measures.propagate(
        {a: 1.0 for a in chosen},
        {k: level[k] for k in m1["id"]},
        {k: level[k] for k in m2["id"]},
        moderation=rule,
    )
    fsa, comp = res.fsa.astype(float), res.competency.astype(float)
    G = _model()
    labels = {n: d.get("label", n) for n, d in G.nodes(data=True)}
    top_fsas = [f for f in fsa.sort_values(ascending=False, kind="stable").index if fsa[f] > 0][:5]
    top_comp = [c for c in comp.sort_values(ascending=False, kind="stable").index if comp[c] > 0][:5]
    mods_idx = mods.set_index("id")
    weak = sorted(answers, key=lambda k: (answers[k], list(answers).index(k)))[:3]
    weak_moderators = [{"id": k, "label": mods_idx.loc[k, "label"], "answer": answers[k],
                        "definition": mods_idx.loc[k, "definition"], "quote": mods_idx.loc[k, "quote"]}
                       for k in weak if answers[k] <= 3]
    # what the ticked alliances build with every condition fully in place: a competency at 0 now is
    # either not built by them at all (missing) or stopped by the conditions (blocked)
    full = measures.propagate({a: 1.0 for a in chosen}, None, None, moderation=rule).competency.astype(float)
    potential_top = [c for c in full.sort_values(ascending=False, kind="stable").index if full[c] > 0][:5]
    blocked = [c for c in comp.index if comp[c] <= 0 < full[c]]
    blocked_by = []
    if blocked:
        zero = [k for k in answers if answers[k] == 1]
        for k in zero:  # k stops them if they stay at 0 with every other "Not at all" raised to "Fully"
            trial = {m: (1.0 if m in zero and m != k else level[m]) for m in level}
            again = measures.propagate({a: 1.0 for a in chosen}, {m: trial[m] for m in m1["id"]},
                                       {m: trial[m] for m in m2["id"]}, moderation=rule).competency
            if all(float(again[c]) <= 0 for c in blocked):
                blocked_by.append({"id": k, "label": mods_idx.loc[k, "label"], "answer": answers[k]})
    # competencies nothing chosen builds → which alliances would (alliance → FSA → competency paths)
    missing = []
    for c in comp.index:
        if comp[c] > 0 or c in blocked:
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
    recs = steps_with_citation(load_recommendations()["alliance"])
    # the course's legal cautions (e.g. common pricing is cartel conduct) come first for the forms chosen
    cautions = [{"step": G.nodes[a]["owner_caveat"], "quote": G.nodes[a].get("quote", ""),
                 "citation": str(G.graph.get("citation", "")), "short": "Bose & Bristy"}
                for a in chosen if G.nodes[a].get("owner_caveat")]
    recs = cautions + recs
    return AllianceResult(
        firm=clean_name(firm), owner=clean_name(owner), chosen=chosen, moderator_answers=answers, rule=rule,
        fsa=fsa, competency=comp, labels=labels, top_fsas=top_fsas, top_competencies=top_comp,
        weak_moderators=weak_moderators, missing=missing, recommendations=recs,
        blocked=blocked, blocked_by=blocked_by, potential_top=potential_top,
    )


def advised_firm(smes, seed) -> str:
    """The firm a student advises in assignment a3: one firm of ``smes`` drawn with ``seed``.

    ``seed`` is the student's seed (``grading.student_seed(salt="a3_alliance_fsa")``); the
    draw is ``numpy.random.default_rng(seed).integers(len(smes))``.

    >>> advised_firm(datasets.load_khulna_smes(), 7)
    'KS48'
    """
    import numpy as np

    from .._validate import check_columns, check_rng_seed

    smes = check_columns(smes, ["firm_id"], "smes (a Khulna SMEs table)")
    if smes.empty:
        raise SmeTeachError("smes is empty; expected a Khulna SMEs table with at least one firm")
    return str(smes["firm_id"].iloc[np.random.default_rng(check_rng_seed(seed)).integers(len(smes))])
