"""ipywidgets views for the lessons: they render a use case, nothing else.

Each view is thin: :func:`wire` connects its controls to one :mod:`sme_teach.cases` function
(pure, tested without a browser) and renders the result with :mod:`sme_teach.plots`. Views mark their main control with the CSS class ``sme-control`` and
the element that shows the result with ``sme-result``, so browser tests and screen-reader
users can find them; every control has a description and works from the keyboard.
"""

from ._common import *  # noqa: F401,F403
from ._common import __all__ as _common_all
from ._foundations import *  # noqa: F401,F403
from ._foundations import __all__ as _foundations_all
from ._networks import *  # noqa: F401,F403
from ._networks import __all__ as _networks_all
from ._strategy import *  # noqa: F401,F403
from ._strategy import __all__ as _strategy_all
from ._solution import *  # noqa: F401,F403
from ._solution import __all__ as _solution_all
from ._solution import load_ipython_extension  # noqa: F401  (%load_ext sme_teach.widgets)
from ._wire import wire

__all__ = [*_common_all, "wire", *_foundations_all, *_networks_all, *_strategy_all, *_solution_all]
