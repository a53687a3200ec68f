"""Distance between countries: great-circle km, Kogut-Singh cultural distance, CAGE, a destination screen."""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from .._errors import SmeTeachError
from .._validate import check_choice, check_choices, check_columns, check_finite, check_range

__all__ = [
    "EARTH_RADIUS_KM",
    "HOFSTEDE_DIMENSIONS",
    "CAGE_DIMENSIONS",
    "DESTINATION_FACTORS",
    "great_circle_km",
    "kogut_singh",
    "cage_distance",
    "rank_destinations",
]

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: Hofstede's six dimensions, as column names.
HOFSTEDE_DIMENSIONS = ("PDI", "IDV", "MAS", "UAI", "LTO", "IVR")
#: The four CAGE dimensions reported by :func:`cage_distance`.
CAGE_DIMENSIONS = ("cultural", "administrative", "geographic", "economic")
_HALF_CIRCUMFERENCE_KM = np.pi * EARTH_RADIUS_KM
COUNTRY_COLUMNS = ["iso3", "name", "population", "capital_lat", "capital_lon", "languages", "neighbours", "currency",
                   "income_per_person"]


def great_circle_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between points given in decimal degrees (haversine).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array-like
        Latitudes in [-90, 90] and longitudes in [-180, 180]; arrays broadcast.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    Uses a sphere of radius 6371.0088 km (the IUGG mean radius); the error against
    the ellipsoid is below 0.5%. Distance between capitals stands in for the
    distance between markets, which misleads for large countries (USA, Russia, India).

    References
    ----------
    Sinnott, R. W. (1984). Virtues of the haversine. *Sky and Telescope*, 68(2), 159.

    Examples
    --------
    Dhaka to London:

    >>> round(great_circle_km(23.8103, 90.4125, 51.5072, -0.1276))
    7995
    >>> great_circle_km([0, 0], [0, 0], [0, 0], [90, 180]).round(1)
    array([10007.6, 20015.1])
    """
    lat1 = check_range(lat1, -90, 90, "lat1")
    lat2 = check_range(lat2, -90, 90, "lat2")
    lon1 = check_range(lon1, -180, 180, "lon1")
    lon2 = check_range(lon2, -180, 180, "lon2")
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return float(d) if np.ndim(d) == 0 else d


# --------------------------------------------------------------------------- helpers


def _by_iso3(table, what: str) -> pd.DataFrame:
    """Return ``table`` indexed by upper-case ISO3 codes (from an ``iso3`` column or the index)."""
    if not isinstance(table, pd.DataFrame):
        raise SmeTeachError(f"{what} must be a pandas DataFrame, got {type(table).__name__}")
    if "iso3" in table.columns:
        out = table.set_index("iso3", drop=False)
    else:
        out = table.copy()
    idx = out.index.map(lambda c: c.strip().upper() if isinstance(c, str) else c)
    if not all(isinstance(c, str) and len(c) == 3 for c in idx):
        raise SmeTeachError(
            f"{what} must be indexed by ISO3 country codes or have an 'iso3' column; "
            f"got index values like {list(out.index[:3])}"
        )
    out.index = pd.Index(idx, name="iso3")
    if out.index.has_duplicates:
        dup = out.index[out.index.duplicated()][0]
        raise SmeTeachError(f"{what} lists country {dup!r} more than once")
    return out


def _resolve_country(code, table: pd.DataFrame, what: str) -> str:
    """Return the table's ISO3 code for ``code``; raise listing close matches if unknown."""
    if not isinstance(code, str):
        raise SmeTeachError(f"{what} must be an ISO3 country code such as 'BGD', got {code!r}")
    key = code.strip().upper()
    if key in table.index:
        return key
    names = {}
    for col in ("name", "country"):
        if col in table.columns:
            names.update({str(n).lower(): i for i, n in table[col].items() if isinstance(n, str)})
        if code.strip().lower() in names:
            return names[code.strip().lower()]
    close = difflib.get_close_matches(key, list(table.index), n=3, cutoff=0.6)
    close += [names[n] for n in difflib.get_close_matches(code.strip().lower(), list(names), n=3, cutoff=0.6)]
    hint = f"; close matches: {', '.join(dict.fromkeys(close))}" if close else ""
    raise SmeTeachError(
        f"unknown {what} {code!r}{hint}; expected an ISO3 code present in the table ({len(table)} countries)"
    )


