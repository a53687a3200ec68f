"""great_circle_km, kogut_singh, cage_distance, rank_destinations."""

import numpy as np
import pandas as pd
import pytest

from sme_teach import SmeTeachError
from sme_teach.measures import cage_distance, great_circle_km, kogut_singh, rank_destinations


def test_great_circle_dhaka_london_about_8000_km():
    d = great_circle_km(23.8103, 90.4125, 51.5072, -0.1276)
    assert 7900 < d < 8100


def test_great_circle_vectorised_and_symmetric():
    lat1, lon1 = np.array([0.0, 10.0]), np.array([0.0, 20.0])
    lat2, lon2 = np.array([0.0, -10.0]), np.array([90.0, -20.0])
    d = great_circle_km(lat1, lon1, lat2, lon2)
    assert d.shape == (2,)
    assert d[0] == pytest.approx(np.pi / 2 * 6371.0088)
    assert np.allclose(d, great_circle_km(lat2, lon2, lat1, lon1))
    assert great_circle_km(5, 5, 5, 5) == 0.0
    with pytest.raises(SmeTeachError, match="lat1 must lie between -90 and 90"):
        great_circle_km(91, 0, 0, 0)


# ---------------------------------------------------------------- Kogut-Singh

HOFSTEDE = pd.DataFrame(
    {
        "iso3": ["BGD", "GBR", "IND", "SAU"],
        "name": ["Bangladesh", "United Kingdom", "India", "Saudi Arabia"],
        "PDI": [80, 35, 77, 95],
        "IDV": [20, 89, 48, 25],
        "MAS": [55, 66, 56, 60],
        "UAI": [60, 35, 40, np.nan],
    }
)


def test_kogut_singh_by_hand_with_stated_variances():
    v = {"PDI": 400.0, "IDV": 600.0, "MAS": 300.0, "UAI": 500.0}
    # BGD → GBR: (45²/400 + 69²/600 + 11²/300 + 25²/500) / 4
    by_hand = (2025 / 400 + 4761 / 600 + 121 / 300 + 625 / 500) / 4
    assert by_hand == pytest.approx(3.662708, abs=1e-6)  # 14.650833 / 4
    got = kogut_singh(HOFSTEDE, "BGD", ["GBR"], variances=v)
    assert got["GBR"] == pytest.approx(by_hand)


def test_kogut_singh_default_sample_variance_and_index_form():
    table = HOFSTEDE.set_index("iso3")
    dims = ["PDI", "IDV", "MAS"]
    var = table[dims].var(ddof=1)
    expected = sum((table.loc["IND", d] - table.loc["BGD", d]) ** 2 / var[d] for d in dims) / 3
    assert kogut_singh(table, "BGD", "IND", dimensions=dims)["IND"] == pytest.approx(expected)
    # the iso3-column form and the index form agree
    assert kogut_singh(HOFSTEDE, "bgd", dimensions=dims).equals(kogut_singh(table, "BGD", dimensions=dims))


def test_kogut_singh_missing_dimension_rules():
    nan_rule = kogut_singh(HOFSTEDE, "BGD")
    assert np.isnan(nan_rule["SAU"]) and np.isfinite(nan_rule["GBR"])
    skip = kogut_singh(HOFSTEDE, "BGD", missing="skip", details=True)
    assert skip.loc["SAU", "n"] == 3 and skip.loc["GBR", "n"] == 4
    dims = ["PDI", "IDV", "MAS"]
    assert skip.loc["SAU", "kogut_singh"] == pytest.approx(
        kogut_singh(HOFSTEDE, "BGD", "SAU", dimensions=dims, variances=HOFSTEDE[["PDI", "IDV", "MAS", "UAI"]].var())["SAU"]
    )
    # details' per-dimension terms add up to the index
    d = kogut_singh(HOFSTEDE, "BGD", details=True)
    assert np.allclose(d[["PDI", "IDV", "MAS", "UAI"]].sum(axis=1).loc[["GBR", "IND"]], d["kogut_singh"].loc[["GBR", "IND"]])


def test_kogut_singh_errors():
    with pytest.raises(SmeTeachError, match="unknown home country 'BDG'; close matches: BGD"):
        kogut_singh(HOFSTEDE, "BDG")
    with pytest.raises(SmeTeachError, match="unknown host country 'Indai'.*IND"):
        kogut_singh(HOFSTEDE, "BGD", ["Indai"])
    assert kogut_singh(HOFSTEDE, "Bangladesh", ["India"]).index.tolist() == ["IND"]
    with pytest.raises(SmeTeachError, match="missing columns"):
        kogut_singh(HOFSTEDE, "BGD", dimensions=("PDI", "LTO"))
    with pytest.raises(SmeTeachError, match="unknown Hofstede dimension"):
        kogut_singh(HOFSTEDE, "BGD", dimensions=("PD",))
    with pytest.raises(SmeTeachError, match="positive variance"):
        kogut_singh(HOFSTEDE, "BGD", variances={"PDI": 0, "IDV": 1, "MAS": 1, "UAI": 1})
    bad = HOFSTEDE.assign(PDI=["80", "x", 77, 95])
    with pytest.raises(SmeTeachError, match="'GBR' has 'x' for PDI"):
        kogut_singh(bad, "BGD")


# ---------------------------------------------------------------- CAGE


