"""Degree of internationalization: FSTS, entropy of sales shares, a composite DOI."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import SmeTeachError
from .._validate import broadcast, check_bool, check_choices, check_columns, check_finite, check_number, check_range

__all__ = ["fsts", "entropy_diversification", "doi_index", "DOI_COMPONENTS"]

#: Sullivan's (1994) five attributes, as column names :func:`doi_index` understands.
DOI_COMPONENTS = {
    "fsts": "foreign sales / total sales",
    "fata": "foreign assets / total assets",
    "osts": "overseas subsidiaries / total subsidiaries",
    "tmie": "top managers' international experience (share of careers spent abroad)",
    "pdio": "psychic dispersion of international operations (share of the 10 psychic zones reached)",
}


def _wrap(values, template):
    """Return ``values`` shaped like ``template``: float for a scalar, Series for a Series."""
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index, name=template.name)
    if np.ndim(values) == 0:
        return float(values)
    return values


def fsts(foreign_sales, total_sales):
    """Foreign sales to total sales (FSTS), the most used degree of internationalization.

    Parameters
    ----------
    foreign_sales, total_sales : float, array-like or pandas.Series
        Sales in the same currency. Totals must be positive and foreign sales must
        lie between 0 and the total.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The share of sales made abroad, between 0 and 1, shaped like ``foreign_sales``.

    Raises
    ------
    SmeTeachError
        For non-numbers, NaN, a non-positive total or foreign sales above the total.

    Notes
    -----
    FSTS is item 1 of Sullivan's (1994) degree-of-internationalization scale. It says
    how much a firm sells abroad, not where (ten countries or one), nor how (export or
    production abroad): combine it with :func:`entropy_diversification` and
    :func:`uppsala_stage` for a fuller picture.

    References
    ----------
    Sullivan, D. (1994). Measuring the degree of internationalization of a firm.
    *Journal of International Business Studies*, 25(2), 325-342.

    Examples
    --------
    >>> fsts(30, 120)
    0.25
    >>> fsts([0, 50], [100, 100])
    array([0. , 0.5])
    >>> fsts(130, 120)
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: foreign_sales must not exceed total_sales; found 130 > 120 at position 0
    """
    f = check_finite(foreign_sales, "foreign_sales")
    t = check_finite(total_sales, "total_sales")
    for arr, what in ((f, "foreign_sales"), (t, "total_sales")):
        if arr.ndim > 1:
            raise SmeTeachError(f"{what} must be a number or a 1-D list of numbers; got shape {arr.shape}")
    f, t = broadcast(foreign_sales=f, total_sales=t)
    check_range(f, 0, np.inf, "foreign_sales")
    if (t <= 0).any():
        pos = int(np.argwhere(np.atleast_1d(t <= 0))[0][0])
        raise SmeTeachError(f"total_sales must be positive; found {np.atleast_1d(t)[pos]:g} at position {pos}")
    over = np.atleast_1d(f > t)
    if over.any():
        pos = int(np.argwhere(over)[0][0])
        raise SmeTeachError(
            f"foreign_sales must not exceed total_sales; found {np.atleast_1d(f)[pos]:g} > "
            f"{np.atleast_1d(t)[pos]:g} at position {pos}"
        )
    return _wrap(f / t, foreign_sales)


def entropy_diversification(shares, *, normalize: bool = False, tol: float = 1e-6):
    """Entropy measure of diversification, ``E = Σ Pᵢ ln(1/Pᵢ)`` (Palepu 1985).

    Applied to the shares of a firm's sales in each foreign market (or each region,
    home included), it measures how widely the firm spreads its sales.

    Parameters
    ----------
    shares : sequence, pandas.Series or pandas.DataFrame
        One firm's shares (a 1-D sequence or Series), or a DataFrame whose rows are
        firms and whose columns are markets. Shares must be non-negative and sum to 1
        (within ``tol``) per firm, unless ``normalize=True``.
    normalize : bool, default False
        Divide each firm's values by their sum first, so raw sales can be passed.
    tol : float, default 1e-6
        Allowed distance of each firm's sum of shares from 1.

    Returns
    -------
    float or pandas.Series
        A float for one firm; a Series indexed like the DataFrame's rows otherwise.
        0 means all sales in one market; ``ln(N)`` is the maximum for N markets.

    Raises
    ------
    SmeTeachError
        For negative, missing or non-numeric shares, or shares that do not sum to 1
        (the message names the firm/row).

    Notes
    -----
    Zero shares contribute 0 (the limit of ``p ln(1/p)`` as ``p → 0``). The value
    depends on how markets are grouped: the same firm looks more diversified when
    sales are split by country than by continent, so compare firms only on the same
    grouping. Palepu (1985) also decomposes total entropy into related and unrelated
    parts; only the total is computed here.

    References
    ----------
    Palepu, K. (1985). Diversification strategy, profit performance and the entropy
    measure. *Strategic Management Journal*, 6(3), 239-255.

    Examples
    --------
    Palepu's worked examples (shares of sales in each segment):

    >>> round(entropy_diversification([0.95, 0.05]), 2)
    0.2
    >>> round(entropy_diversification([0.6, 0.1, 0.1, 0.1, 0.1]), 2)
    1.23
    >>> import pandas as pd
    >>> df = pd.DataFrame({"EU": [1.0, 0.5], "US": [0.0, 0.5]}, index=["jute_co", "shrimp_co"])
    >>> entropy_diversification(df).round(3)
    jute_co      0.000
    shrimp_co    0.693
    Name: entropy, dtype: float64
    >>> entropy_diversification([0.5, 0.4])
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: shares of firm 0 sum to 0.9, expected 1 (pass normalize=True to rescale raw sales)
    """
    normalize = check_bool(normalize, "normalize")
    tol = check_number(tol, 0, np.inf, "tol")
    single = not isinstance(shares, pd.DataFrame)
    if single:
        try:
            ndim = np.ndim(shares)
        except ValueError:  # ragged nested lists
            ndim = -1
        if isinstance(shares, (str, bytes, dict)) or ndim != 1:
            raise SmeTeachError(
                "shares must be a 1-D sequence or Series (one firm) or a DataFrame (rows = firms); "
                f"got {type(shares).__name__}"
            )
        labels = [0]
        arr = check_finite(shares, "shares")[None, :]
    else:
        labels = list(shares.index)
        try:
            arr = check_finite(shares.to_numpy(), "shares")
        except SmeTeachError:
            _name_bad_cell(shares)
            raise
    if arr.size == 0:
        raise SmeTeachError("shares is empty; expected at least one market share per firm")
    neg = arr < 0
    if neg.any():
        r, c = np.argwhere(neg)[0]
        raise SmeTeachError(f"shares must not be negative; firm {labels[r]!r} has {arr[r, c]:g} in position {c}")
    sums = arr.sum(axis=1)
    if normalize:
        if (sums <= 0).any():
            r = int(np.argmax(sums <= 0))
            raise SmeTeachError(f"firm {labels[r]!r} has no sales at all; cannot normalize")
        arr = arr / sums[:, None]
    else:
        off = np.abs(sums - 1) > tol
        if off.any():
            r = int(np.argmax(off))
            raise SmeTeachError(
                f"shares of firm {labels[r]!r} sum to {sums[r]:g}, expected 1 "
                "(pass normalize=True to rescale raw sales)"
            )
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(arr > 0, -arr * np.log(np.where(arr > 0, arr, 1.0)), 0.0)
    e = terms.sum(axis=1)
    if single:
        return float(e[0])
    return pd.Series(e, index=shares.index, name="entropy")


def _name_bad_cell(frame: pd.DataFrame):
    """Raise an error naming the row and column of the first non-finite cell of ``frame``."""
    numeric = frame.apply(pd.to_numeric, errors="coerce")
    bad = ~np.isfinite(numeric.to_numpy(dtype=float))
    if bad.any():
        r, c = np.argwhere(bad)[0]
        value = frame.iat[r, c]
        if isinstance(value, np.generic):  # show inf, not np.float64(inf)
            value = value.item()
        raise SmeTeachError(
            f"expected finite numbers; row {frame.index[r]!r}, column {frame.columns[c]!r} "
            f"holds {value!r}"
        )


def doi_index(data, components=None, weights=None):
    """A composite degree of internationalization (DOI) in the spirit of Sullivan (1994).

    The index is the weighted mean of share-type attributes, each between 0 and 1.
    Sullivan's five attributes are available as columns (see ``DOI_COMPONENTS``):

    ``fsts``  foreign sales / total sales;
    ``fata``  foreign assets / total assets;
    ``osts``  overseas subsidiaries / total subsidiaries;
    ``tmie``  top managers' international experience (share of careers abroad);
    ``pdio``  psychic dispersion of international operations (share of the ten
    Ronen-Shenkar psychic zones in which the firm operates).

    Parameters
    ----------
    data : dict, pandas.Series or pandas.DataFrame
        One firm (dict/Series: component → value) or many (DataFrame, rows = firms).
        Extra columns are ignored.
    components : list of str, optional
        Which components to use. Default: those of the five present in ``data``.
    weights : dict, optional
        Component → non-negative weight; default equal weights.

    Returns
    -------
    float or pandas.Series
        The index between 0 and 1 (a Series named ``doi`` for a DataFrame).

    Raises
    ------
    SmeTeachError
        For an unknown component, a value outside [0, 1], NaN or bad weights.

    Notes
    -----
    Sullivan (1994) summed the five ratios (range 0-5); here they are averaged so
    the index reads as a share (multiply by the number of components to get his
    scale). SME datasets rarely hold assets or managers' careers, so the course often
    uses only ``fsts``, ``osts`` and ``pdio``; the index then measures something
    narrower, and values computed from different components must not be compared.
    Ramaswamy, Kroeck and Renforth (1996) criticised Sullivan's scale: the items
    measure different things (performance, structure, attitude), so adding them
    assumes they are interchangeable, and the internal-consistency test he used does
    not establish validity. Show students the components, not only the total.

    References
    ----------
    Sullivan, D. (1994). Measuring the degree of internationalization of a firm.
    *Journal of International Business Studies*, 25(2), 325-342.
    Ramaswamy, K., Kroeck, K. G., & Renforth, W. (1996). Measuring the degree of
    internationalization of a firm: A comment. *Journal of International Business
    Studies*, 27(1), 167-177.

    Examples
    --------
    >>> doi_index({"fsts": 0.4, "osts": 0.0, "pdio": 0.2})
    0.2
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"fsts": [0.4, 0.9], "osts": [0.0, 0.5]}, index=["a", "b"])
    >>> doi_index(firms, weights={"fsts": 3, "osts": 1})
    a    0.300
    b    0.800
    Name: doi, dtype: float64
    """
    single = not isinstance(data, pd.DataFrame)
    if single:
        if isinstance(data, pd.Series):
            data = data.to_dict()
        if not isinstance(data, dict):
            raise SmeTeachError(
                f"data must be a dict, Series or DataFrame of DOI components; got {type(data).__name__}"
            )
        frame = pd.DataFrame([data])
    else:
        frame = data
    if components is None:
        components = [c for c in DOI_COMPONENTS if c in frame.columns]
        if not components:
            raise SmeTeachError(
                f"no DOI components found; expected some of {list(DOI_COMPONENTS)}, "
                f"got {[str(c) for c in frame.columns]}"
            )
        check_columns(frame, components, "data")
    else:
        if isinstance(components, str):
            components = [components]
        if not isinstance(components, (list, tuple, pd.Index, np.ndarray)):
            raise SmeTeachError(
                f"components must be a list of DOI components such as {list(DOI_COMPONENTS)[:2]}; "
                f"got {type(components).__name__}"
            )
        components = check_choices(list(components), list(DOI_COMPONENTS), "DOI component")
        if not components:
            raise SmeTeachError(f"components is empty; expected some of {list(DOI_COMPONENTS)}")
        if len(set(components)) < len(components):
            raise SmeTeachError(f"components lists a DOI component twice: {components}; expected each once")
        check_columns(frame, components, "data")
    if weights is None:
        w = np.ones(len(components))
    else:
        if not isinstance(weights, dict):
            raise SmeTeachError(f"weights must be a dict component → weight; got {type(weights).__name__}")
        check_choices(list(weights), components, "weighted DOI component")
        w = check_range([weights.get(c, 0.0) for c in components], 0, np.inf, "weights")
        if w.sum() <= 0:
            raise SmeTeachError("weights must not all be zero")
    values = np.column_stack(
        [check_range(frame[c].to_numpy(), 0, 1, f"DOI component {c!r}") for c in components]
    )
    doi = values @ (w / w.sum())
    if single:
        return float(np.round(doi[0], 12))
    return pd.Series(doi, index=frame.index, name="doi")