def _hosts(hosts, table: pd.DataFrame, home: str, required=()) -> list[str]:
    if hosts is None:
        # by default, every other country whose facts this measure needs are all present
        complete = table[list(required)].notna().all(axis=1) if required else pd.Series(True, table.index)
        return [c for c in table.index if c != home and complete[c]]
    if isinstance(hosts, str):
        hosts = [hosts]
    try:
        hosts = list(hosts)
    except TypeError:
        raise SmeTeachError(f"hosts must be ISO3 codes (a list of str), got {type(hosts).__name__}") from None
    return [_resolve_country(h, table, "host country") for h in hosts]


# --------------------------------------------------------------------------- Kogut-Singh


def kogut_singh(scores, home, hosts=None, dimensions=("PDI", "IDV", "MAS", "UAI"), variances=None,
                *, missing: str = "nan", details: bool = False):
    """Kogut and Singh's (1988) cultural distance index from Hofstede scores.

    ``CD_j = Σ_i ((I_ij − I_iu)² / V_i) / n``, where ``I_ij`` is country j's score
    on dimension i, u is the home country, ``V_i`` the variance of dimension i and
    n the number of dimensions.

    Parameters
    ----------
    scores : pandas.DataFrame
        Hofstede table indexed by ISO3 code, or with an ``iso3`` column; columns
        among PDI, IDV, MAS, UAI, LTO, IVR (NaN = not surveyed).
    home : str
        ISO3 code of the home country (a country name from a ``name`` column works too).
    hosts : str or list of str, optional
        Host countries; default every other country in the table.
    dimensions : sequence of str, default ("PDI", "IDV", "MAS", "UAI")
        Kogut and Singh used Hofstede's original four; add "LTO", "IVR" if you wish.
    variances : dict or pandas.Series, optional
        Dimension → variance. Default: the sample variance (``ddof=1``, NaN skipped)
        of each dimension over **all rows of** ``scores``.
    missing : {"nan", "skip"}, default "nan"
        When the home or a host lacks a dimension: "nan" gives NaN for that host
        (so every index uses the same n); "skip" averages over the dimensions both
        countries have (n varies per host; see ``details=True``).
    details : bool, default False
        Return a DataFrame with each dimension's term, ``n`` and ``kogut_singh``.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        Indexed by host ISO3 code; Series named ``kogut_singh``.

    Raises
    ------
    SmeTeachError
        For an unknown country (close matches listed), a missing dimension column,
        non-numeric or infinite scores, or a non-positive variance.

    Notes
    -----
    The index inherits Hofstede's assumptions (national averages of IBM employees'
    answers in the 1970s stand for a country's culture) and adds its own: every
    dimension weighs the same once scaled by its variance, and distance is symmetric
    (Shenkar 2001 calls this the "illusion of symmetry"). The default variances
    depend on which countries the table holds, so the same pair can get a different
    value from a different table; pass ``variances`` to fix them.

    References
    ----------
    Kogut, B., & Singh, H. (1988). The effect of national culture on the choice of
    entry mode. *Journal of International Business Studies*, 19(3), 411-432.
    Hofstede, G. (1980). *Culture's Consequences*. Sage.
    Shenkar, O. (2001). Cultural distance revisited. *Journal of International
    Business Studies*, 32(3), 519-535.

    Examples
    --------
    >>> import pandas as pd
    >>> h = pd.DataFrame({"PDI": [80, 35], "IDV": [20, 89], "MAS": [55, 66], "UAI": [60, 35]},
    ...                  index=["BGD", "GBR"])
    >>> v = {"PDI": 400, "IDV": 600, "MAS": 300, "UAI": 500}
    >>> kogut_singh(h, "BGD", variances=v).round(3)
    iso3
    GBR    3.663
    Name: kogut_singh, dtype: float64
    >>> kogut_singh(h, "BDG")
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: unknown home country 'BDG'; close matches: BGD; expected an ISO3 code present in the table (2 countries)
    """
    table = _by_iso3(scores, "scores")
    if isinstance(dimensions, str):
        dimensions = [dimensions]
    if not isinstance(dimensions, (list, tuple, pd.Index, np.ndarray)):
        raise SmeTeachError(
            f"dimensions must be a list of Hofstede dimensions such as ['PDI', 'IDV'], got {dimensions!r}"
        )
    dimensions = check_choices(list(dimensions), list(HOFSTEDE_DIMENSIONS), "Hofstede dimension")
    if not dimensions:
        raise SmeTeachError("dimensions is empty; expected some of PDI, IDV, MAS, UAI, LTO, IVR")
    if len(set(dimensions)) < len(dimensions):
        dup = next(d for d in dimensions if dimensions.count(d) > 1)
        raise SmeTeachError(f"dimension {dup!r} is listed twice in dimensions={dimensions}")
    check_columns(table, dimensions, "Hofstede table")
    check_choice(missing, ["nan", "skip"], "missing rule")
    values = table[dimensions].apply(pd.to_numeric, errors="coerce").astype(float)
    raw_bad = values.isna() & table[dimensions].notna()
    if raw_bad.to_numpy().any():
        r, c = np.argwhere(raw_bad.to_numpy())[0]
        raise SmeTeachError(
            f"Hofstede scores must be numbers; {table.index[r]!r} has {table[dimensions].iat[r, c]!r} for {dimensions[c]}"
        )
    if np.isinf(values.to_numpy(dtype=float)).any():
        raise SmeTeachError("Hofstede scores must be finite (NaN marks a missing score)")
    home = _resolve_country(home, table, "home country")
    host_list = _hosts(hosts, table, home)
    if variances is None:
        var = values.var(ddof=1)
    else:
        if isinstance(variances, dict):
            variances = pd.Series(variances, dtype=object)
        if not isinstance(variances, pd.Series):
            raise SmeTeachError(f"variances must be a dict or Series dimension → variance, got {type(variances).__name__}")
        check_columns(pd.DataFrame(columns=variances.index), dimensions, "variances")
        var = pd.Series(check_finite(variances[dimensions].to_numpy(), "variances"), index=dimensions)
    var = var[dimensions]
    if not (var > 0).all():
        bad = var[~(var > 0)]
        raise SmeTeachError(
            f"variance of {bad.index[0]} is {float(bad.iloc[0]):g}; need a positive variance "
            "(the table needs at least two countries with different scores, or pass variances=)"
        )
    diff = values.loc[host_list].to_numpy(dtype=float) - values.loc[home].to_numpy(dtype=float)
    terms = diff**2 / var.to_numpy(dtype=float)
    n = np.sum(~np.isnan(terms), axis=1)
    if missing == "nan":
        cd = terms.sum(axis=1) / len(dimensions)
        cd[n < len(dimensions)] = np.nan
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            cd = np.nansum(terms, axis=1) / np.where(n > 0, n, np.nan)
    index = pd.Index(host_list, name="iso3")
    if details:
        out = pd.DataFrame(terms / np.where(n > 0, n, np.nan)[:, None], index=index, columns=dimensions)
        out["n"] = n
        out["kogut_singh"] = cd
        return out
    return pd.Series(cd, index=index, name="kogut_singh")


