"""sme_teach — teach how small and medium enterprises (SMEs) internationalize.

The package holds the course's one implementation of every model and measure:

- :mod:`sme_teach.frameworks` — the seed papers' models as data and networkx graphs;
- :mod:`sme_teach.measures` — pure, vectorized, cited measures and scoring rules;
- :mod:`sme_teach.datasets` — loaders for the shipped real and synthetic data;
- :mod:`sme_teach.synthetic` — the seeded generators of the synthetic data, and variants;
- :mod:`sme_teach.cases` — one function per use case (lessons, workshop apps, assignments);
- :mod:`sme_teach.plots`, :mod:`sme_teach.widgets` — drawings and lesson views;
- :mod:`sme_teach.workshop` — the no-code apps for SME owners;
- :mod:`sme_teach.grading` — nbgrader helpers and the ``sme-teach`` command.

The layers import downwards only (``ARCHITECTURE.md``; ``lint-imports`` checks it).

Submodules load on first use, so ``import sme_teach`` stays cheap and pulls in no
plotting or widget library.

>>> import sme_teach
>>> sme_teach.SmeTeachError.__mro__[1] is ValueError
True
"""

from importlib import import_module as _import_module

from ._errors import SmeTeachError

__version__ = "0.1.0"

_SUBMODULES = ("frameworks", "measures", "datasets", "synthetic", "cases", "plots", "widgets", "workshop",
               "grading", "cli")

__all__ = ["SmeTeachError", "__version__", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        module = _import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'sme_teach' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
