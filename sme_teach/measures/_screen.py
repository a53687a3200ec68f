"""What decided a destination screen: the factor that separates the winner from the runner-up."""

from __future__ import annotations

import pandas as pd

from .._errors import SmeTeachError

__all__ = ["deciding_factor", "factor_gaps"]

_PREFIX = "contribution_"


def factor_gaps(ranking) -> pd.Series:
    """How much each factor separates the first-ranked candidate from the second, in total points.

    ``gap = contribution of the runner-up − contribution of the winner`` per factor, from the
    ``contribution_<factor>`` columns of :func:`rank_destinations` (lower totals rank higher, so a
    positive gap is an advantage of the winner). The gaps add up to the difference of the two
    totals. A factor on which every candidate scores the same has a gap of 0: it cannot reorder
    them, however large its weight or its contribution.

    Parameters
    ----------
    ranking : pandas.DataFrame
        The result of :func:`rank_destinations` (sorted by rank; at least two candidates).

    Returns
    -------
    pandas.Series
        Factor → gap, named ``gap``, largest first.

    Examples
    --------
    >>> r = pd.DataFrame({"contribution_cultural": [0.5, 0.5], "contribution_geographic": [0.1, 0.3],
    ...                   "total": [0.6, 0.8], "rank": [1, 2]}, index=["IND", "GBR"])
    >>> factor_gaps(r).round(2).to_dict()
    {'geographic': 0.2, 'cultural': 0.0}
    """
    if not isinstance(ranking, pd.DataFrame):
        raise SmeTeachError(f"ranking must be the DataFrame of measures.rank_destinations, got {type(ranking).__name__}")
    cols = [c for c in ranking.columns if str(c).startswith(_PREFIX)]
    if not cols or len(ranking) < 2:
        raise SmeTeachError("ranking must have contribution_<factor> columns and at least two candidates "
                            f"(the result of measures.rank_destinations); got columns {list(ranking.columns)} "
                            f"and {len(ranking)} row(s)")
    if ranking.columns.has_duplicates:
        raise SmeTeachError(f"ranking has duplicate columns {list(ranking.columns[ranking.columns.duplicated()])}; "
                            "expected the result of measures.rank_destinations")
    if "rank" in ranking.columns:
        rank = pd.to_numeric(ranking["rank"], errors="coerce")
        if rank.isna().any():
            raise SmeTeachError(f"ranking's 'rank' column must hold numbers, got {list(ranking['rank'])[:3]}")
        ranking = ranking.iloc[rank.argsort(kind="stable")]
    values = ranking[cols].iloc[:2].apply(pd.to_numeric, errors="coerce")
    bad = [c for c in cols if not values[c].map(lambda v: isinstance(v, (int, float)) and v == v
                                                 and abs(v) != float("inf")).all()]
    if bad:
        raise SmeTeachError(f"ranking's {bad[0]!r} must hold finite numbers for the first two candidates, got "
                            f"{list(ranking[bad[0]].iloc[:2])}; expected the result of measures.rank_destinations")
    gaps = pd.Series({c[len(_PREFIX):]: float(values[c].iloc[1] - values[c].iloc[0]) for c in cols}, name="gap")
    return gaps.sort_values(ascending=False, kind="stable")


def deciding_factor(ranking) -> str:
    """The factor that most separates the first-ranked candidate from the runner-up.

    The factor with the largest :func:`factor_gaps` (ties: the first in the screen's factor order).
    Not the factor with the largest contribution to the winner's total: from Bangladesh the official
    language and currency differ for most destinations, so those CAGE components are often 1 for
    every candidate — large contributions that decide nothing.

    >>> r = pd.DataFrame({"contribution_cultural": [0.5, 0.5], "contribution_geographic": [0.1, 0.3],
    ...                   "total": [0.6, 0.8], "rank": [1, 2]}, index=["IND", "GBR"])
    >>> deciding_factor(r)
    'geographic'
    """
    return str(factor_gaps(ranking).index[0])