def countries(neighbours_iso2=False):
    t = pd.DataFrame({
        "iso3": ["BGD", "IND", "GBR", "IRL", "FRA"],
        "iso2": ["BD", "IN", "GB", "IE", "FR"],
        "name": ["Bangladesh", "India", "United Kingdom", "Ireland", "France"],
        "continent": ["Asia", "Asia", "Europe", "Europe", "Europe"],
        "population": [170e6, 1400e6, 67e6, 5e6, 68e6],
        "area_km2": [148e3, 3287e3, 243e3, 70e3, 551e3],
        "capital_lat": [23.8103, 28.6139, 51.5072, 53.3498, 48.8566],
        "capital_lon": [90.4125, 77.2090, -0.1276, -6.2603, 2.3522],
        "languages": ["bn", "hi;en", "en-GB", "en;ga", ["fr"]],
        "neighbours": ["IND;MMR", "BGD;PAK;CHN", "IRL", "GBR", ""],
        "currency": ["BDT", "INR", "GBP", "EUR", "EUR"],
        "income_per_person": [1391.3, 2452.2, 33203.3, 40676.0, 30470.0],
    })
    if neighbours_iso2:
        t["neighbours"] = ["IN;MM", "BD;PK;CN", "IE", ["GB"], None]
    return t


def test_cage_dimensions_separately():
    out = cage_distance("GBR", ["IRL", "FRA", "BGD"], countries())
    assert out.loc["IRL", "common_language"] and out.loc["IRL", "contiguous"]
    assert out.loc["IRL", "cultural"] == 0.0 and out.loc["FRA", "cultural"] == 1.0
    assert out.loc["IRL", "administrative"] == 1.0  # GBP vs EUR
    assert cage_distance("IRL", "FRA", countries()).loc["FRA", "administrative"] == 0.0  # both EUR
    d = great_circle_km(51.5072, -0.1276, 23.8103, 90.4125)
    assert out.loc["BGD", "distance_km"] == pytest.approx(d)
    assert out.loc["BGD", "geographic"] == pytest.approx(0.5 * d / (np.pi * 6371.0088) + 0.5)
    # economic distance is the gap in income per person (Ghemawat 2001), not in population
    spread = np.log(40676.0) - np.log(1391.3)
    assert out.loc["BGD", "economic"] == pytest.approx(abs(np.log(1391.3) - np.log(33203.3)) / spread)
    assert out.loc["BGD", "income_ratio"] == pytest.approx(1391.3 / 33203.3)
    dims = out[["cultural", "administrative", "geographic", "economic"]]
    assert np.allclose(out["total"], dims.mean(axis=1))
    assert ((dims >= 0) & (dims <= 1)).all().all()


def test_cage_weights_and_iso2_neighbours():
    w = cage_distance("GBR", None, countries(), weights={"geographic": 1})
    assert np.allclose(w["total"], w["geographic"])
    assert set(w.index) == {"BGD", "IND", "IRL", "FRA"}
    a = cage_distance("BGD", ["IND", "GBR"], countries())
    b = cage_distance("BGD", ["IND", "GBR"], countries(neighbours_iso2=True))
    assert a["contiguous"].tolist() == b["contiguous"].tolist() == [True, False]


def test_cage_errors():
    with pytest.raises(SmeTeachError, match="unknown home country 'GRB'.*GBR"):
        cage_distance("GRB", ["IRL"], countries())
    with pytest.raises(SmeTeachError, match="missing columns"):
        cage_distance("GBR", ["IRL"], countries().drop(columns="currency"))
    no_iso2 = countries(neighbours_iso2=True).drop(columns="iso2")
    with pytest.raises(SmeTeachError, match="2-letter code"):
        cage_distance("GBR", ["IRL"], no_iso2)
    with pytest.raises(SmeTeachError, match="unknown CAGE dimension 'culture'"):
        cage_distance("GBR", ["IRL"], countries(), weights={"culture": 1})
    bad = countries()
    bad.loc[3, "capital_lat"] = np.nan
    with pytest.raises(SmeTeachError, match="'IRL' has capital_lat"):
        cage_distance("GBR", ["IRL"], bad)
    cage_distance("GBR", ["FRA"], bad)  # a gap elsewhere in the table does not matter


def test_rank_destinations_contributions_add_up():
    r = rank_destinations("BGD", ["GBR", "IND", "FRA"], {"geographic": 1, "psychic": 1, "small_market": 2},
                          countries=countries(), hofstede=HOFSTEDE)
    contrib = r.filter(like="contribution_")
    assert contrib.columns.tolist() == ["contribution_geographic", "contribution_psychic",
                                        "contribution_small_market"]
    assert r.loc["FRA", "rank"] == 3 and np.isnan(r.loc["FRA", "total"])  # no Hofstede scores for FRA
    ok = r.dropna(subset=["total"])
    assert np.allclose(contrib.loc[ok.index].sum(axis=1), ok["total"])
    assert np.allclose(r["contribution_small_market"], 0.5 * r["score_small_market"])
    assert r["rank"].tolist() == sorted(r["rank"].tolist())
    assert r.index[0] == "IND"
    with pytest.raises(SmeTeachError, match="needs hofstede"):
        rank_destinations("BGD", ["GBR"], {"psychic": 1}, countries=countries())
    with pytest.raises(SmeTeachError, match="unknown destination factor"):
        rank_destinations("BGD", ["GBR"], {"distance": 1}, countries=countries())


