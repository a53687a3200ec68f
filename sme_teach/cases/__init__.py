"""Use cases: one function (or small frozen dataclass) per thing a lesson, a workshop app or an assignment does.

The lesson widget, the workshop app and the assignment's hidden test call the same function
here, so a fix lands everywhere at once. Functions take plain values (ids, numbers, dicts,
DataFrames) and return plain data or frozen dataclasses; they load what they need through
:mod:`sme_teach.datasets` (the one cache, at the loader, hands out copies) and compute with
:mod:`sme_teach.measures`. Nothing here draws or imports ipywidgets or matplotlib.

=====================  ==========================================================
lessons 1-3            :func:`construct`, :func:`literature_studies`,
                       :func:`marginal_analysis`, :func:`uppsala_step`,
                       :func:`cultural_distance`
lesson 4, spillover    :func:`grapevine` (lesson), :func:`spillover`,
                       :func:`best_starts` (workshop), :data:`EXPORT_LEVEL`
lesson 5               :func:`born_globals`
lesson 6, readiness    :func:`khulna_readiness` (lesson), :func:`readiness_diagnosis` (workshop)
lessons 7-9, alliances :func:`alliance_fsa`, :func:`firm_profile`, :func:`alliance_plan`,
                       :func:`entry_mode` (lessons), :func:`alliance_builds` (workshop)
destinations           :func:`destination_ranking` (lessons), :func:`destination_comparison`
                       (workshop), :func:`cage_table`
assignments            :func:`client_brief` (a2), :func:`advised_firm`, :func:`lever_gains` (a3)
=====================  ==========================================================

>>> from sme_teach import cases
>>> profile = cases.firm_profile("KS02")
>>> round(float(profile["competency"].loc["internationalisation_knowledge", "score"]), 4)
0.1785
"""

from ._alliance import *  # noqa: F401,F403
from ._alliance import __all__ as _alliance_all
from ._born_globals import *  # noqa: F401,F403
from ._born_globals import __all__ as _born_globals_all
from ._constructs import *  # noqa: F401,F403
from ._constructs import __all__ as _constructs_all
from ._destinations import *  # noqa: F401,F403
from ._destinations import __all__ as _destinations_all
from ._levers import *  # noqa: F401,F403
from ._levers import __all__ as _levers_all
from ._inputs import ANSWER_LABELS, BAND_WORDS, WorkshopInputError, load_recommendations
from ._networks import *  # noqa: F401,F403
from ._networks import __all__ as _networks_all
from ._readiness import *  # noqa: F401,F403
from ._readiness import __all__ as _readiness_all

__all__ = [
    "WorkshopInputError",
    "ANSWER_LABELS",
    "BAND_WORDS",
    "load_recommendations",
    *_constructs_all,
    *_readiness_all,
    *_alliance_all,
    *_destinations_all,
    *_networks_all,
    *_born_globals_all,
    *_levers_all,
]