# --------------------------------------------------------------------------- CAGE


def _split_codes(value) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        parts = value.replace(",", ";").split(";")
    elif isinstance(value, (list, tuple, set, np.ndarray)):
        parts = list(value)
    else:
        raise SmeTeachError(f"expected a ';'-separated string or a list of codes, got {value!r}")
    return [str(p).strip() for p in parts if str(p).strip()]


def _languages(value) -> set[str]:
    """Language codes without region suffix, lower case: 'en-GB;bn' → {'en', 'bn'}."""
    return {p.lower().split("-")[0].split("_")[0] for p in _split_codes(value)}


def _neighbours(value, iso2_to_iso3: dict, iso3s, country: str) -> set[str]:
    out = set()
    for code in _split_codes(value):
        code = code.upper()
        if len(code) == 3:
            out.add(code)
        elif len(code) == 2:
            if code in iso2_to_iso3:
                out.add(iso2_to_iso3[code])
            elif not iso2_to_iso3:
                raise SmeTeachError(
                    f"neighbours of {country!r} use the 2-letter code {code!r}; add an 'iso2' column to the "
                    "countries table or give neighbours as ISO3 codes"
                )
            # an ISO2 code missing from the table's iso2 column is a country outside the table
        else:
            raise SmeTeachError(f"neighbours of {country!r}: {code!r} is neither an ISO3 nor an ISO2 code")
    return out


