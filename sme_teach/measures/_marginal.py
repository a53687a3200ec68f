"""The CSF model's "marginal analysis" of internationalization KPIs."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .._errors import SmeTeachError
from .._validate import check_columns, check_finite, check_number, check_range

__all__ = ["MarginalAnalysis", "expected_net_benefit", "sensitivity"]

_KPI_COLUMNS = ["kpi", "benefit", "cost", "probability"]


@dataclass
class MarginalAnalysis:
    """Result of :func:`expected_net_benefit`.

    Attributes
    ----------
    table : pandas.DataFrame
        The KPIs with ``expected_benefit`` (= probability × benefit) and
        ``expected_net_benefit`` (= expected_benefit − cost).
    total : float
        Sum of ``expected_net_benefit``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = expected_net_benefit(pd.DataFrame({"kpi": ["fair"], "benefit": [100], "cost": [60],
    ...                                        "probability": [0.5]}))
    >>> print(m)
    expected net benefit -10.00 (not worth pursuing on these numbers)
    """

    table: pd.DataFrame
    total: float

    @property
    def worthwhile(self) -> bool:
        """True when the expected gains exceed the costs (``total > 0``)."""
        return self.total > 0

    def __str__(self) -> str:
        verdict = "worth pursuing" if self.worthwhile else "not worth pursuing on these numbers"
        return f"expected net benefit {self.total:,.2f} ({verdict})"


def _kpis(kpis) -> pd.DataFrame:
    check_columns(kpis, _KPI_COLUMNS, "KPI table")
    if kpis.empty:
        raise SmeTeachError("KPI table is empty; expected one row per KPI")
    out = kpis.reset_index(drop=True).copy()
    for col in ("benefit", "cost"):
        out[col] = check_finite(out[col].to_numpy(), f"KPI column {col!r}")
    out["probability"] = check_range(out["probability"].to_numpy(), 0, 1, "KPI column 'probability'")
    if out["kpi"].duplicated().any():
        raise SmeTeachError(f"KPI {out['kpi'][out['kpi'].duplicated()].iloc[0]!r} is listed twice")
    return out


def expected_net_benefit(kpis) -> MarginalAnalysis:
    """Expected net benefit of each KPI, ``probability × benefit − cost``, and the total.

    Parameters
    ----------
    kpis : pandas.DataFrame
        Columns ``kpi`` (name), ``benefit`` (gain if the KPI is reached; negative for
        a loss such as a risk), ``cost`` (spent whether or not it is reached) and
        ``probability`` (of reaching it, in [0, 1]). Money in one currency and period.

    Returns
    -------
    MarginalAnalysis
        ``.table`` (one row per KPI) and ``.total``; ``.worthwhile`` is ``total > 0``.

    Raises
    ------
    SmeTeachError
        For missing columns, NaN, probabilities outside [0, 1] or repeated KPIs.

    Notes
    -----
    The seed paper: "The Current internationalization scenario exposes the existing
    spectrum for SMEs to do a Marginal Analysis for evaluating future
    internationalization prospects" — firms "can make a list of different KPIs (Key
    Performance Indicators) that are important indicators for success. In addition
    they also can estimate the probabilities of those KPIs occurring." The paper
    gives no formula; the expected value used here is the course's reading. It
    assumes KPIs are independent and additive, costs are certain, and the owner is
    risk-neutral (a 50% chance of 200 counts the same as 100 for sure). Use
    :func:`sensitivity` to see which guesses matter.

    References
    ----------
    Bose, T. K. (2016). Critical success factors of SME internationalization.
    *Journal of Small Business Strategy*, 26(2), 87-109.

    Examples
    --------
    >>> import pandas as pd
    >>> kpis = pd.DataFrame({"kpi": ["EU buyer", "trade fair"], "benefit": [500, 120],
    ...                      "cost": [100, 50], "probability": [0.3, 0.5]})
    >>> m = expected_net_benefit(kpis)
    >>> m.table["expected_net_benefit"].tolist(), m.total
    ([50.0, 10.0], 60.0)
    >>> m.worthwhile
    True
    """
    t = _kpis(kpis)
    t["expected_benefit"] = t["probability"] * t["benefit"]
    t["expected_net_benefit"] = t["expected_benefit"] - t["cost"]
    return MarginalAnalysis(table=t, total=float(t["expected_net_benefit"].sum()))


def sensitivity(kpis, delta: float = 0.1) -> pd.DataFrame:
    """How the total expected net benefit moves when each KPI's guess moves.

    For each KPI, ``probability`` moves by ± ``delta`` (absolute, kept inside
    [0, 1]) and ``benefit`` and ``cost`` move by ± ``delta`` × their value
    (relative); everything else stays put.

    Parameters
    ----------
    kpis : pandas.DataFrame
        As for :func:`expected_net_benefit`.
    delta : float, default 0.1
        Size of the move, between 0 and 1.

    Returns
    -------
    pandas.DataFrame
        One row per KPI and parameter: ``kpi, parameter, low_value, high_value,
        total_low, total_high, swing`` (= ``|total_high − total_low|``), sorted by
        swing, largest first — the rows of a tornado chart.

    Notes
    -----
    One-at-a-time sensitivity ignores interactions (two guesses wrong together).
    Probabilities move in absolute terms because "10% of 0.05" is too small to
    matter to an owner.

    Examples
    --------
    >>> import pandas as pd
    >>> kpis = pd.DataFrame({"kpi": ["EU buyer", "trade fair"], "benefit": [500, 120],
    ...                      "cost": [100, 50], "probability": [0.3, 0.5]})
    >>> s = sensitivity(kpis)
    >>> s[["kpi", "parameter", "total_low", "total_high", "swing"]].head(2)
            kpi    parameter  total_low  total_high  swing
    0  EU buyer  probability       10.0       110.0  100.0
    1  EU buyer      benefit       45.0        75.0   30.0
    """
    t = _kpis(kpis)
    d = check_number(delta, 0, 1, "delta")
    base = expected_net_benefit(t).total
    rows = []
    for i, r in t.iterrows():
        for param in ("probability", "benefit", "cost"):
            v = r[param]
            if param == "probability":
                lo, hi = max(v - d, 0.0), min(v + d, 1.0)
            else:
                lo, hi = v - d * abs(v), v + d * abs(v)
            totals = []
            for new in (lo, hi):
                p, b, c = r["probability"], r["benefit"], r["cost"]
                p, b, c = (new if param == "probability" else p, new if param == "benefit" else b,
                           new if param == "cost" else c)
                old_enb = r["probability"] * r["benefit"] - r["cost"]
                totals.append(base - old_enb + (p * b - c))
            rows.append({"kpi": r["kpi"], "parameter": param, "low_value": lo, "high_value": hi,
                         "total_low": totals[0], "total_high": totals[1],
                         "swing": abs(totals[1] - totals[0])})
    out = pd.DataFrame(rows)
    return out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