def test_with_shipped_countries_and_hofstede():
    # The tables ship with the package (datasets/countries.csv, hofstede.csv): a loader that fails
    # is a bug to report, never a reason to skip.
    from sme_teach import datasets

    c = datasets.load_countries()
    out = cage_distance("BGD", ["IND", "MMR", "GBR"], c)
    assert out.loc["IND", "contiguous"] and out.loc["MMR", "contiguous"] and not out.loc["GBR", "contiguous"]
    assert 7900 < out.loc["GBR", "distance_km"] < 8100
    h = datasets.load_hofstede()
    ks = kogut_singh(h, "BGD", ["IND", "GBR"])
    assert ks["IND"] < ks["GBR"]
    r = rank_destinations("BGD", ["IND", "GBR", "USA"], {"geographic": 1, "psychic": 1},
                          countries=c, hofstede=h)
    assert r.index[0] == "IND"


def _one_sided(home_lists_host: bool, host_lists_home: bool) -> pd.DataFrame:
    """Two countries on the equator 1° of longitude apart; who lists whom as a neighbour is chosen."""
    return pd.DataFrame({
        "iso3": ["AAA", "BBB"], "name": ["A-land", "B-land"], "population": [1e6, 1e6],
        "capital_lat": [0.0, 0.0], "capital_lon": [0.0, 1.0], "languages": ["aa", "bb"],
        "neighbours": ["BBB" if home_lists_host else "", "AAA" if host_lists_home else ""],
        "currency": ["AAD", "BBD"], "income_per_person": [1000.0, 1000.0]})


@pytest.mark.parametrize("home_lists_host, host_lists_home, contiguous", [
    (True, True, True), (True, False, True), (False, True, True), (False, False, False)])
def test_cage_contiguity_counts_if_either_country_lists_the_other(home_lists_host, host_lists_home, contiguous):
    # Border lists in real data are not always symmetric; the docstring promises "either".
    out = cage_distance("AAA", ["BBB"], _one_sided(home_lists_host, host_lists_home))
    assert bool(out.loc["BBB", "contiguous"]) is contiguous
    # 1° of longitude on the equator = 2πR/360 = 111.195 km (R = 6371.0088 km, the mean radius)
    km = 2 * np.pi * 6371.0088 / 360
    assert out.loc["BBB", "distance_km"] == pytest.approx(km, rel=1e-9)
    half_circle = np.pi * 6371.0088
    assert out.loc["BBB", "geographic"] == pytest.approx(0.5 * km / half_circle + (0.0 if contiguous else 0.5))
    # no language or currency shared, equal incomes (spread 0 -> economic 0)
    assert out.loc["BBB", ["cultural", "administrative", "economic"]].tolist() == [1.0, 1.0, 0.0]
    assert out.loc["BBB", "total"] == pytest.approx((1 + 1 + out.loc["BBB", "geographic"] + 0) / 4)
    # and seen from the other side the answer is the same
    back = cage_distance("BBB", ["AAA"], _one_sided(home_lists_host, host_lists_home))
    assert bool(back.loc["AAA", "contiguous"]) is contiguous


def test_cage_distance_default_hosts_skip_countries_without_capital_coordinates():
    from sme_teach import datasets
    from sme_teach.measures import cage_distance

    countries = datasets.load_countries()
    out = cage_distance("BGD", countries=countries)
    missing = set(countries.loc[countries["capital_lat"].isna() | countries["income_per_person"].isna(), "iso3"])
    assert set(countries.loc[countries["capital_lat"].isna(), "iso3"]), \
        "the shipped table has territories without capitals; this test relies on one"
    assert not missing & set(out.index)
    assert len(out) == len(countries) - 1 - len(missing)
    assert out["total"].notna().all()


# ---------------------------------------------------------------- contracts pinned by mutation testing
# Every value below is worked by hand; every message is matched whole (^…$), because a student or a
# lecturer acts on it.

TWO = pd.DataFrame({"PDI": [80, 35], "IDV": [20, 89], "MAS": [55, 66], "UAI": [60, 35]}, index=["BGD", "GBR"])


def test_kogut_singh_two_countries_default_variance_is_exactly_two():
    # with two countries the sample variance (ddof=1) of a dimension is (a − b)² / 2, so every term
    # (a − b)² / V is 2 and so is their mean, whatever the scores
    assert kogut_singh(TWO, "BGD")["GBR"] == pytest.approx(2.0)
    assert kogut_singh(TWO, "GBR")["BGD"] == pytest.approx(2.0)
    d = kogut_singh(TWO, "BGD", details=True)
    assert d.columns.tolist() == ["PDI", "IDV", "MAS", "UAI", "n", "kogut_singh"]
    assert d.loc["GBR", ["PDI", "IDV", "MAS", "UAI"]].tolist() == pytest.approx([0.5] * 4)  # 2 / n each
    assert d.loc["GBR", "n"] == 4 and d.index.name == "iso3"
    s = kogut_singh(TWO, "BGD")
    assert s.name == "kogut_singh" and s.index.name == "iso3" and s.index.tolist() == ["GBR"]


