"""Pure, vectorized, cited measures and scoring rules for SME internationalization.

Every function validates its input and raises only :class:`~sme_teach.SmeTeachError`
(a ``ValueError``) with a message naming the problem. networkx and scipy are
imported inside the functions that need them, so importing this module is cheap.

Degree of internationalization
    :func:`fsts`, :func:`entropy_diversification`, :func:`doi_index`
Stages and types
    :func:`uppsala_stage`, :func:`innovation_stage`, :func:`network_situation`,
    :func:`inv_type`, :func:`classify_born_global`
Distance and destinations
    :func:`great_circle_km`, :func:`kogut_singh`, :func:`cage_distance`,
    :func:`rank_destinations`
CSF model
    :func:`expected_net_benefit`, :func:`sensitivity` (marginal analysis),
    :func:`load_instrument`, :func:`readiness_scores` (self-assessment)
Alliance-FSA model
    :func:`propagate`
Strategy
    :func:`recommend_entry_mode`
Networks
    :func:`independent_cascade`, :func:`brokerage`

>>> from sme_teach import measures
>>> round(measures.entropy_diversification([0.7, 0.2, 0.1]), 2)
0.8
"""

from ._distance import (
    CAGE_DIMENSIONS,
    DESTINATION_FACTORS,
    EARTH_RADIUS_KM,
    HOFSTEDE_DIMENSIONS,
    cage_distance,
    great_circle_km,
    kogut_singh,
    rank_destinations,
)
from ._diversification import DOI_COMPONENTS, doi_index, entropy_diversification, fsts
from ._entry import ENTRY_MODES, EntryRecommendation, recommend_entry_mode
from ._marginal import MarginalAnalysis, expected_net_benefit, sensitivity
from ._network import brokerage, check_graph, independent_cascade, independent_cascade_reference
from ._propagation import DEFAULT_MODERATION, MODERATION_RULES, PropagationResult, propagate
from ._screen import deciding_factor, factor_gaps
from ._readiness import (
    READINESS_DIMENSIONS,
    Instrument,
    load_instrument,
    readiness_band,
    readiness_scores,
    readiness_scores_reference,
)
from ._stages import (
    BORN_GLOBAL_DEFINITIONS,
    INNOVATION_STAGES,
    INV_MAX_YEARS,
    INV_TYPES,
    NOT_INV,
    UPPSALA_MODES,
    UPPSALA_STAGES,
    classify_born_global,
    innovation_stage,
    inv_type,
    network_situation,
    uppsala_stage,
)

__all__ = [
    # degree of internationalization
    "fsts",
    "entropy_diversification",
    "doi_index",
    "DOI_COMPONENTS",
    # stages and types
    "uppsala_stage",
    "innovation_stage",
    "network_situation",
    "inv_type",
    "classify_born_global",
    "UPPSALA_STAGES",
    "UPPSALA_MODES",
    "INNOVATION_STAGES",
    "BORN_GLOBAL_DEFINITIONS",
    "INV_TYPES",
    "NOT_INV",
    "INV_MAX_YEARS",
    # distance and destinations
    "great_circle_km",
    "kogut_singh",
    "cage_distance",
    "rank_destinations",
    "factor_gaps",
    "deciding_factor",
    "EARTH_RADIUS_KM",
    "HOFSTEDE_DIMENSIONS",
    "CAGE_DIMENSIONS",
    "DESTINATION_FACTORS",
    # CSF model
    "expected_net_benefit",
    "sensitivity",
    "MarginalAnalysis",
    "load_instrument",
    "readiness_scores",
    "readiness_scores_reference",
    "readiness_band",
    "Instrument",
    "READINESS_DIMENSIONS",
    # alliance-FSA model
    "propagate",
    "DEFAULT_MODERATION",
    "MODERATION_RULES",
    "PropagationResult",
    # strategy
    "recommend_entry_mode",
    "EntryRecommendation",
    "ENTRY_MODES",
    # networks
    "independent_cascade",
    "independent_cascade_reference",
    "brokerage",
    "check_graph",
]
