"""Use case of lesson 5: classify the SME panel's firms as born globals with your own thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import measures, synthetic

__all__ = ["born_globals"]


def born_globals(max_years: float, min_share: float, timing=None) -> dict:
    """Classify the 500 panel firms as born globals with your own thresholds.

    Calls :func:`sme_teach.measures.classify_born_global` on
    :func:`sme_teach.synthetic.firm_timing_table` (years to first export; foreign sales
    share in the last observed year). Pass ``timing`` (that function's table for a variant)
    to classify another cohort.

    Returns
    -------
    dict
        ``table`` — DataFrame indexed by the generator's path type (gradual,
        born_global, de_re, domestic, total) with columns ``firms``,
        ``classified_born_global`` and ``share``; ``n_born_global``;
        ``caught`` — share of the generator's born globals that the rule catches;
        ``precision`` — share of the classified firms that are generator born globals
        (NaN when none is classified); ``max_years``, ``min_share``.

    Examples
    --------
    >>> out = born_globals(3, 0.25)
    >>> int(out["table"].loc["total", "firms"])
    500
    """
    from .._validate import check_columns

    t = synthetic.firm_timing_table() if timing is None else check_columns(
        timing, ["years_to_first_export", "foreign_sales_share", "path_type"], "timing (synthetic.firm_timing_table())")
    bg = measures.classify_born_global(t["years_to_first_export"], t["foreign_sales_share"],
                                       max_years=max_years, min_share=min_share)
    bg = np.asarray(bg, dtype=bool)
    order = ["gradual", "born_global", "de_re", "domestic"]
    path = t["path_type"].to_numpy()
    firms = [int((path == k).sum()) for k in order]
    hits = [int((bg & (path == k)).sum()) for k in order]
    table = pd.DataFrame({"firms": firms + [sum(firms)], "classified_born_global": hits + [sum(hits)]},
                         index=pd.Index(order + ["total"], name="path_type"))
    table["share"] = table["classified_born_global"] / table["firms"]
    n = int(bg.sum())
    true_bg = path == "born_global"
    return {"table": table, "n_born_global": n,
            "caught": float((bg & true_bg).sum() / max(true_bg.sum(), 1)),
            "precision": float((bg & true_bg).sum() / n) if n else float("nan"),
            "max_years": float(max_years), "min_share": float(min_share)}