def test_kogut_singh_skip_rule_by_hand():
    v = {"PDI": 400, "IDV": 600, "MAS": 300, "UAI": 500}
    t = pd.concat([TWO, pd.DataFrame({"PDI": [77], "IDV": [48], "MAS": [56], "UAI": [np.nan]}, index=["IND"])])
    # BGD → IND over PDI, IDV, MAS: (3²/400 + 28²/600 + 1²/300) / 3
    by_hand = (9 / 400 + 784 / 600 + 1 / 300) / 3
    assert kogut_singh(t, "BGD", "IND", variances=v, missing="skip")["IND"] == pytest.approx(by_hand)
    assert np.isnan(kogut_singh(t, "BGD", "IND", variances=v)["IND"])
    d = kogut_singh(t, "BGD", variances=v, missing="skip", details=True)
    assert d.loc["IND", "n"] == 3 and d.loc["IND", "PDI"] == pytest.approx(9 / 400 / 3)
    assert np.isnan(d.loc["IND", "UAI"])
    # the home lacking a dimension: NaN for everyone under "nan"; skipped under "skip"
    home_gap = t.copy()
    home_gap.loc["BGD", "UAI"] = np.nan
    assert kogut_singh(home_gap, "BGD", variances=v).isna().all()
    assert kogut_singh(home_gap, "BGD", "GBR", variances=v, missing="skip")["GBR"] == pytest.approx(
        (2025 / 400 + 4761 / 600 + 121 / 300) / 3)
    # a host with no dimension in common: NaN, not a division by zero
    empty = pd.concat([TWO, pd.DataFrame({"PDI": [np.nan], "IDV": [np.nan], "MAS": [np.nan], "UAI": [np.nan]},
                                         index=["XXX"])])
    assert np.isnan(kogut_singh(empty, "BGD", "XXX", variances=v, missing="skip")["XXX"])


def test_kogut_singh_dimensions_and_variances_forms():
    v = pd.Series({"PDI": 400, "IDV": 600, "MAS": 300, "UAI": 500, "LTO": 1})
    assert kogut_singh(TWO, "BGD", dimensions="PDI", variances=v)["GBR"] == pytest.approx(2025 / 400)
    assert kogut_singh(TWO, "BGD", dimensions=("IDV", "MAS"), variances=v)["GBR"] == pytest.approx(
        (4761 / 600 + 121 / 300) / 2)
    assert kogut_singh(TWO, "BGD", dimensions=np.array(["UAI"]), variances=v)["GBR"] == pytest.approx(625 / 500)
    assert kogut_singh(TWO, "BGD", dimensions=pd.Index(["UAI"]), variances=v.to_dict())["GBR"] == pytest.approx(1.25)
    # text scores that are numbers are read as numbers
    assert kogut_singh(TWO.astype(str), "BGD", variances=v)["GBR"] == pytest.approx(
        (2025 / 400 + 4761 / 600 + 121 / 300 + 625 / 500) / 4)
    # table codes are trimmed and upper-cased
    assert kogut_singh(TWO.set_axis([" bgd", "gbr "]), "BGD", variances=v).index.tolist() == ["GBR"]


@pytest.mark.parametrize("kwargs, message", [
    (dict(scores={"PDI": [1]}), r"^scores must be a pandas DataFrame, got dict$"),
    (dict(scores=TWO.set_axis(["BD", "GB"])),
     r"^scores must be indexed by ISO3 country codes or have an 'iso3' column; got index values like \['BD', 'GB'\]$"),
    (dict(scores=TWO.set_axis(["BGD", "bgd"])), r"^scores lists country 'BGD' more than once$"),
    (dict(dimensions=5), r"^dimensions must be a list of Hofstede dimensions such as \['PDI', 'IDV'\], got 5$"),
    (dict(dimensions=[]), r"^dimensions is empty; expected some of PDI, IDV, MAS, UAI, LTO, IVR$"),
    (dict(dimensions=["PDI", "IDV", "PDI"]),
     r"^dimension 'PDI' is listed twice in dimensions=\['PDI', 'IDV', 'PDI'\]$"),
    (dict(missing="zero"), r"^unknown missing rule 'zero'; expected one of: nan, skip$"),
    (dict(scores=TWO.assign(PDI=[80, np.inf])), r"^Hofstede scores must be finite \(NaN marks a missing score\)$"),
    (dict(scores=TWO.assign(MAS=[55, "high"])), r"^Hofstede scores must be numbers; 'GBR' has 'high' for MAS$"),
    (dict(variances=[1, 2]), r"^variances must be a dict or Series dimension → variance, got list$"),
    (dict(variances={"PDI": 1, "IDV": 1, "MAS": 1}), r"^variances is missing columns \['UAI'\]"),
    (dict(variances={"PDI": 1, "IDV": -2, "MAS": 1, "UAI": 1}),
     r"^variance of IDV is -2; need a positive variance \(the table needs at least two countries with different "
     r"scores, or pass variances=\)$"),
    (dict(scores=TWO.assign(MAS=[55, 55])), r"^variance of MAS is 0; need a positive variance"),
    (dict(home=5), r"^home country must be an ISO3 country code such as 'BGD', got 5$"),
    (dict(hosts=5), r"^hosts must be ISO3 codes \(a list of str\), got int$"),
    (dict(home="ZZZ"), r"^unknown home country 'ZZZ'; expected an ISO3 code present in the table \(2 countries\)$"),
])
def test_kogut_singh_error_messages(kwargs, message):
    call = {"scores": TWO, "home": "BGD", **kwargs}
    with pytest.raises(SmeTeachError, match=message):
        kogut_singh(**call)


