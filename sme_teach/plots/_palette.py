"""The course's one palette: Okabe & Ito's (2008) colour-blind-safe colours, and the readiness bands.

Every chart (lesson widgets, workshop apps, framework diagrams) takes its colours from here,
and always pairs a colour with a text label, so colour is never the only cue. Sequential
values use the perceptually uniform ``cividis`` map (:data:`SEQUENTIAL_CMAP`).

Okabe, M., & Ito, K. (2008). *Color Universal Design (CUD): How to make figures and
presentations that are friendly to colorblind people*. J*FLY.
"""

from __future__ import annotations

__all__ = ["OKABE_ITO", "BLUE", "ORANGE", "GREEN", "PURPLE", "SKY", "VERMILION", "YELLOW", "GREY", "EDGE",
           "SEQUENTIAL_CMAP", "BAND_COLOURS", "band_spans"]

BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILION, YELLOW = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
#: Okabe & Ito (2008) colour-blind-safe palette, in the order charts use it (black excluded).
OKABE_ITO = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILION, YELLOW]
GREY = "#7F7F7F"
EDGE = "#3C3C3C"
#: Colour map for a value per node or cell (dark blue = low, yellow = high).
SEQUENTIAL_CMAP = "cividis"
#: Bar colours of the readiness bands (Okabe-Ito vermilion, orange, bluish green).
BAND_COLOURS = {"low": VERMILION, "developing": ORANGE, "strong": GREEN}


def band_spans(bands, top: float = 100.0) -> list[tuple[str, float, float]]:
    """``(band id, lower, upper)`` for an instrument's bands (``Instrument.bands``: id, score below).

    The limits come from the instrument file (``sme_teach/measures/data/readiness.yaml``),
    never from the chart.

    >>> band_spans((("low", 40), ("developing", 70), ("strong", None)))
    [('low', 0.0, 40.0), ('developing', 40.0, 70.0), ('strong', 70.0, 100.0)]
    """
    out, lo = [], 0.0
    for band, below in bands:
        hi = float(top) if below is None else float(below)
        out.append((band, lo, hi))
        lo = hi
    return out
