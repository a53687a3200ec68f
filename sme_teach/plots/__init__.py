"""Drawings of the course's models and data (matplotlib; imported only on use).

>>> from sme_teach import plots
>>> "draw_framework" in plots.__all__
True
"""

from ._framework import OKABE_ITO, draw_framework, framework_alt_text

__all__ = ["draw_framework", "framework_alt_text", "OKABE_ITO"]