def test_countries_are_found_by_name_and_close_matches_by_name_are_listed():
    h = HOFSTEDE.set_index("iso3")
    assert kogut_singh(h, " bangladesh ", "india").index.tolist() == ["IND"]
    with pytest.raises(SmeTeachError, match=r"^unknown host country 'Indiaa'; close matches: IND; expected an ISO3"):
        kogut_singh(h, "BGD", "Indiaa")
    # a "country" column works as well as "name"
    c = HOFSTEDE.rename(columns={"name": "country"})
    assert kogut_singh(c, "Bangladesh", "Saudi Arabia", dimensions=["PDI"]).index.tolist() == ["SAU"]
    # close matches of the code and of the name, each once
    with pytest.raises(SmeTeachError, match=r"close matches: GBR; expected"):
        kogut_singh(h, "GRB")


def _toy(**changes) -> pd.DataFrame:
    """Three made-up countries on the equator, facts chosen per test."""
    t = pd.DataFrame({
        "iso3": ["AAA", "BBB", "CCC"], "name": ["A-land", "B-land", "C-land"],
        "population": [1e6, 1e6, 1e6], "capital_lat": [0.0, 0.0, 0.0], "capital_lon": [0.0, 1.0, 2.0],
        "languages": ["aa", "bb", "cc"], "neighbours": ["", "", ""], "currency": ["AAD", "BBD", "CCD"],
        "income_per_person": [1000.0, 1000.0, 1000.0]})
    for col, values in changes.items():
        t[col] = values
    return t


def test_cage_fact_limits_are_inclusive_and_messages_exact():
    ok = _toy(capital_lat=[-90.0, 90.0, 0.0], capital_lon=[-180.0, 180.0, 0.0], population=[0.5, 1e6, 1e6])
    out = cage_distance("AAA", ["BBB", "CCC"], ok)
    assert out["distance_km"].tolist() == pytest.approx([np.pi * 6371.0088, np.pi / 2 * 6371.0088])
    assert np.isfinite(out["economic"]).all()  # a population of 0.5 is positive (and population is not economic)
    for col, bad, expect in [("capital_lat", 90.5, "between -90 and 90"), ("capital_lat", -90.5, "between -90 and 90"),
                             ("capital_lon", 180.5, "between -180 and 180"), ("capital_lon", -181, "between -180 and 180"),
                             ("population", 0.0, "> 0"), ("population", "many", "> 0")]:
        t = _toy()
        t[col] = t[col].astype(object)
        t.loc[1, col] = bad
        with pytest.raises(SmeTeachError, match=rf"^country 'BBB' has {col} = {bad!r}; expected a number {expect}$"):
            cage_distance("AAA", ["BBB"], t)


def test_cage_result_shape_and_empty_hosts():
    out = cage_distance("AAA", ["BBB"], _toy())
    assert out.columns.tolist() == ["common_language", "common_currency", "contiguous", "distance_km",
                                    "income_ratio", "log_income_gap", "cultural", "administrative", "geographic", "economic",
                                    "total"]
    assert out.index.name == "iso3" and out.index.tolist() == ["BBB"]
    none = cage_distance("AAA", [], _toy())
    assert len(none) == 0 and none.columns.tolist() == out.columns.tolist()


def test_cage_economic_gap_uses_the_whole_tables_spread():
    # incomes 1000, 2000, 4000: ln gaps ln2, ln4 over a spread ln4 → economic 0.5 and 1
    out = cage_distance("AAA", ["BBB", "CCC"], _toy(income_per_person=[1000.0, 2000.0, 4000.0]))
    assert out["log_income_gap"].tolist() == pytest.approx([np.log(2), np.log(4)])
    assert out["economic"].tolist() == pytest.approx([0.5, 1.0])
    # a spread below 1 (ln 1.5) is still a spread: economic 1 for the other country
    small = cage_distance("AAA", ["BBB"], _toy(income_per_person=[1000.0, 1500.0, 1000.0]))
    assert small.loc["BBB", "economic"] == pytest.approx(1.0)
    # a country outside the comparison without an income figure does not enter the spread
    gap = _toy(income_per_person=[1000.0, 2000.0, np.nan])
    assert cage_distance("AAA", ["BBB"], gap).loc["BBB", "economic"] == pytest.approx(1.0)
    # a host without an income figure: economic and total are NaN, not guessed
    assert cage_distance("AAA", ["CCC"], gap).loc["CCC", ["economic", "total"]].isna().all()


def test_cage_economic_distance_reads_income_not_population():
    """Ghemawat (2001): economic distance is differences in consumer income; population is market size."""
    base = cage_distance("AAA", ["BBB", "CCC"], _toy(income_per_person=[1000.0, 2000.0, 4000.0]))
    more_people = cage_distance("AAA", ["BBB", "CCC"], _toy(income_per_person=[1000.0, 2000.0, 4000.0],
                                                            population=[1e6, 5e8, 2e6]))
    pd.testing.assert_series_equal(base["economic"], more_people["economic"])
    richer = cage_distance("AAA", ["BBB", "CCC"], _toy(income_per_person=[1000.0, 1000.0, 4000.0]))
    assert richer.loc["BBB", "economic"] == 0.0 and richer.loc["CCC", "economic"] == 1.0
    with pytest.raises(SmeTeachError, match="home country 'AAA' has income_per_person"):
        cage_distance("AAA", ["BBB"], _toy(income_per_person=[np.nan, 1.0, 1.0]))
    with pytest.raises(SmeTeachError, match="missing columns \\['income_per_person'\\]"):
        cage_distance("AAA", ["BBB"], _toy().drop(columns="income_per_person"))