def _prepare_countries(countries) -> pd.DataFrame:
    if countries is None:
        # measures never load data: the caller passes the table (the use-case layer does it for you)
        raise SmeTeachError(
            "no countries table given; pass countries=sme_teach.datasets.load_countries() (or your own "
            "table with columns " + ", ".join(COUNTRY_COLUMNS) + ")"
        )
    table = _by_iso3(countries, "countries")
    check_columns(table.reset_index(drop="iso3" in table.columns), COUNTRY_COLUMNS, "countries table")
    return table


def cage_distance(home, hosts=None, countries=None, weights=None):
    """Ghemawat's (2001) CAGE distance: cultural, administrative, geographic, economic.

    Each dimension is scored between 0 (no distance) and 1 from facts in a
    countries table:

    - **cultural** = 1 if home and host share no language, else 0. A language is a
      country's if it is official there (``languages``) or, when the table has a
      ``spoken_languages`` column (the shipped one does), spoken there by at least
      5 % of the people (CLDR): Bengali is shared by Bangladesh and India, English
      by Bangladesh (18 %) and the UK;
    - **administrative** = 1 if they use different currencies, else 0;
    - **geographic** = mean of (great-circle km between capitals / 20,015 km, the
      largest possible) and (1 if they share no land border, else 0);
    - **economic** = ``|ln income_host − ln income_home|`` divided by the largest
      such gap in the table (``ln max − ln min`` of ``income_per_person``) — the gap
      in income per person, Ghemawat's "differences in consumer incomes". A host
      without an income figure gets NaN for economic and total.

    ``total`` is the weighted mean of the four scores, so it also lies in [0, 1].

    Parameters
    ----------
    home : str
        ISO3 code (or name) of the home country.
    hosts : str or list of str, optional
        Host countries; default every other country in the table that has capital
        coordinates and an income figure (the shipped income table covers 142).
    countries : pandas.DataFrame
        Columns ``iso3, name, population, capital_lat, capital_lon, languages,
        neighbours, currency, income_per_person`` (more are ignored; income may be
        NaN for hosts, not for home). ``languages`` and ``neighbours``
        are lists or ';'-separated strings; neighbours may be ISO3 codes or ISO2
        codes (then an ``iso2`` column is needed). Required (a measure loads no
        data): pass ``sme_teach.datasets.load_countries()``, or call
        :func:`sme_teach.cases.cage_table`, which loads it for you.
    weights : dict, optional
        Dimension → non-negative weight; default 1 each.

    Returns
    -------
    pandas.DataFrame
        Indexed by host ISO3: the facts (``common_language``: an official or widely
        spoken language in common; ``common_currency``, ``contiguous``, ``distance_km``,
        ``income_ratio`` = host income / home income, ``log_income_gap``), the four
        dimension scores and ``total``.

    Raises
    ------
    SmeTeachError
        For an unknown country, missing columns or bad weights.

    Notes
    -----
    Ghemawat's framework is a checklist, not a formula; this scoring is the
    course's. It leaves out most of his attributes: religion, ethnicity and social
    norms (cultural), colonial ties, trade agreements and political hostility
    (administrative), climate, access to sea and transport links (geographic), and
    the cost and quality of labour, natural resources and infrastructure (economic:
    only income per person is scored). Ghemawat also notes that economic distance
    can attract as well as deter — a firm seeking cheap labour goes far on purpose
    — so a large gap is "distance" here, not necessarily a bad market. Population
    (market size) is not economic distance; :func:`rank_destinations` scores it
    separately as ``small_market``. Language codes
    are compared without region ("en-GB" = "en"); contiguity counts if either
    country lists the other. Binary scores make ties common: read the facts columns.

    References
    ----------
    Ghemawat, P. (2001). Distance still matters: The hard reality of global
    expansion. *Harvard Business Review*, 79(8), 137-147.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({
    ...     "iso3": ["BGD", "IND", "GBR"], "name": ["Bangladesh", "India", "United Kingdom"],
    ...     "population": [170e6, 1400e6, 67e6],
    ...     "capital_lat": [23.81, 28.61, 51.51], "capital_lon": [90.41, 77.21, -0.13],
    ...     "languages": ["bn", "hi;en;bn", "en"], "neighbours": ["IND;MMR", "BGD;PAK", "IRL"],
    ...     "currency": ["BDT", "INR", "GBP"], "income_per_person": [1391.3, 2452.2, 33203.3]})
    >>> cage_distance("BGD", ["IND", "GBR"], c)[["cultural", "administrative", "geographic", "economic", "total"]].round(3)
          cultural  administrative  geographic  economic  total
    iso3
    IND        0.0             1.0       0.035     0.179  0.304
    GBR        1.0             1.0       0.700     1.000  0.925
    """
    table = _prepare_countries(countries)
    home = _resolve_country(home, table, "home country")
    host_list = _hosts(hosts, table, home, required=("capital_lat", "capital_lon", "income_per_person"))
    w = _weights(weights, CAGE_DIMENSIONS, "CAGE dimension")

    iso2_to_iso3 = {}
    if "iso2" in table.columns:
        iso2_to_iso3 = {str(v).strip().upper(): k for k, v in table["iso2"].items() if isinstance(v, str)}
    used = [home, *host_list]
    facts = {}
    for col, low, high in (("population", 0, np.inf), ("capital_lat", -90, 90), ("capital_lon", -180, 180)):
        col_values = pd.to_numeric(table[col], errors="coerce").astype(float)
        for c in used:  # only the countries compared need complete facts
            v = col_values[c]
            if not (np.isfinite(v) and low <= v <= high) or (col == "population" and v <= 0):
                raise SmeTeachError(
                    f"country {c!r} has {col} = {table.at[c, col]!r}; expected a number "
                    f"{'> 0' if col == 'population' else f'between {low} and {high}'}"
                )
        facts[col] = col_values
    lat, lon = facts["capital_lat"].to_numpy(), facts["capital_lon"].to_numpy()
    income = pd.to_numeric(table["income_per_person"], errors="coerce").astype(float)
    home_income = income[home]
    if not (np.isfinite(home_income) and home_income > 0):
        raise SmeTeachError(
            f"home country {home!r} has income_per_person = {table.at[home, 'income_per_person']!r}; expected a "
            "number > 0 (economic distance compares income per person; see datasets/income.md)"
        )
    bad = income[(income <= 0) | np.isinf(income)]
    if len(bad):
        raise SmeTeachError(f"country {bad.index[0]!r} has income_per_person = {bad.iloc[0]!r}; expected a number > 0 or NaN")
    pos = {c: i for i, c in enumerate(table.index)}

    spoken = "spoken_languages" in table.columns

    def langs_of(country):
        out = _languages(table.at[country, "languages"])
        return out | _languages(table.at[country, "spoken_languages"]) if spoken else out

    hl = langs_of(home)
    hn = _neighbours(table.at[home, "neighbours"], iso2_to_iso3, table.index, home)
    hc = str(table.at[home, "currency"]).strip().upper() if isinstance(table.at[home, "currency"], str) else None
    rows = []
    for h in host_list:
        langs = langs_of(h)
        nb = _neighbours(table.at[h, "neighbours"], iso2_to_iso3, table.index, h)
        cur = table.at[h, "currency"]
        cur = str(cur).strip().upper() if isinstance(cur, str) else None
        rows.append({
            "common_language": bool(hl & langs),
            "common_currency": bool(hc is not None and hc == cur),
            "contiguous": bool(h in hn or home in nb),
        })
    out = pd.DataFrame(rows, index=pd.Index(host_list, name="iso3"),
                       columns=["common_language", "common_currency", "contiguous"])
    ih = [pos[h] for h in host_list]
    out["distance_km"] = great_circle_km(lat[pos[home]], lon[pos[home]], lat[ih], lon[ih]) if ih else []
    loginc = np.log(income)  # NaN for countries without an income figure
    spread = float(loginc.max() - loginc.min())
    out["income_ratio"] = income.loc[host_list].to_numpy() / home_income
    out["log_income_gap"] = np.abs(loginc.loc[host_list].to_numpy() - loginc[home])
    out["cultural"] = 1.0 - out["common_language"].astype(float)
    out["administrative"] = 1.0 - out["common_currency"].astype(float)
    out["geographic"] = 0.5 * np.minimum(out["distance_km"] / _HALF_CIRCUMFERENCE_KM, 1.0) + 0.5 * (
        1.0 - out["contiguous"].astype(float)
    )
    out["economic"] = out["log_income_gap"] / spread if spread > 0 else out["log_income_gap"] * 0.0
    out["total"] = out[list(CAGE_DIMENSIONS)].to_numpy() @ (w / w.sum())
    return out


