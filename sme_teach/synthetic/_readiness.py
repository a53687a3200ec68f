"""Generator of synthetic answers to the readiness instrument for the Khulna SMEs."""

from __future__ import annotations

from ..datasets._schema import stable_seed
from ..datasets._synthetic import DEFAULT_SEED, EXPORT_STATUSES, khulna_readiness_schema
from ._common import conform

__all__ = ["khulna_readiness_responses", "khulna_readiness_frame"]

# Assumed average level (1-5, positive direction) per dimension in the synthetic Khulna set,
# and the Khulna columns whose within-sample rank moves a firm up or down. Course assumptions,
# loosely following the seed paper (owners network and share information; policy support and
# written targets are rare).
_READINESS_MEAN = {"current": 3.1, "prospects": 2.5, "capacity_building": 2.8, "policy": 2.3,
                   "cluster_networking": 3.3, "innovation": 2.7, "strategy": 2.5}
_READINESS_DRIVERS = {
    "current": ["comp_internationalisation_knowledge", "comp_information_accessibility"],
    "prospects": ["mod2_timing_of_internationalisation", "mod2_investment_decisions"],
    "capacity_building": ["comp_strong_talented_human_resource", "comp_capital_base_development", "employees"],
    "policy": ["comp_government_and_policy_backing", "alliance_joint_lobbying"],
    "cluster_networking": ["alliance_information_sharing", "alliance_resource_sharing", "alliance_joint_marketing",
                           "mod1_trust_and_confidence"],
    "innovation": ["comp_innovation_and_creativity_adoption", "fsa_research_and_development", "fsa_technology"],
    "strategy": ["export_rank", "comp_diversity_of_operational_coverage"],
}




def khulna_readiness_responses(seed=DEFAULT_SEED, smes=None):
    """A SYNTHETIC set of answers to the readiness instrument for the 50 Khulna SMEs.

    Rows are firm ids (``KS01`` … ``KS50`` of ``smes``, default
    :func:`sme_teach.datasets.load_khulna_smes`), columns the instrument's item ids (:func:`sme_teach.measures.load_instrument`), answers
    1-5. Ready for :func:`sme_teach.measures.readiness_scores`.

    Notes
    -----
    No owner answered these questions: the seed study reports no item-level data. For
    each dimension a firm's latent agreement is an assumed sector-wide level
    (prospects 2.5, policy 2.3, cluster networking 3.3, … on the 1-5 scale) plus up to
    ±1 point for the firm's within-sample rank on related Khulna columns (e.g. cluster
    networking: information sharing, resource sharing, joint marketing, trust), plus a
    firm-wide tendency to agree (N(0, 0.3)); each item adds N(0, 0.6) noise, is rounded
    and clipped to 1-5, and negatively worded items are mirrored. Deterministic for a
    given ``seed`` and ``smes``. The shipped ``datasets/khulna_readiness.csv`` is this
    function's output for the shipped firms and :data:`DEFAULT_SEED` (see its data card).

    Examples
    --------
    >>> r = khulna_readiness_responses()
    >>> r.shape, int(r.min().min()) >= 1, int(r.max().max()) <= 5
    ((50, 26), True, True)
    """
    import numpy as np
    import pandas as pd

    from .. import measures
    from ..datasets import load_khulna_smes

    seed = stable_seed(seed)
    inst = measures.load_instrument()
    from .._validate import check_columns

    needed = ["firm_id", "export_status", *{c for cols in _READINESS_DRIVERS.values() for c in cols} - {"export_rank"}]
    smes = (load_khulna_smes() if smes is None else check_columns(smes, sorted(needed), "smes (a Khulna SMEs table)"))
    smes = smes.set_index("firm_id")
    # ordinal rank of the export status (only its order matters: drivers enter as ranks)
    smes = smes.assign(export_rank=smes["export_status"].map({s: float(i) for i, s in enumerate(EXPORT_STATUSES)}))
    rng = np.random.default_rng(seed)
    n = len(smes)
    firm_shift = rng.normal(0, 0.3, n)  # some owners agree more readily than others
    answers = {}
    for dim in inst.dimension_ids:
        rank = smes[_READINESS_DRIVERS[dim]].astype(float).rank(pct=True).mean(axis=1).rank(pct=True).to_numpy()
        latent = _READINESS_MEAN[dim] + 2.0 * (rank - 0.5) + firm_shift
        items = inst.items[inst.items["dimension"] == dim]
        for item, rev in zip(items["id"], items["reverse"]):
            x = np.clip(np.rint(latent + rng.normal(0, 0.6, n)), inst.low, inst.high).astype(int)
            answers[item] = inst.low + inst.high - x if rev else x
    return pd.DataFrame(answers, index=smes.index)[inst.item_ids]


def khulna_readiness_frame(seed=DEFAULT_SEED, smes=None):
    """:func:`khulna_readiness_responses` as the shipped file's table (``firm_id`` column first), schema-checked."""
    from .. import measures

    inst = measures.load_instrument()
    frame = khulna_readiness_responses(seed, smes).reset_index()
    return conform(frame, khulna_readiness_schema(tuple(inst.item_ids), inst.low, inst.high),
                   "khulna_readiness (generated)")