def test_rank_destinations_counts_population_once():
    """Population enters only small_market; economic moves with income alone."""
    t = _toy(income_per_person=[1000.0, 2000.0, 4000.0], population=[1e6, 1e6, 1e8])
    r = rank_destinations("AAA", ["BBB", "CCC"], {"economic": 1, "small_market": 1}, countries=t)
    assert r.loc["BBB", "score_economic"] == pytest.approx(0.5) and r.loc["CCC", "score_economic"] == pytest.approx(1.0)
    assert r.loc["BBB", "score_small_market"] == 1.0 and r.loc["CCC", "score_small_market"] == 0.0
    t2 = t.assign(population=[1e6, 1e8, 1e8])
    r2 = rank_destinations("AAA", ["BBB", "CCC"], {"economic": 1, "small_market": 1}, countries=t2)
    pd.testing.assert_series_equal(r["score_economic"].sort_index(), r2["score_economic"].sort_index())


def test_shipped_income_puts_india_closer_than_japan_to_bangladesh():
    """With income per person, India (2007: $2,452) is economically closer to Bangladesh ($1,391) than Japan ($31,656)."""
    from sme_teach import cases

    out = cases.cage_table("BGD", ["IND", "JPN"])
    assert out.loc["IND", "economic"] < out.loc["JPN", "economic"]
    assert out.loc["IND", "income_ratio"] == pytest.approx(2452.2 / 1391.3, rel=1e-3)


def test_cage_missing_currency_is_not_a_shared_currency_and_language_variants_match():
    t = _toy(currency=[np.nan, np.nan, "CCD"], languages=["en_GB", "en", "EN-us;fr"])
    out = cage_distance("AAA", ["BBB", "CCC"], t)
    assert out["common_currency"].tolist() == [False, False] and out["administrative"].tolist() == [1.0, 1.0]
    assert out["common_language"].tolist() == [True, True]  # en_GB = en = EN-us
    commas = _toy(neighbours=["BBB,CCC", "", ""])
    assert cage_distance("AAA", ["BBB", "CCC"], commas)["contiguous"].tolist() == [True, True]


def test_cage_neighbour_and_table_messages():
    t = _toy(neighbours=["BB", "", ""])
    with pytest.raises(SmeTeachError, match=r"^neighbours of 'AAA' use the 2-letter code 'BB'; add an 'iso2' column to "
                                            r"the countries table or give neighbours as ISO3 codes$"):
        cage_distance("AAA", ["BBB"], t)
    with pytest.raises(SmeTeachError, match=r"^neighbours of 'BBB': 'BBBB' is neither an ISO3 nor an ISO2 code$"):
        cage_distance("AAA", ["BBB"], _toy(neighbours=["", "BBBB", ""]))
    with pytest.raises(SmeTeachError, match=r"^expected a ';'-separated string or a list of codes, got 5$"):
        cage_distance("AAA", ["BBB"], _toy(neighbours=["", 5, ""]))
    with pytest.raises(SmeTeachError, match=r"^countries must be a pandas DataFrame, got list$"):
        cage_distance("AAA", ["BBB"], [1])
    with pytest.raises(SmeTeachError, match=r"^countries table is missing columns \['currency'\]; expected columns"):
        cage_distance("AAA", ["BBB"], _toy().drop(columns="currency"))
    with pytest.raises(SmeTeachError, match=r"^weights must be a dict CAGE dimension → weight, got list$"):
        cage_distance("AAA", ["BBB"], _toy(), weights=[1])
    with pytest.raises(SmeTeachError, match=r"^weights must lie between 0 and inf; found -1 at position 0$"):
        cage_distance("AAA", ["BBB"], _toy(), weights={"cultural": -1})
    with pytest.raises(SmeTeachError, match=r"^weights must not all be zero; got \{'cultural': 0\}$"):
        cage_distance("AAA", ["BBB"], _toy(), weights={"cultural": 0})
    # the iso3 column stays a column; the index is named iso3 and codes are normalised
    t = _toy(iso3=[" aaa", "BBB", "ccc "])
    assert cage_distance("AAA", None, t).index.tolist() == ["BBB", "CCC"]


def test_cage_on_the_shipped_table_through_the_use_case():
    # measures load no data (ARCHITECTURE.md); the use case passes the shipped countries table
    from sme_teach import cases

    out = cases.cage_table("BGD", ["IND"])
    assert out.loc["IND", "contiguous"] and out.loc["IND", "common_currency"] == False  # noqa: E712


