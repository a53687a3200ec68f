"""Classification rules from the stage, network and international-entrepreneurship theories."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import SmeTeachError
from .._validate import broadcast, check_bool, check_choice, check_columns, check_number, check_range, suggest

__all__ = [
    "UPPSALA_STAGES",
    "UPPSALA_MODES",
    "INNOVATION_STAGES",
    "BORN_GLOBAL_DEFINITIONS",
    "uppsala_stage",
    "innovation_stage",
    "network_situation",
    "inv_type",
    "INV_MAX_YEARS",
    "INV_TYPES",
    "NOT_INV",
    "classify_born_global",
]

#: The establishment chain (Johanson & Wiedersheim-Paul 1975).
UPPSALA_STAGES = {
    1: "no regular export activities",
    2: "export via independent representatives (agents)",
    3: "sales subsidiary",
    4: "production/manufacturing subsidiary",
}

#: Entry-mode words → establishment-chain step. Keys are lower case with underscores.
UPPSALA_MODES = {
    "none": 1,
    "no_export": 1,
    "sporadic_export": 1,
    "irregular_export": 1,
    "unsolicited_orders": 1,
    "agent": 2,
    "export_agent": 2,
    "independent_agent": 2,
    "distributor": 2,
    "indirect_export": 2,
    "direct_export": 2,
    "regular_export": 2,
    # the words of datasets' sme_panel entries table
    "no_regular_export": 1,
    "export_via_agent": 2,
    "export_via_agents": 2,
    # Contractual and shared-equity modes have no step of their own in the chain. The course
    # places licensing with agents (an independent foreign party, little own commitment) and a
    # joint venture with sales subsidiaries (own equity in the market). These are assumptions
    # for students to question, not part of Johanson & Wiedersheim-Paul (1975).
    "licensing": 2,
    "franchising": 2,
    "joint_venture": 3,
    "sales_subsidiary": 3,
    "sales_office": 3,
    "production_subsidiary": 4,
    "manufacturing_subsidiary": 4,
    "production": 4,
}

#: Boolean activity columns :func:`uppsala_stage` understands, highest step first.
_UPPSALA_FLAGS = {
    "production_subsidiary": 4,
    "sales_subsidiary": 3,
    "agent_export": 2,
    "regular_export": 2,
}


def _mode_to_stage(value, where: str) -> int:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return 1
    if not isinstance(value, str):
        raise SmeTeachError(
            f"{where}: expected an entry-mode word such as 'agent' or 'sales_subsidiary', got {value!r}"
        )
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in UPPSALA_MODES:
        raise SmeTeachError(
            f"{where}: unknown entry mode {value!r}{suggest(key, UPPSALA_MODES)}; expected one of: "
            f"{', '.join(UPPSALA_MODES)}"
        )
    return UPPSALA_MODES[key]


def uppsala_stage(activities):
    """Step of the Uppsala establishment chain reached, from a firm's activities.

    The chain has four steps: 1 no regular export activities; 2 export via
    independent representatives (agents); 3 a sales subsidiary; 4 a production or
    manufacturing subsidiary. A market's stage is the highest step whose activity
    is present.

    Parameters
    ----------
    activities : str, dict, list, pandas.Series or pandas.DataFrame
        Either **entry-mode words** (see ``UPPSALA_MODES``; case, spaces and hyphens
        are forgiven; None/NaN means no activity):

        - one word → int;
        - a list, dict (market → word) or Series → Series of stages;
        - a DataFrame of words (rows = firms, columns = markets) → DataFrame of stages.

        Or **boolean activity flags** with keys/columns among ``agent_export``,
        ``regular_export``, ``sales_subsidiary``, ``production_subsidiary``:

        - a dict of flags (one firm-market) → int;
        - a DataFrame of flags (rows = firms or firm-markets) → Series of stages.

    Returns
    -------
    int, pandas.Series or pandas.DataFrame
        Stages 1-4; see ``UPPSALA_STAGES`` for their names. A firm's overall stage
        across markets is ``.max(axis=1)`` of the DataFrame form.

    Raises
    ------
    SmeTeachError
        For an unknown mode word (with close matches), or flags that are not booleans.

    Notes
    -----
    The chain was observed in four Swedish manufacturers (Johanson &
    Wiedersheim-Paul 1975); Johanson and Vahlne (1977) explain it as learning
    that raises commitment step by step. It describes a typical order, not a law:
    firms skip steps, and born globals (:func:`classify_born_global`) start near the
    end. Any regular exporting counts as step 2 here (agents and distributors are the
    typical form); the seed paper lists the same four steps.

    References
    ----------
    Johanson, J., & Wiedersheim-Paul, F. (1975). The internationalization of the
    firm: Four Swedish cases. *Journal of Management Studies*, 12(3), 305-322.
    Johanson, J., & Vahlne, J.-E. (1977). The internationalization process of the
    firm. *Journal of International Business Studies*, 8(1), 23-32.

    Examples
    --------
    >>> uppsala_stage("sales subsidiary")
    3
    >>> uppsala_stage({"IND": "agent", "GBR": "production_subsidiary", "USA": None}).tolist()
    [2, 4, 1]
    >>> import pandas as pd
    >>> flags = pd.DataFrame({"agent_export": [True, False], "sales_subsidiary": [True, False]})
    >>> uppsala_stage(flags).tolist()
    [3, 1]
    >>> uppsala_stage("licence")
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: activity: unknown entry mode 'licence'; expected one of: ...
    """
    if isinstance(activities, str) or activities is None:
        return _mode_to_stage(activities, "activity")
    if isinstance(activities, dict) and activities and set(activities) <= set(_UPPSALA_FLAGS) and all(
        isinstance(v, (bool, np.bool_)) for v in activities.values()
    ):
        return int(uppsala_stage(pd.DataFrame([activities])).iloc[0])
    if isinstance(activities, pd.DataFrame):
        flag_cols = [c for c in activities.columns if c in _UPPSALA_FLAGS]
        if flag_cols and len(flag_cols) == len(activities.columns):
            stage = np.ones(len(activities), dtype=int)
            if activities.columns.has_duplicates:
                raise SmeTeachError(f"activity flag columns must be unique; got {list(activities.columns)}")
            for col in flag_cols:
                values = activities[col]
                if not (pd.api.types.is_bool_dtype(values)):
                    raise SmeTeachError(
                        f"activity flag column {col!r} must hold True/False, got dtype {values.dtype}"
                    )
                stage = np.where(values.to_numpy(dtype=bool), np.maximum(stage, _UPPSALA_FLAGS[col]), stage)
            return pd.Series(stage, index=activities.index, name="uppsala_stage")
        out = activities.copy()
        result = {}
        for col in activities.columns:
            result[col] = [
                _mode_to_stage(v, f"row {idx!r}, market {col!r}") for idx, v in activities[col].items()
            ]
        out = pd.DataFrame(result, index=activities.index, columns=activities.columns).astype(int)
        return out
    if isinstance(activities, dict):
        activities = pd.Series(activities, dtype=object)
    if isinstance(activities, (list, tuple, np.ndarray)):
        activities = pd.Series(list(activities), dtype=object)
    if isinstance(activities, pd.Series):
        return pd.Series(
            [_mode_to_stage(v, f"market {k!r}") for k, v in activities.items()],
            index=activities.index,
            name="uppsala_stage",
            dtype=int,
        )
    raise SmeTeachError(
        "activities must be an entry-mode word, a list/dict/Series of words, or a DataFrame; "
        f"got {type(activities).__name__}"
    )


#: Bilkey & Tesar (1977) six stages and Cavusgil (1980) five stages.
INNOVATION_STAGES = {
    "bilkey_tesar": {
        1: "not interested in exporting (would not even fill an unsolicited order)",
        2: "fills unsolicited orders but does not explore active exporting",
        3: "actively explores the feasibility of exporting",
        4: "exports experimentally to a psychologically close country",
        5: "experienced exporter to that country",
        6: "explores exporting to more distant countries",
    },
    "cavusgil": {
        1: "domestic marketing",
        2: "pre-export stage",
        3: "experimental involvement",
        4: "active involvement",
        5: "committed involvement",
    },
}

_INNOVATION_COLUMNS = [
    "fills_unsolicited_orders",
    "explores_exporting",
    "years_exporting",
    "explores_distant_markets",
]


def innovation_stage(data, model: str = "bilkey_tesar", *, experienced_after: float = 2.0,
                     labels: bool = False):
    """Stage of the innovation-related (I-) models of internationalization.

    Bilkey and Tesar's (1977) six stages separate *passive* from *active* exporting: a
    firm that only fills the orders that come to it stays at stage 2 however long it has
    done so; only a firm that actively explores exporting can become an experimental
    (4) and then an experienced (5) exporter to a psychologically close country, and
    finally explore more distant ones (6). Rule (the first condition that holds):

    ==================================================================  =====
    condition                                                           B&T
    ==================================================================  =====
    explores exporting, exporting ≥ ``experienced_after`` years, and
    explores more distant countries                                     6
    explores exporting, exporting ≥ ``experienced_after`` years         5
    explores exporting, exporting for less than that (> 0 years)        4
    explores exporting, not exporting yet                               3
    does not explore exporting but fills unsolicited orders, or exports
    without exploring (that can only be answering orders)               2
    none of these                                                       1
    ==================================================================  =====

    Cavusgil's (1980) five stages are reached through the **course's cross-mapping**
    (neither paper maps onto the other): B&T 1 and 2 → 1 *domestic marketing* (answering
    the odd foreign order is not yet Cavusgil's active search), 3 → 2 *pre-export*, 4 and
    5 → 3 *experimental involvement* (still one psychologically close country), 6 → 4
    *active involvement* (more, new countries), and 6 with ``depends_on_foreign_markets``
    → 5 *committed involvement* (management allocates resources between home and
    foreign markets), a stage Bilkey and Tesar do not have.

    Parameters
    ----------
    data : dict or pandas.DataFrame
        One firm (dict) or many (rows). Keys/columns: ``fills_unsolicited_orders``,
        ``explores_exporting``, ``explores_distant_markets`` (booleans),
        ``years_exporting`` (number ≥ 0; 0 = does not export) and, optionally,
        ``depends_on_foreign_markets`` (boolean, default False; used for Cavusgil's
        committed involvement only).
    model : {"bilkey_tesar", "cavusgil"}
        Six stages (Bilkey & Tesar 1977) or five (Cavusgil 1980, via the course's mapping).
    experienced_after : float, default 2.0
        Years of active exporting after which a firm counts as experienced (a course
        choice; neither paper gives a number).
    labels : bool, default False
        Return stage descriptions instead of numbers.

    Returns
    -------
    int, str or pandas.Series

    Notes
    -----
    Both models are descriptive sequences from surveys of US exporters (smaller Wisconsin
    manufacturers for Bilkey & Tesar), not measured scales. The questions behind the
    flags are judgement calls, and the B&T → Cavusgil mapping is the course's; the seed
    paper groups the I-models into three phases (pre-export, experimental, advanced;
    Coviello & Munro 1997). Reid (1981) and Czinkota (1982) proposed further I-model
    sequences with different stage counts, which is a reason to read any stage number
    as an ordering, not a measurement.

    References
    ----------
    Bilkey, W. J., & Tesar, G. (1977). The export behavior of smaller-sized Wisconsin
    manufacturing firms. *Journal of International Business Studies*, 8(1), 93-98.
    Cavusgil, S. T. (1980). On the internationalization process of firms. *European
    Research*, 8(6), 273-281.

    Examples
    --------
    >>> firm = {"fills_unsolicited_orders": True, "explores_exporting": True,
    ...         "years_exporting": 1, "explores_distant_markets": False}
    >>> innovation_stage(firm)
    4
    >>> innovation_stage(firm, "cavusgil", labels=True)
    'experimental involvement'

    Ten years of filling unsolicited orders, never exploring exporting, is still stage 2:

    >>> passive = {"fills_unsolicited_orders": True, "explores_exporting": False,
    ...            "years_exporting": 10, "explores_distant_markets": False}
    >>> innovation_stage(passive), innovation_stage(passive, "cavusgil")
    (2, 1)
    """
    check_choice(model, list(INNOVATION_STAGES), "innovation model")
    single = isinstance(data, dict)
    if single:
        frame = pd.DataFrame([data])
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise SmeTeachError(f"data must be a dict (one firm) or a DataFrame; got {type(data).__name__}")
    check_columns(frame, _INNOVATION_COLUMNS, "innovation-stage data")
    flags = {}
    for col in ("fills_unsolicited_orders", "explores_exporting", "explores_distant_markets"):
        if not pd.api.types.is_bool_dtype(frame[col]):
            raise SmeTeachError(f"column {col!r} must hold True/False, got dtype {frame[col].dtype}")
        flags[col] = frame[col].to_numpy(dtype=bool)
    years = check_range(frame["years_exporting"].to_numpy(), 0, np.inf, "years_exporting")
    exp = check_number(experienced_after, 0, np.inf, "experienced_after")
    labels = check_bool(labels, "labels")
    depends = np.zeros(len(frame), dtype=bool)
    if "depends_on_foreign_markets" in frame.columns:
        if not pd.api.types.is_bool_dtype(frame["depends_on_foreign_markets"]):
            raise SmeTeachError("column 'depends_on_foreign_markets' must hold True/False, "
                                f"got dtype {frame['depends_on_foreign_markets'].dtype}")
        depends = frame["depends_on_foreign_markets"].to_numpy(dtype=bool)
    active = flags["explores_exporting"]
    experienced = years >= exp
    bt = np.select(
        [active & experienced & (years > 0) & flags["explores_distant_markets"], active & experienced & (years > 0),
         active & (years > 0), active, flags["fills_unsolicited_orders"] | (years > 0)],
        [6, 5, 4, 3, 2],
        default=1,
    )
    if model == "bilkey_tesar":
        stage = bt
    else:  # the course's cross-mapping (see the docstring)
        stage = np.array([1, 1, 2, 3, 3, 4])[bt - 1]
        stage = np.where((bt == 6) & depends, 5, stage)
    out = pd.Series(stage, index=frame.index, name=f"{model}_stage")
    if labels:
        out = out.map(INNOVATION_STAGES[model])
    if single:
        v = out.iloc[0]
        return v if labels else int(v)
    return out


def network_situation(firm_internationalization, market_internationalization, threshold: float = 0.5):
    """Johanson and Mattsson's (1988) four situations of a firm in an international network.

    ===========================  ============================  ===============================
    degree of internationalization  market (production net): low  market: high
    ===========================  ============================  ===============================
    firm: low                    "early starter"               "late starter"
    firm: high                   "lonely international"        "international among others"
    ===========================  ============================  ===============================

    Parameters
    ----------
    firm_internationalization, market_internationalization : float or array-like
        Degrees between 0 and 1 (for example :func:`doi_index` of the firm and the
        share of its industry's firms that operate abroad).
    threshold : float, default 0.5
        Values greater than or equal to it count as "high".

    Returns
    -------
    str or numpy.ndarray of str (pandas.Series if the firm input is a Series)

    Notes
    -----
    Johanson and Mattsson describe the situations qualitatively; the cut at 0.5 is a
    course convention, so try other values with students. In the seed paper's words,
    internationalization "develops inside the network through commercial
    relationships with other countries" by extension, penetration and integration.

    References
    ----------
    Johanson, J., & Mattsson, L.-G. (1988). Internationalization in industrial
    systems - a network approach. In N. Hood & J.-E. Vahlne (Eds.), *Strategies in
    Global Competition* (pp. 287-314). Croom Helm.

    Examples
    --------
    >>> network_situation(0.2, 0.8)
    'late starter'
    >>> network_situation([0.1, 0.9], [0.1, 0.9]).tolist()
    ['early starter', 'international among others']
    """
    f = check_range(firm_internationalization, 0, 1, "firm_internationalization")
    m = check_range(market_internationalization, 0, 1, "market_internationalization")
    t = check_number(threshold, 0, 1, "threshold")
    f_b, m_b = broadcast(firm_internationalization=f, market_internationalization=m)
    hf, hm = f_b >= t, m_b >= t
    names = np.array(["early starter", "late starter", "lonely international", "international among others"])
    out = names[hf.astype(int) * 2 + hm.astype(int)]
    if out.ndim == 0:
        return str(out)
    if isinstance(firm_internationalization, pd.Series):
        return pd.Series(out, index=firm_internationalization.index, name="network_situation")
    return out


#: The label :func:`inv_type` gives a firm that is not an international new venture.
NOT_INV = "not an INV"
#: Oviatt and McDougall's four types, in the order of their 2×2 (few/many activities × few/many countries).
INV_TYPES = ("export/import start-up", "multinational trader", "geographically focused start-up", "global start-up")
#: The course's reading of "from inception": first foreign activity at most this many years after founding
#: (the founding year or the next one).
INV_MAX_YEARS = 1


def inv_type(value_chain_activities, countries, years_to_first_export=None, *, many_activities: int = 3,
             many_countries: int = 4, max_years: float = INV_MAX_YEARS):
    """Oviatt and McDougall's (1994) four types of international new venture (INV), or "not an INV".

    The typology classifies *international new ventures* only: "a business organization that, from
    inception, seeks to derive significant competitive advantage from the use of resources and the
    sale of outputs in multiple countries" (Oviatt & McDougall, 1994). A firm gets :data:`NOT_INV`
    when it coordinates no activity across borders or is in no foreign country, or — when
    ``years_to_first_export`` is given — when it never went abroad (NaN) or first did so more than
    ``max_years`` after founding (not international from inception). The others are typed:

    ==========================  ==================================  ==============================
    activities coordinated      few countries                        many countries
    ==========================  ==================================  ==============================
    few                         "export/import start-up"             "multinational trader"
    many                        "geographically focused start-up"    "global start-up"
    ==========================  ==================================  ==============================

    Parameters
    ----------
    value_chain_activities : int or array-like of int
        How many value-chain activities (for example of Porter's primary activities:
        inbound logistics, operations, outbound logistics, marketing and sales,
        service) the venture coordinates across countries.
    countries : int or array-like of int
        How many countries the venture is involved in, home excluded.
    years_to_first_export : float or array-like, optional
        Years from founding to the first foreign activity (NaN: never). Without it, only the two
        counts decide (use it whenever you know the firm's timing).
    many_activities : int, default 3
        Counts greater than or equal to this are "many" activities.
    many_countries : int, default 4
        Counts greater than or equal to this are "many" countries.
    max_years : float, default :data:`INV_MAX_YEARS` (1)
        The latest first foreign activity, in years after founding, still read as "from inception".

    Returns
    -------
    str or numpy.ndarray of str (pandas.Series if ``value_chain_activities`` is one)

    Notes
    -----
    "From inception" is Oviatt and McDougall's criterion; they give no number of years, so
    ``max_years=1`` (abroad in the founding year or the next) is **the course's** threshold — vary
    it. It is stricter than the born-global windows of :func:`classify_born_global` (Knight and
    Cavusgil 3 years, Rennie 2): a born global by those definitions need not be an INV here. The two axes are drawn without cut-offs
    too; ``many_activities`` and ``many_countries`` are the course's, so make students defend
    their own.

    References
    ----------
    Oviatt, B. M., & McDougall, P. P. (1994). Toward a theory of international new
    ventures. *Journal of International Business Studies*, 25(1), 45-64.

    Examples
    --------
    >>> inv_type(1, 2)
    'export/import start-up'
    >>> inv_type([1, 4], [9, 9]).tolist()
    ['multinational trader', 'global start-up']
    >>> inv_type(0, 0)                      # a domestic firm
    'not an INV'
    >>> inv_type([4, 4, 4], [9, 9, 9], [1, 6, float("nan")]).tolist()   # abroad after 1 year, 6, never
    ['global start-up', 'not an INV', 'not an INV']
    >>> inv_type(4, 9, 6, max_years=7)
    'global start-up'
    """
    a = check_range(value_chain_activities, 0, np.inf, "value_chain_activities")
    c = check_range(countries, 0, np.inf, "countries")
    for arr, what in ((a, "value_chain_activities"), (c, "countries")):
        frac = np.atleast_1d(arr != np.round(arr))
        if frac.any():
            raise SmeTeachError(f"{what} must be whole counts; found {np.atleast_1d(arr)[frac][0]:g}")
    many_activities = check_number(many_activities, 0, np.inf, "many_activities")
    many_countries = check_number(many_countries, 0, np.inf, "many_countries")
    max_years = check_number(max_years, 0, np.inf, "max_years")
    if years_to_first_export is None:
        a_b, c_b = broadcast(value_chain_activities=a, countries=c)
        late = np.zeros(np.shape(a_b), dtype=bool)
    else:
        try:
            y = np.asarray(years_to_first_export, dtype=float)
        except (TypeError, ValueError):
            raise SmeTeachError(f"years_to_first_export must be numbers of years (NaN: never went abroad), "
                                f"got {years_to_first_export!r}") from None
        negative = np.atleast_1d(y)[np.atleast_1d(y) < 0]
        if negative.size:
            raise SmeTeachError("years_to_first_export must be 0 or more (NaN for a firm that never went abroad); "
                                f"found {negative[0]:g}")
        a_b, c_b, y_b = broadcast(value_chain_activities=a, countries=c, years_to_first_export=y)
        late = np.isnan(y_b) | (np.nan_to_num(y_b, nan=np.inf) > max_years)
    names = np.array(INV_TYPES)
    out = names[(a_b >= many_activities).astype(int) * 2 + (c_b >= many_countries).astype(int)]
    out = np.where(late | (a_b == 0) | (c_b == 0), NOT_INV, out).astype(object).astype(str)
    if out.ndim == 0:
        return str(out)
    if isinstance(value_chain_activities, pd.Series):
        return pd.Series(out, index=value_chain_activities.index, name="inv_type")
    return out


#: Published operational definitions: (max years to first export, min foreign sales share).
BORN_GLOBAL_DEFINITIONS = {
    "knight_cavusgil_2004": (3, 0.25),
    "rennie_1993": (2, 0.75),
}


def classify_born_global(years_to_first_export, foreign_sales_share, *, max_years: float = 3,
                         min_share: float = 0.25, definition: str | None = None):
    """Is a firm a born global? Early first export and a large foreign share of sales.

    A firm is classified as born global when
    ``years_to_first_export <= max_years`` and ``foreign_sales_share >= min_share``.

    Parameters
    ----------
    years_to_first_export : float or array-like
        Years from founding to first export; NaN means the firm has never exported.
    foreign_sales_share : float or array-like
        Foreign sales / total sales (see :func:`fsts`), between 0 and 1.
    max_years : float, default 3
    min_share : float, default 0.25
    definition : {"knight_cavusgil_2004", "rennie_1993"}, optional
        Use a published pair of thresholds instead of ``max_years``/``min_share``.

    Returns
    -------
    bool, numpy.ndarray of bool or pandas.Series

    Notes
    -----
    Definitions differ, and so do the counts of born globals they produce:
    Knight and Cavusgil (2004) use export within 3 years of founding and at least
    25% of sales abroad; Rennie's (1993) McKinsey study of Australian firms describes
    firms that exported about 2 years after founding and sold about three quarters
    abroad; Oviatt and McDougall (1994) define international new ventures
    qualitatively ("from inception") without numbers. Many studies add a founding
    year (e.g. after 1990) or a region (outside the home continent) condition,
    which is not applied here.

    References
    ----------
    Knight, G. A., & Cavusgil, S. T. (2004). Innovation, organizational capabilities,
    and the born-global firm. *Journal of International Business Studies*, 35(2), 124-141.
    Rennie, M. W. (1993). Born global. *McKinsey Quarterly*, (4), 45-52.
    Oviatt, B. M., & McDougall, P. P. (1994). Toward a theory of international new
    ventures. *Journal of International Business Studies*, 25(1), 45-64.

    Examples
    --------
    >>> classify_born_global(2, 0.4)
    True
    >>> classify_born_global([1, 6, float("nan")], [0.8, 0.8, 0.0]).tolist()
    [True, False, False]
    >>> classify_born_global(2, 0.4, definition="rennie_1993")
    False
    """
    if definition is not None:
        check_choice(definition, list(BORN_GLOBAL_DEFINITIONS), "born-global definition")
        max_years, min_share = BORN_GLOBAL_DEFINITIONS[definition]
    years = np.asarray(_as_float(years_to_first_export, "years_to_first_export"))
    if np.isinf(years).any() or (years[~np.isnan(years)] < 0).any():
        raise SmeTeachError("years_to_first_export must be ≥ 0 (or NaN for never exported)")
    share = check_range(foreign_sales_share, 0, 1, "foreign_sales_share")
    max_years = check_number(max_years, 0, np.inf, "max_years")
    min_share = check_number(min_share, 0, 1, "min_share")
    y_b, s_b = broadcast(years_to_first_export=years, foreign_sales_share=share)
    with np.errstate(invalid="ignore"):
        out = (y_b <= max_years) & (s_b >= min_share)
    if out.ndim == 0:
        return bool(out)
    if isinstance(years_to_first_export, pd.Series):
        return pd.Series(out, index=years_to_first_export.index, name="born_global")
    return out


def _as_float(values, what):
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise SmeTeachError(f"{what} must be numbers; could not read {values!r} as numbers") from None
