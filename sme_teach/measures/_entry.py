"""Transparent entry-mode rules (control vs resource commitment)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .._errors import SmeTeachError
from .._validate import check_columns, check_number, check_range

__all__ = ["EntryRecommendation", "ENTRY_MODES", "recommend_entry_mode"]

#: Modes the rules can return, with Root's (1994) family.
ENTRY_MODES = {
    "indirect export": "export",
    "direct export": "export",
    "licensing or franchising": "contractual",
    "joint venture": "investment",
    "wholly owned subsidiary": "investment",
}

_FACTORS = ["asset_specificity", "country_risk", "cultural_distance", "firm_size", "international_experience"]


class EntryRecommendation(NamedTuple):
    """A recommended mode, its family (export, contractual, investment) and the reasons.

    >>> rec = recommend_entry_mode(0.8, 0.2, 0.2, 0.9, 0.9)
    >>> rec.mode, rec.family, len(rec.reasons)
    ('wholly owned subsidiary', 'investment', 2)
    """

    mode: str
    family: str
    reasons: list


def _rules(a, r, c, s, e, high):
    """Vectorised rule table; returns mode names and per-row reason lists."""
    capacity = (s + e) / 2
    uncertainty = (r + c) / 2
    n = len(a)
    mode = np.empty(n, dtype=object)
    reasons = [[] for _ in range(n)]
    low_cap = capacity < high / 1.5  # resources too thin for any investment abroad
    for i in range(n):
        why = reasons[i]
        if low_cap[i]:
            why.append(f"size and experience are limited (capacity {capacity[i]:.2f} < {high / 1.5:.2f}): "
                       "commit few resources")
            if e[i] < high / 2.5:
                mode[i] = "indirect export"
                why.append(f"little international experience ({e[i]:.2f}): let an export house or agent "
                           "carry the foreign-market work")
            else:
                mode[i] = "direct export"
                why.append(f"some international experience ({e[i]:.2f}): sell directly to foreign buyers or "
                           "distributors")
            if a[i] >= high:
                why.append("your know-how is firm-specific: exporting keeps it at home, away from partners")
            continue
        why.append(f"size and experience allow a larger commitment (capacity {capacity[i]:.2f})")
        if a[i] >= high and uncertainty[i] >= high:
            mode[i] = "joint venture"
            why.append(f"firm-specific assets ({a[i]:.2f}) call for control, but country risk and cultural "
                       f"distance ({uncertainty[i]:.2f}) call for sharing the risk with a local partner")
        elif a[i] >= high:
            mode[i] = "wholly owned subsidiary"
            why.append(f"firm-specific assets ({a[i]:.2f}) are costly to protect through contracts: keep "
                       f"full control; uncertainty is moderate ({uncertainty[i]:.2f})")
        elif uncertainty[i] >= high:
            mode[i] = "licensing or franchising"
            why.append(f"assets are easy to codify ({a[i]:.2f}) and uncertainty is high "
                       f"({uncertainty[i]:.2f}): earn from a local partner without investing")
        else:
            mode[i] = "direct export"
            why.append(f"assets are easy to codify ({a[i]:.2f}) and uncertainty is moderate "
                       f"({uncertainty[i]:.2f}): no need for costly control; export and keep flexibility")
    return mode, reasons


def recommend_entry_mode(asset_specificity=None, country_risk=None, cultural_distance=None, firm_size=None,
                         international_experience=None, *, data=None, high: float = 0.5):
    """Recommend an entry mode with the reasons, by transparent control/commitment rules.

    All factors are scores in [0, 1] (1 = high). ``capacity`` = mean(firm_size,
    international_experience); ``uncertainty`` = mean(country_risk,
    cultural_distance). Rules, in order:

    1. capacity < ``high``/1.5 → export: **indirect export** if experience <
       ``high``/2.5, else **direct export**;
    2. asset specificity ≥ ``high`` and uncertainty ≥ ``high`` → **joint venture**;
    3. asset specificity ≥ ``high`` → **wholly owned subsidiary**;
    4. uncertainty ≥ ``high`` → **licensing or franchising**;
    5. otherwise → **direct export**.

    Parameters
    ----------
    asset_specificity : float
        How firm-specific, tacit and hard to protect by contract the know-how is.
    country_risk : float
        Political and economic risk of the host country.
    cultural_distance : float
        For example a normalised :func:`kogut_singh` or CAGE ``cultural`` score.
    firm_size : float
        For example employees / 250 (the EU SME ceiling), capped at 1.
    international_experience : float
        For example years abroad / 10, capped at 1.
    data : pandas.DataFrame, optional
        Instead of the five scalars: a table with those five columns; the result
        is then a DataFrame with ``mode``, ``family`` and ``reasons``.
    high : float, default 0.5
        Where "high" starts.

    Returns
    -------
    EntryRecommendation or pandas.DataFrame

    Notes
    -----
    The rules follow Anderson and Gatignon's (1986) transaction-cost propositions:
    transaction-specific assets favour high-control modes; external uncertainty
    (country risk, cultural distance) favours low-control, low-commitment modes
    unless assets are highly specific, when shared control (a joint venture) is
    the compromise; limited resources rule out investment. Families follow Root
    (1994): export, contractual and investment entry modes. The cut-offs are the
    course's. Real choices also weigh the host's rules on foreign ownership, the
    size of the market, competitors and the owner's goals — argue those beside the
    output.

    References
    ----------
    Anderson, E., & Gatignon, H. (1986). Modes of foreign entry: A transaction cost
    analysis and propositions. *Journal of International Business Studies*, 17(3), 1-26.
    Root, F. R. (1994). *Entry Strategies for International Markets* (rev. ed.).
    Lexington Books.

    Examples
    --------
    >>> rec = recommend_entry_mode(0.2, 0.3, 0.4, firm_size=0.1, international_experience=0.1)
    >>> rec.mode, rec.family
    ('indirect export', 'export')
    >>> recommend_entry_mode(0.9, 0.8, 0.7, 0.8, 0.6).mode
    'joint venture'
    >>> import pandas as pd
    >>> df = pd.DataFrame({"asset_specificity": [0.9, 0.1], "country_risk": [0.2, 0.9],
    ...                    "cultural_distance": [0.2, 0.7], "firm_size": [0.9, 0.8],
    ...                    "international_experience": [0.7, 0.6]})
    >>> recommend_entry_mode(data=df)["mode"].tolist()
    ['wholly owned subsidiary', 'licensing or franchising']
    """
    h = check_number(high, 0.01, 1, "high")
    if data is not None:
        if not all(v is None for v in (asset_specificity, country_risk, cultural_distance, firm_size,
                                       international_experience)):
            raise SmeTeachError("give either data= (a DataFrame) or the five scores, not both")
        check_columns(data, _FACTORS, "entry-mode data")
        cols = [check_range(data[f].to_numpy(), 0, 1, f) for f in _FACTORS]
        mode, reasons = _rules(*cols, h)
        return pd.DataFrame({"mode": mode, "family": [ENTRY_MODES[m] for m in mode], "reasons": reasons},
                            index=data.index)
    values = dict(zip(_FACTORS, (asset_specificity, country_risk, cultural_distance, firm_size,
                                 international_experience)))
    missing = [k for k, v in values.items() if v is None]
    if missing:
        raise SmeTeachError(f"missing scores {missing}; expected all of {_FACTORS} (each in [0, 1])")
    arrays = []
    for k, v in values.items():
        if np.ndim(v) != 0:
            raise SmeTeachError(f"{k} must be one number for a single recommendation; use data= for many firms")
        arrays.append(np.array([check_number(v, 0, 1, k)]))
    mode, reasons = _rules(*arrays, h)
    return EntryRecommendation(str(mode[0]), ENTRY_MODES[mode[0]], reasons[0])