def test_rank_destinations_small_market_and_psychic_by_hand():
    c = countries()
    r = rank_destinations("BGD", ["IND", "GBR", "IRL"], {"small_market": 1}, countries=c)
    # 1 − (ln pop − ln min) / (ln max − ln min) over the candidates (1400e6, 67e6, 5e6)
    span = np.log(1400e6 / 5e6)
    assert r.loc["IND", "score_small_market"] == pytest.approx(0.0)
    assert r.loc["GBR", "score_small_market"] == pytest.approx(1 - np.log(67e6 / 5e6) / span)
    assert r.loc["IRL", "score_small_market"] == pytest.approx(1.0)
    assert r.index.tolist() == ["IND", "GBR", "IRL"] and r["rank"].tolist() == [1, 2, 3]
    assert r["rank"].dtype.kind == "i"
    assert r["name"].tolist() == ["India", "United Kingdom", "Ireland"]
    assert r.columns.tolist() == ["name", "score_small_market", "contribution_small_market", "total", "rank"]
    # equal populations: no spread, nobody is a small market; a spread below 1 still ranks
    same = rank_destinations("AAA", ["BBB", "CCC"], {"small_market": 1}, countries=_toy())
    assert same["score_small_market"].tolist() == [0.0, 0.0]
    near = rank_destinations("AAA", ["BBB", "CCC"], {"small_market": 1}, countries=_toy(population=[1e6, 1.2e6, 1e6]))
    assert near.loc["BBB", "score_small_market"] == 0.0 and near.loc["CCC", "score_small_market"] == pytest.approx(1.0)
    # psychic = Kogut-Singh / the largest among the candidates
    h = pd.DataFrame({"PDI": [50, 51, 53, 100], "IDV": [50, 50, 50, 0], "MAS": [50, 50, 50, 0], "UAI": [50, 50, 50, 0]},
                     index=["BGD", "IND", "GBR", "USA"])
    ks = kogut_singh(h, "BGD", ["IND", "GBR"])
    assert ks.max() < 1  # the far-away USA inflates the variances
    p = rank_destinations("BGD", ["IND", "GBR"], {"psychic": 1}, countries=c, hofstede=h)
    assert p.loc["GBR", "score_psychic"] == 1.0 and p.loc["IND", "score_psychic"] == pytest.approx(ks["IND"] / ks["GBR"])
    # identical cultures: every distance 0, scores 0 (not 0/0)
    flat = pd.DataFrame({"PDI": [50, 50, 50, 10], "IDV": [50] * 3 + [10], "MAS": [50] * 3 + [10], "UAI": [50] * 3 + [10]},
                        index=["BGD", "IND", "GBR", "USA"])
    assert rank_destinations("BGD", ["IND", "GBR"], {"psychic": 1}, countries=c, hofstede=flat)[
        "score_psychic"].tolist() == [0.0, 0.0]
    # no candidate in the Hofstede table: no psychic score, everyone ranked last together
    none = rank_destinations("BGD", ["IRL", "FRA"], {"psychic": 1}, countries=c, hofstede=h)
    assert none["score_psychic"].isna().all() and none["rank"].tolist() == [1, 1]


def test_rank_destinations_ties_share_the_best_rank_and_candidate_forms():
    three = pd.concat([_toy(), _toy(iso3=["DDD", "EEE", "FFF"], capital_lon=[5.0, 1.0, 1.0])], ignore_index=True)
    r = rank_destinations("AAA", ["BBB", "EEE", "FFF"], {"geographic": 1}, countries=three)
    assert r["rank"].tolist() == [1, 1, 1]  # the same distance from AAA: "min" ranks
    one = rank_destinations("AAA", "BBB", {"geographic": 1}, countries=_toy())
    assert one.index.tolist() == ["BBB"]
    for bad in (5, {"BBB": 1}, b"BBB"):
        with pytest.raises(SmeTeachError, match=r"^candidates must be a list of ISO3 codes, got "):
            rank_destinations("AAA", bad, {"geographic": 1}, countries=_toy())
    for empty in ([], None):
        with pytest.raises(SmeTeachError, match=r"^candidates is empty; expected a list of ISO3 codes$"):
            rank_destinations("AAA", empty, {"geographic": 1}, countries=_toy())
    with pytest.raises(SmeTeachError, match=r"^the 'psychic' factor needs hofstede= a Hofstede table \(see kogut_singh\)$"):
        rank_destinations("AAA", ["BBB"], {"psychic": 1}, countries=_toy())
    with pytest.raises(SmeTeachError, match=r"^hofstede must be a pandas DataFrame, got list$"):
        rank_destinations("AAA", ["BBB"], {"psychic": 1}, countries=_toy(), hofstede=[1])


