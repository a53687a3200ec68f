"""Drawings of the course's models and data (matplotlib; imported only on use).

One palette (:mod:`~sme_teach.plots._palette`, Okabe & Ito), one network layout
(:func:`network_layout`), one HTML table helper (:func:`table_html`): the lesson widgets and
the workshop apps both draw with these, so the same data looks the same everywhere.

>>> from sme_teach import plots
>>> "draw_framework" in plots.__all__
True
"""

from ._framework import draw_framework, framework_alt_text
from ._network import LAYOUT_SEED, network_figure, network_layout
from ._palette import BAND_COLOURS, GREY, OKABE_ITO, SEQUENTIAL_CMAP, band_spans
from ._table import table_html

__all__ = ["draw_framework", "framework_alt_text", "OKABE_ITO", "GREY", "BAND_COLOURS", "SEQUENTIAL_CMAP",
           "band_spans", "table_html", "network_layout", "network_figure", "LAYOUT_SEED"]