def _weights(weights, allowed, what) -> np.ndarray:
    if weights is None:
        return np.ones(len(allowed))
    if not isinstance(weights, (dict, pd.Series)):
        raise SmeTeachError(f"weights must be a dict {what} → weight, got {type(weights).__name__}")
    weights = dict(weights)
    check_choices(list(weights), list(allowed), what)
    w = check_range([weights.get(k, 0.0) for k in allowed], 0, np.inf, "weights")
    if w.sum() <= 0:
        raise SmeTeachError(f"weights must not all be zero; got {weights}")
    return w


# --------------------------------------------------------------------------- destination screen

#: Factors :func:`rank_destinations` can weigh (all read as "higher = less attractive").
DESTINATION_FACTORS = (*CAGE_DIMENSIONS, "psychic", "small_market")


def rank_destinations(home, candidates, weights, countries=None, hofstede=None):
    """A transparent destination screen: weighted, normalised distances → rank.

    Every factor is scored between 0 (best) and 1 (worst) for each candidate:

    - ``cultural``, ``administrative``, ``geographic``, ``economic``: the CAGE scores
      of :func:`cage_distance` (economic = the gap in income per person);
    - ``psychic``: Kogut-Singh cultural distance (needs ``hofstede``) divided by the
      largest value among the candidates;
    - ``small_market``: 1 − (ln population − min) / (max − min) over the candidates
      (the largest market scores 0) — the only factor that reads population, so
      market size is counted once.

    ``contribution = weight / Σ weights × score``; ``total`` is their sum; rank 1 is
    the lowest total (the most attractive candidate).

    Parameters
    ----------
    home : str
        ISO3 code of the home country.
    candidates : list of str
        ISO3 codes of the destinations to compare.
    weights : dict
        Factor → non-negative weight; factors left out are not used.
    countries : pandas.DataFrame
        As for :func:`cage_distance` (required).
    hofstede : pandas.DataFrame, optional
        As for :func:`kogut_singh`; needed only for the ``psychic`` factor. A
        candidate without Hofstede scores gets NaN and is ranked last.

    Returns
    -------
    pandas.DataFrame
        One row per candidate, sorted by rank: ``name``, ``score_<factor>`` and
        ``contribution_<factor>`` for each weighted factor, ``total`` and ``rank``.

    Notes
    -----
    The screen is deliberately simple so that students can see why a country wins.
    Normalising by the candidates (``psychic``, ``small_market``) means adding or
    removing a candidate can change the others' scores; weights are value
    judgements to be argued, not estimated. The seed paper: "Destinations or country
    evaluation requires intense research and evaluation. There are different
    techniques for evaluating among different probable destinations."

    References
    ----------
    Ghemawat, P. (2001). Distance still matters. *Harvard Business Review*, 79(8), 137-147.
    Kogut, B., & Singh, H. (1988). *Journal of International Business Studies*, 19(3), 411-432.
    Root, F. R. (1994). *Entry Strategies for International Markets*. Lexington Books.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({
    ...     "iso3": ["BGD", "IND", "GBR"], "name": ["Bangladesh", "India", "United Kingdom"],
    ...     "population": [170e6, 1400e6, 67e6],
    ...     "capital_lat": [23.81, 28.61, 51.51], "capital_lon": [90.41, 77.21, -0.13],
    ...     "languages": ["bn", "hi;en;bn", "en"], "neighbours": ["IND;MMR", "BGD;PAK", "IRL"],
    ...     "currency": ["BDT", "INR", "GBP"], "income_per_person": [1391.3, 2452.2, 33203.3]})
    >>> r = rank_destinations("BGD", ["GBR", "IND"], {"geographic": 2, "small_market": 1}, countries=c)
    >>> r[["total", "rank"]].round(3)
           total  rank
    iso3
    IND    0.024     1
    GBR    0.800     2
    """
    w = _weights(weights, DESTINATION_FACTORS, "destination factor")
    used = [f for f, x in zip(DESTINATION_FACTORS, w) if x > 0]
    table = _prepare_countries(countries)
    if isinstance(candidates, str):
        candidates = [candidates]
    if candidates is not None and (isinstance(candidates, (bytes, dict)) or not hasattr(candidates, "__iter__")):
        raise SmeTeachError(f"candidates must be a list of ISO3 codes, got {candidates!r}")
    candidates = [] if candidates is None else list(candidates)
    if len(candidates) == 0:
        raise SmeTeachError("candidates is empty; expected a list of ISO3 codes")
    cage = cage_distance(home, list(candidates), table)
    cand = list(cage.index)
    scores = pd.DataFrame(index=cage.index)
    for f in CAGE_DIMENSIONS:
        scores[f] = cage[f]
    if "psychic" in used:
        if hofstede is None:
            raise SmeTeachError("the 'psychic' factor needs hofstede= a Hofstede table (see kogut_singh)")
        h_table = _by_iso3(hofstede, "hofstede")
        covered = [c for c in cand if c in h_table.index]
        ks = kogut_singh(h_table, home, covered).reindex(cand) if covered else pd.Series(np.nan, index=cand)
        top = ks.max()
        scores["psychic"] = ks / top if top > 0 else ks * 0.0
    if "small_market" in used:
        lp = np.log(table.loc[cand, "population"].astype(float))
        span = lp.max() - lp.min()
        scores["small_market"] = 1 - (lp - lp.min()) / span if span > 0 else 0.0
    share = w / w.sum()
    out = pd.DataFrame(index=cage.index)
    out["name"] = table.loc[cand, "name"].to_numpy()
    for f, s in zip(DESTINATION_FACTORS, share):
        if s > 0:
            out[f"score_{f}"] = scores[f]
    for f, s in zip(DESTINATION_FACTORS, share):
        if s > 0:
            out[f"contribution_{f}"] = s * scores[f]
    out["total"] = out[[f"contribution_{f}" for f in used]].sum(axis=1, skipna=False)
    out["rank"] = out["total"].rank(method="min", na_option="bottom").astype(int)
    return out.sort_values(["rank", "total"], kind="stable")