def test_kogut_singh_more_edges():
    import warnings

    v = {"PDI": 400, "IDV": 600, "MAS": 300, "UAI": 500}
    with pytest.raises(SmeTeachError, match=r"^dimension 'PDI' is listed twice in dimensions=\['IDV', 'PDI', 'PDI'\]$"):
        kogut_singh(TWO, "BGD", dimensions=["IDV", "PDI", "PDI"])
    with pytest.raises(SmeTeachError, match=r"^Hofstede table is missing columns \['LTO'\]"):
        kogut_singh(TWO, "BGD", dimensions=["PDI", "LTO"])
    with pytest.raises(SmeTeachError, match=r"^variances must be finite numbers; found NaN or infinity at position 1$"):
        kogut_singh(TWO, "BGD", variances={"PDI": 1, "IDV": np.nan, "MAS": 1, "UAI": 1})
    # variances below 1 are fine (scores on a 0-1 scale have them)
    small = kogut_singh(TWO / 100, "BGD", variances={d: 0.5 for d in v})
    assert small["GBR"] == pytest.approx(((0.45 ** 2 + 0.69 ** 2 + 0.11 ** 2 + 0.25 ** 2) / 0.5) / 4)
    # a host sharing exactly one dimension with the home: under "skip" its index is that one term
    one = pd.concat([TWO, pd.DataFrame({"PDI": [77], "IDV": [np.nan], "MAS": [np.nan], "UAI": [np.nan]}, index=["IND"])])
    assert kogut_singh(one, "BGD", "IND", variances=v, missing="skip")["IND"] == pytest.approx(9 / 400)
    d = kogut_singh(one, "BGD", variances=v, missing="skip", details=True)
    assert d.loc["IND", "PDI"] == pytest.approx(9 / 400) and d.loc["IND", "n"] == 1
    assert all(d[c].dtype == float for c in ["PDI", "IDV", "MAS", "UAI", "kogut_singh"])
    # a host with nothing in common: NaN, silently (no RuntimeWarning shown to a student)
    none = pd.concat([TWO, pd.DataFrame({"PDI": [np.nan], "IDV": [np.nan], "MAS": [np.nan], "UAI": [np.nan]},
                                        index=["XXX"])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(kogut_singh(none, "BGD", "XXX", variances=v, missing="skip")["XXX"])
        assert kogut_singh(none, "BGD", variances=v, missing="skip", details=True).loc["XXX"].isna().sum() == 5


def test_cage_without_a_table_says_to_pass_one():
    with pytest.raises(SmeTeachError, match=r"^no countries table given; pass countries=sme_teach\.datasets\."
                                            r"load_countries\(\) \(or your own table with columns iso3, name, "):
        cage_distance("BGD", ["IND"])


@pytest.mark.parametrize("args, name, bad, limits", [
    ((91, 0, 0, 0), "lat1", 91, "-90 and 90"), ((0, 0, -90.5, 0), "lat2", -90.5, "-90 and 90"),
    ((0, -180.5, 0, 0), "lon1", -180.5, "-180 and 180"), ((0, 0, 0, 181), "lon2", 181, "-180 and 180"),
    ((0, 0, 0, -181), "lon2", -181, "-180 and 180"), ((0, 181, 0, 0), "lon1", 181, "-180 and 180"),
    ((0, 0, 91, 0), "lat2", 91, "-90 and 90"), ((-91, 0, 0, 0), "lat1", -91, "-90 and 90"),
])
def test_great_circle_limits_named_and_inclusive(args, name, bad, limits):
    with pytest.raises(SmeTeachError, match=rf"^{name} must lie between {limits}; got {bad:g}$"):
        great_circle_km(*args)


def test_great_circle_edges_by_hand():
    # pole to pole: half the circumference; antipodes on the equator likewise (h = 1 exactly, clipped)
    half = np.pi * 6371.0088
    assert great_circle_km(-90, 0, 90, 0) == pytest.approx(half)
    assert great_circle_km(0, -180, 0, 0) == pytest.approx(half) and great_circle_km(0, 0, 0, 180) == pytest.approx(half)
    assert great_circle_km(0, 180, 0, -180) == pytest.approx(0.0, abs=1e-6)  # the same meridian
    # points a hair apart: h is tiny but never negative, the distance tiny and finite
    d = great_circle_km(10.0, 20.0, 10.0, 20.0 + 1e-9)
    assert 0 <= d < 1e-3 and np.isfinite(d)


# ------------------------------------------------------------------ contracts pinned for `make mutate`
# (great_circle_km and the ISO3 index rules only: nothing here depends on the CAGE formula)

def test_great_circle_km_returns_a_float_for_one_pair_and_survives_rounding_at_antipodes():
    d = great_circle_km(0.0, 0.0, 0.0, 1.0)
    assert type(d) is float and d == pytest.approx(np.pi * 6371.0088 / 180)
    # an antipodal pair whose haversine term rounds to 1 + 2**-52 (found by search): without
    # clipping it to 1 the arcsine is NaN; the distance is half the circumference
    lat, lon = 82.62476569148495, 89.87146909443288
    assert great_circle_km(-lat, lon, lat, lon - 180.0) == pytest.approx(np.pi * 6371.0088)
    assert great_circle_km([-lat], [lon], [lat], [lon - 180.0]).tolist() == pytest.approx([np.pi * 6371.0088])


def test_tables_must_be_indexed_by_iso3_codes():
    h = pd.DataFrame({"PDI": [80, 35, 40, 50], "IDV": [20, 89, 30, 40], "MAS": [55, 66, 50, 45],
                      "UAI": [60, 35, 70, 50]})  # RangeIndex, no iso3 column
    with pytest.raises(SmeTeachError) as err:
        kogut_singh(h, "BGD")
    assert str(err.value) == ("scores must be indexed by ISO3 country codes or have an 'iso3' column; "
                              "got index values like [0, 1, 2]")
    h.index = [" bgd", "gbr ", "Ind", "USA"]  # codes are read trimmed and upper-cased
    out = kogut_singh(h, "BGD")
    assert out.index.name == "iso3" and list(out.index) == ["GBR", "IND", "USA"]
    with_column = h.reset_index(drop=True).assign(iso3=["BGD", "GBR", "IND", "USA"])
    assert kogut_singh(with_column, "BGD").tolist() == pytest.approx(out.tolist())
