"""Which alliance would lift a firm most? The alliance levers of one firm (assignment 3, lesson 07)."""

from __future__ import annotations

import pandas as pd

from .. import frameworks, measures
from .._errors import SmeTeachError
from .._validate import check_number

__all__ = ["lever_gains"]

_LINKS = ("all", "stated")


def lever_gains(alliances, moderators_1=None, moderators_2=None, *, target: str = "mean", step: float = 0.2,
                links: str = "all", model="alliance_fsa") -> pd.Series:
    """The rise of ``target`` when each alliance alone is ``step`` stronger (capped at 1.0).

    For every alliance id in ``alliances`` the firm's levels are copied, that alliance is raised by
    ``step`` (at most to 1.0) and :func:`sme_teach.measures.propagate` runs again with the same
    moderators (and propagate's default moderation rule); the gain is the new ``target`` minus the old.

    Parameters
    ----------
    alliances : pandas.Series
        One firm's alliance levels, indexed by alliance id (``datasets.khulna_model_inputs``).
    moderators_1, moderators_2 : pandas.Series, optional
        The firm's moderator levels (as for ``propagate``).
    target : str, default "mean"
        ``"mean"``: the firm's mean competency score; else a competency id (e.g. the weakest).
    step : float, default 0.2
    links : {"all", "stated"}, default "all"
        ``"stated"`` drops every link the course inferred (:func:`sme_teach.frameworks.stated_links`):
        lesson 07's test of whether a conclusion rests on the paper's own sentences.
    model : str or networkx.DiGraph, default "alliance_fsa"

    Returns
    -------
    pandas.Series
        Alliance id → gain (≥ 0: the model is monotone in the alliances), named ``links``.

    Examples
    --------
    >>> a = pd.Series({"joint_marketing": 0.5, "resource_sharing": 0.9, "information_sharing": 0.0})
    >>> g = lever_gains(a, links="stated")
    >>> bool(g["resource_sharing"] == 0)   # its one link, to tools and equipment, is the course's inference
    True
    >>> bool(g["information_sharing"] > 0)    # information sharing → information access is stated
    True
    """
    from .._validate import check_choice

    check_choice(links, list(_LINKS), "links")
    step = check_number(step, 0, 1, "step")
    if not isinstance(alliances, pd.Series):
        raise SmeTeachError(f"alliances must be a pandas Series (alliance id → level), got {type(alliances).__name__}")
    G = frameworks.stated_links(model) if links == "stated" else (
        frameworks.load(model) if isinstance(model, str) else model)
    base = measures.propagate(alliances, moderators_1, moderators_2, model=G).competency

    def value(competency: pd.Series) -> float:
        if target == "mean":
            return float(competency.mean())
        if target not in competency.index:
            raise SmeTeachError(f"unknown target {target!r}; expected 'mean' or one of: {', '.join(competency.index)}")
        return float(competency[target])

    before = value(base)
    out = {}
    for a in alliances.index:
        raised = alliances.where(alliances.index != a, min(float(alliances[a]) + step, 1.0))
        out[a] = value(measures.propagate(raised, moderators_1, moderators_2, model=G).competency) - before
    return pd.Series(out, name=f"{links}_links", dtype=float)
