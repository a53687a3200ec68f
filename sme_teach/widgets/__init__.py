"""ipywidgets views for the lessons and workshop apps.

Each view is thin: its callback calls one ``compute_*`` function (pure, tested without a
browser) and redraws. Views mark their main control with the CSS class ``sme-control`` and
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

__all__ = [*_common_all, *_foundations_all, *_networks_all, *_strategy_all]
