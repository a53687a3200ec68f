"""Use cases of the readiness self-assessment: a Khulna firm's what-if (lesson 6) and an owner's diagnosis.

Both score with :func:`sme_teach.measures.readiness_scores`; the bands (low / developing /
strong) and their limits come from the instrument file, never from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import datasets, measures
from .._errors import SmeTeachError
from .._validate import check_mapping
from ._inputs import BAND_WORDS, WorkshopInputError, clean_name, load_recommendations, steps_with_citation

__all__ = ["khulna_readiness_answers", "khulna_readiness", "ReadinessResult", "readiness_diagnosis"]


def khulna_readiness_answers() -> pd.DataFrame:
    """The 50 Khulna SMEs' (synthetic) answers, indexed by firm id: :func:`sme_teach.datasets.load_khulna_readiness`."""
    return datasets.load_khulna_readiness().set_index("firm_id").astype(int)


def khulna_readiness(answers: dict, firm_id: str = "KS28") -> dict:
    """Score one firm's readiness after changing some answers.

    Starts from ``firm_id``'s answers in :func:`khulna_readiness_answers` (the shipped
    synthetic answers), replaces the
    items given in ``answers`` (item id → 1-5) and calls
    :func:`sme_teach.measures.readiness_scores`.

    Returns
    -------
    dict
        ``scores`` — DataFrame with one row per dimension: ``dimension``, ``label``,
        ``group`` (phase or competency), ``score`` (0-100), ``band``; ``overall``,
        ``band`` (of the overall score), ``weakest`` (dimension id), ``weakest_label``.

    Examples
    --------
    >>> out = khulna_readiness({"net_3": 5})
    >>> sorted(out)[:3], 0 <= out["overall"] <= 100
    (['band', 'overall', 'scores'], True)
    """
    base = khulna_readiness_answers()
    answers = check_mapping(answers, "answers", "a dict item id -> answer 1-5")
    if not isinstance(firm_id, str) or firm_id not in base.index:
        raise SmeTeachError(f"unknown firm {firm_id!r}; expected one of KS01 … KS{len(base):02d}")
    inst = measures.load_instrument()
    row = {k: int(v) for k, v in base.loc[firm_id].items()}
    unknown = [k for k in answers if k not in row]
    if unknown:
        raise SmeTeachError(f"unknown item {unknown[0]!r}; expected item ids such as {', '.join(inst.item_ids[:4])}")
    row.update(answers)  # readiness_scores checks each answer (no silent int() truncation of 3.5)
    s = measures.readiness_scores(row, inst)
    dims = inst.dimensions
    scores = pd.DataFrame({
        "dimension": dims["id"].to_numpy(),
        "label": dims["label"].to_numpy(),
        "group": dims["group"].to_numpy(),
        "score": [float(s[d]) for d in dims["id"]],
    })
    scores["band"] = measures.readiness_band(scores["score"].to_numpy(), inst)
    label = dict(zip(dims["id"], dims["label"]))
    return {"scores": scores, "overall": float(s["overall"]), "band": str(s["band"]),
            "weakest": str(s["weakest"]), "weakest_label": label[str(s["weakest"])]}


@dataclass(frozen=True)
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


def readiness_diagnosis(answers: dict, firm: str = "", owner: str = "", instrument=None) -> ReadinessResult:
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
    >>> r = readiness_diagnosis(answers, "Rupsha Jute Works", "Mrs Akter")
    >>> r.weakest[0], round(r.scores["cluster_networking"])
    ('cluster_networking', 0)
    >>> r.recommendations[0]["dimension"]
    'cluster_networking'
    """
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
        for st in steps_with_citation(table.get(dim, [])):
            recs.append({"dimension": dim, "area": dims.loc[dim, "label"], **st})
    return ReadinessResult(
        firm=clean_name(firm), owner=clean_name(owner), answers=clean, scores=scores,
        labels=dims["label"].to_dict(), groups=dims["group"].to_dict(),
        overall=float(s["overall"]), band=str(s["band"]), strongest=strongest, weakest=weakest,
        recommendations=recs,
    )
