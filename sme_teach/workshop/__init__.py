"""No-code workshop apps for SME owners (rendered by Voilà from ``course/workshop/``).

Four apps, each a class whose ipywidgets page renders one use case of :mod:`sme_teach.cases`
(the same functions the lessons and assignments call):

- :func:`readiness_app` — the readiness diagnostic (CSF self-assessment, Bose 2016);
- :func:`alliance_app` — the alliance planner (Alliance-FSA model, Bose & Bristy);
- :func:`destination_app` — the destination explorer (CAGE and cultural distance);
- :func:`spillover_app` — the spillover game (independent cascade on a local network).

Each app makes a PDF report (:func:`one_page_report`: one page, more when the answers need
it; Bengali shaped) and keeps saved answers, one row per participant, in a CSV in the workshop
folder (``$SME_TEACH_WORKSHOP_DIR``, default ``~/sme_teach_workshop``) with :func:`append_answers`.

The ``compute_*`` names below are the workshop's names for those use cases — the very same
functions: ``compute_readiness`` is :func:`sme_teach.cases.readiness_diagnosis`,
``compute_alliance`` :func:`~sme_teach.cases.alliance_builds`, ``compute_destinations``
:func:`~sme_teach.cases.destination_comparison`, ``compute_spillover``
:func:`~sme_teach.cases.spillover` and ``compute_best_starts``
:func:`~sme_teach.cases.best_starts`.

>>> from sme_teach import workshop
>>> r = workshop.compute_destinations("BGD", ["IND", "GBR"], {"geographic": 1})
>>> r.best
'India'
"""

from ..cases import (
    ANSWER_LABELS,
    BAND_WORDS,
    DESTINATION_FACTOR_LABELS,
    AllianceResult,
    DestinationResult,
    ReadinessResult,
    SpilloverResult,
    WorkshopInputError,
    country_choices,
    firm_choices,
    load_recommendations,
)
from ..cases import alliance_builds as compute_alliance
from ..cases import best_starts as compute_best_starts
from ..cases import destination_comparison as compute_destinations
from ..cases import readiness_diagnosis as compute_readiness
from ..cases import spillover as compute_spillover
from ._report import one_page_report, report_filename
from ._store import answers_csv_bytes, answers_path, append_answers, read_answers, workshop_dir

__all__ = [
    # apps (ipywidgets; imported on first use)
    "readiness_app",
    "alliance_app",
    "destination_app",
    "spillover_app",
    "ReadinessApp",
    "AllianceApp",
    "DestinationApp",
    "SpilloverApp",
    # the use cases the apps render (sme_teach.cases)
    "compute_readiness",
    "compute_alliance",
    "compute_destinations",
    "compute_spillover",
    "compute_best_starts",
    "load_recommendations",
    "country_choices",
    "firm_choices",
    "ReadinessResult",
    "AllianceResult",
    "DestinationResult",
    "SpilloverResult",
    "WorkshopInputError",
    "ANSWER_LABELS",
    "BAND_WORDS",
    "DESTINATION_FACTOR_LABELS",
    # reports and answers
    "one_page_report",
    "report_filename",
    "append_answers",
    "read_answers",
    "answers_csv_bytes",
    "answers_path",
    "workshop_dir",
]

_APPS = {"readiness_app", "alliance_app", "destination_app", "spillover_app",
         "ReadinessApp", "AllianceApp", "DestinationApp", "SpilloverApp"}


def __getattr__(name):
    # the apps import ipywidgets and matplotlib: load them only when asked for
    if name in _APPS:
        from . import _apps

        value = getattr(_apps, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sme_teach.workshop' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _APPS)
