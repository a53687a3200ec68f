"""Real data loaders: schemas, spot checks, corrupted files, the data folder and the catalogue."""

from __future__ import annotations

import math
import shutil
import time

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sme_teach import SmeTeachError, datasets
from sme_teach.datasets import _real, _schema, _synthetic

from conftest import REPO

DATA = REPO / "datasets"

LOADERS = {
    "countries": (datasets.load_countries, _real.COUNTRIES_SCHEMA),
    "hofstede": (datasets.load_hofstede, _real.HOFSTEDE_SCHEMA),
    "income": (datasets.load_income, _real.INCOME_SCHEMA),
    "review_studies": (datasets.load_review_studies, _real.REVIEW_SCHEMA),
    "literature_table": (datasets.load_literature_table, _real.LITERATURE_SCHEMA),
    "khulna_smes": (datasets.load_khulna_smes, _synthetic.KHULNA_SCHEMA),
    "sme_panel": (datasets.load_sme_panel, _synthetic.PANEL_SCHEMA),
    "sme_panel_entries": (lambda: datasets.load_sme_panel("entries"), _synthetic.ENTRIES_SCHEMA),
    "alliance_network": (lambda: datasets.load_alliance_network(as_frame=True), _synthetic.NETWORK_EDGES_SCHEMA),
}


def haversine_km(lat1, lon1, lat2, lon2, r=6371.0088):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_every_loader_passes_its_schema(name):
    load, schema = LOADERS[name]
    frame = load()
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    assert frame.columns[: len(schema.names)].tolist() == schema.names
    for col in schema.columns:
        s = frame[col.name]
        if not col.nullable:
            assert not s.isna().any(), f"{name}.{col.name} has missing values"
        if col.kind in ("int", "float"):
            assert pd.api.types.is_numeric_dtype(s), f"{name}.{col.name} is {s.dtype}"
            if col.low is not None:
                assert (s.dropna() >= col.low).all()
            if col.high is not None:
                assert (s.dropna() <= col.high).all()
        if col.choices is not None:
            assert set(s.dropna()) <= set(col.choices)
        if col.unique:
            assert not s.dropna().duplicated().any()
    if schema.key:
        assert not frame.duplicated(list(schema.key)).any()


def test_loaders_return_copies():
    a = datasets.load_countries()
    a.loc[0, "name"] = "changed"
    assert datasets.load_countries().loc[0, "name"] != "changed"


def test_load_countries_is_fast_when_warm():
    datasets.load_countries()
    t = time.perf_counter()
    for _ in range(10):
        datasets.load_countries()
    assert (time.perf_counter() - t) / 10 < 0.05


# ------------------------------------------------------------------ countries


def test_countries_cover_the_world():
    c = datasets.load_countries()
    assert len(c) >= 190
    for code in ["BGD", "IND", "CHN", "USA", "GBR", "DEU", "JPN", "NAM"]:
        assert code in set(c["iso3"])
    # Namibia's ISO2 'NA' must not be read as missing
    assert c.set_index("iso3").loc["NAM", "iso2"] == "NA"


def test_bangladesh_spot_checks():
    c = datasets.load_countries(split_lists=True).set_index("iso3")
    bd = c.loc["BGD"]
    assert set(bd["neighbours"]) == {"IND", "MMR"}
    assert "bn" in bd["languages"]
    assert len(bd["languages"]) == len(bd["language_shares"])
    assert bd["currency"] == "BDT" and bd["capital"] == "Dhaka" and bd["continent"] == "Asia"


def test_dhaka_london_great_circle():
    c = datasets.load_countries().set_index("iso3")
    d = haversine_km(*c.loc["BGD", ["capital_lat", "capital_lon"]], *c.loc["GBR", ["capital_lat", "capital_lon"]])
    assert 7900 <= d <= 8100


def test_neighbours_are_symmetric_and_known():
    c = datasets.load_countries(split_lists=True).set_index("iso3")
    codes = set(c.index)
    for iso3, ns in c["neighbours"].items():
        for n in ns:
            assert n in codes, f"{iso3} lists unknown neighbour {n}"
            assert iso3 in c.loc[n, "neighbours"], f"{iso3} borders {n} but not the other way round"


# ------------------------------------------------------------------ Hofstede

LISTED = ["BGD", "IND", "CHN", "USA", "GBR", "DEU", "JPN", "MYS", "THA", "VNM", "PAK", "IDN", "SGP", "KOR",
          "FRA", "NLD", "ITA", "ESP", "CAN", "AUS", "SAU", "TUR", "BRA", "MEX", "RUS", "SWE", "BEL", "POL", "PHL"]


def test_hofstede_rows_and_published_values():
    h = datasets.load_hofstede().set_index("iso3")
    assert len(h) >= 30
    assert set(LISTED) <= set(h.index)
    dims = list(_real.HOFSTEDE_DIMENSIONS)
    published = {
        "BGD": [80, 20, 55, 60, 47, 20],
        "USA": [40, 91, 62, 46, 26, 68],
        "GBR": [35, 89, 66, 35, 51, 69],
        "DEU": [35, 67, 66, 65, 83, 40],
        "IND": [77, 48, 56, 40, 51, 26],
        "CHN": [80, 20, 66, 30, 87, 24],
        "JPN": [54, 46, 95, 92, 88, 42],
    }
    for iso3, values in published.items():
        assert h.loc[iso3, dims].astype(int).tolist() == values, iso3
    assert h["source"].str.contains("Hofstede, Hofstede & Minkov (2010)", regex=False).all()


def test_hofstede_missing_is_missing_not_zero():
    h = datasets.load_hofstede().set_index("iso3")
    assert h.loc["SAU", ["PDI", "IDV", "MAS", "UAI"]].isna().all()
    assert h.loc["SAU", "LTO"] == 36
    # a real zero stays a zero (Pakistan's indulgence score is 0 as published)
    assert h.loc["PAK", "IVR"] == 0


def test_hofstede_countries_exist_in_countries_table():
    assert set(datasets.load_hofstede()["iso3"]) <= set(datasets.load_countries()["iso3"])


# ------------------------------------------------------------------ literature table


def test_literature_table_has_all_rows_of_table_1(seeds_dir):
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    import build_literature_table

    text = (seeds_dir / "bose_critical_success_factors.txt").read_text(encoding="utf-8")
    start = text.index(build_literature_table.TITLE)
    body = [line for line in text[start:].splitlines()[2:] if line.strip()]
    n_studies = sum(1 for line in body[1:] for cell in (line.split("\t") + [""] * 6)[1:6:3] if cell.strip())
    t = datasets.load_literature_table()
    assert len(t) == n_studies == 45
    assert set(t["success_factor_id"]) == set(_real.SUCCESS_FACTOR_IDS)
    assert build_literature_table.parse(text).astype(str).equals(t.astype(str))


def test_committed_literature_table_has_its_schema_without_the_seeds():
    """Runs everywhere (a fresh clone has no seed papers): the committed CSV keeps its shape."""
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    import build_literature_table

    raw = pd.read_csv(REPO / "datasets" / "literature_table.csv")
    assert list(raw.columns) == build_literature_table.COLUMNS
    assert len(raw) == 45  # the studies of Table 1, counted in the seed paper
    t = datasets.load_literature_table()  # schema checks of the loader
    assert len(t) == 45 and list(t.columns) == build_literature_table.COLUMNS
    assert t["authors"].notna().all() and t["variables_covered"].notna().all()
    assert set(t["table_column"]) == {"left", "right"}
    assert t.groupby("success_factor")["success_factor_id"].nunique().eq(1).all()


def test_literature_table_contents():
    t = datasets.load_literature_table()
    assert set(t["success_factor_id"]) <= set(_real.SUCCESS_FACTOR_IDS)
    assert t["year"].between(2002, 2013).all()
    first = t.iloc[0]
    assert (first["authors"], first["year"], first["success_factor_id"]) == (
        "Gumede & Rasmussen", 2002, "sf_network_alliance_clusters")
    assert ((t["authors"] == "Freeman et al") & (t["variables_covered"] == "Re and de-internationalization")).any()


# ------------------------------------------------------------------ Florentine


def test_florentine_graph_and_frame():
    G = datasets.load_florentine()
    ref = nx.florentine_families_graph()
    assert nx.utils.graphs_equal(nx.Graph(G.edges()), nx.Graph(ref.edges()))
    bc = nx.betweenness_centrality(G)
    assert max(bc, key=bc.get) == "Medici"
    frame = datasets.load_florentine(as_frame=True)
    assert len(frame) == ref.number_of_edges()
    shipped = pd.read_csv(DATA / "florentine.csv")
    assert shipped.astype(str).equals(frame.astype(str))


# ------------------------------------------------------------------ corrupted files and data folder


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    for f in DATA.glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.setenv("SME_TEACH_DATA", str(tmp_path))
    return tmp_path


def _rewrite(path, fn):
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(fn(lines)), encoding="utf-8")


@pytest.mark.parametrize("fname,loader", [
    ("countries.csv", datasets.load_countries),
    ("khulna_smes.csv", datasets.load_khulna_smes),
    ("hofstede.csv", datasets.load_hofstede),
])
def test_missing_column_names_file_and_column(data_copy, fname, loader):
    df = pd.read_csv(data_copy / fname, dtype=str, keep_default_na=False)
    col = df.columns[2]
    df.drop(columns=[col]).to_csv(data_copy / fname, index=False)
    with pytest.raises(SmeTeachError) as err:
        loader()
    msg = str(err.value)
    assert fname in msg and col in msg and "missing columns" in msg


def test_text_in_numeric_column_names_file_column_and_row(data_copy):
    def corrupt(lines):
        header = lines[0].split(",")
        i = header.index("population")
        cells = lines[5].split(",")  # CSV line 6 = data row 5 (Bahrain etc. have no quoted commas before)
        cells[i] = "many"
        lines[5] = ",".join(cells)
        return lines

    _rewrite(data_copy / "countries.csv", corrupt)
    with pytest.raises(SmeTeachError, match=r"countries\.csv, column 'population', data row 5 \(CSV line 6\): expected an integer, got 'many'"):
        datasets.load_countries()


def test_text_in_float_column_of_synthetic_file(data_copy):
    def corrupt(lines):
        header = lines[0].split(",")
        i = header.index("alliance_joint_marketing")
        cells = lines[10].split(",")
        cells[i] = "high"
        lines[10] = ",".join(cells)
        return lines

    _rewrite(data_copy / "khulna_smes.csv", corrupt)
    with pytest.raises(SmeTeachError) as err:
        datasets.load_khulna_smes()
    msg = str(err.value)
    assert "khulna_smes.csv" in msg and "'alliance_joint_marketing'" in msg
    assert "data row 10 (CSV line 11)" in msg and "'high'" in msg


def test_out_of_range_and_unknown_value(data_copy):
    df = pd.read_csv(data_copy / "sme_panel.csv", dtype=str, keep_default_na=False)
    df.loc[3, "foreign_sales_share"] = "1.5"
    df.to_csv(data_copy / "sme_panel.csv", index=False)
    with pytest.raises(SmeTeachError, match=r"sme_panel\.csv, column 'foreign_sales_share', data row 4 \(CSV line 5\): expected a value at most 1"):
        datasets.load_sme_panel()
    df = pd.read_csv(data_copy / "literature_table.csv", dtype=str, keep_default_na=False)
    df.loc[0, "success_factor_id"] = "sf_networks"
    df.to_csv(data_copy / "literature_table.csv", index=False)
    with pytest.raises(SmeTeachError, match="unknown value 'sf_networks'; expected one of: sf_network_alliance_clusters"):
        datasets.load_literature_table()


def test_duplicate_key_is_reported(data_copy):
    df = pd.read_csv(data_copy / "hofstede.csv", dtype=str, keep_default_na=False)
    df.loc[1, "iso3"] = df.loc[0, "iso3"]
    df.to_csv(data_copy / "hofstede.csv", index=False)
    with pytest.raises(SmeTeachError, match=r"hofstede\.csv, column 'iso3', data row 2 \(CSV line 3\): duplicate value"):
        datasets.load_hofstede()


def test_cache_notices_a_changed_file(data_copy):
    assert len(datasets.load_hofstede()) > 30
    df = pd.read_csv(data_copy / "hofstede.csv", dtype=str, keep_default_na=False).head(3)
    df.to_csv(data_copy / "hofstede.csv", index=False)
    assert len(datasets.load_hofstede()) == 3


def test_missing_data_folder_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("SME_TEACH_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(SmeTeachError, match="does not exist.*SME_TEACH_DATA"):
        datasets.load_countries()


def test_missing_file_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("SME_TEACH_DATA", str(tmp_path))
    with pytest.raises(SmeTeachError, match="hofstede.csv' does not exist.*make data"):
        datasets.load_hofstede()


def test_default_data_dir_is_the_repository_folder(monkeypatch):
    monkeypatch.delenv("SME_TEACH_DATA", raising=False)
    assert _schema.data_dir() == DATA


# ------------------------------------------------------------------ catalogue and cards


def test_list_datasets():
    df = datasets.list_datasets()
    assert df.columns.tolist()[:5] == ["name", "kind", "rows", "description", "card"]
    assert set(df["kind"]) == {"real", "synthetic"}
    for row in df.itertuples():
        card = REPO / "datasets" / f"{row.name}.md"
        assert card.is_file(), f"missing data card {card}"
        text = card.read_text(encoding="utf-8").lower()
        for word in ("source", "licen", "column", "limit"):
            assert word in text, f"{card.name} does not mention {word!r}"
        if row.kind == "synthetic":
            assert "synthetic" in text
        assert row.rows and row.rows > 0
    rows = df.set_index("name")["rows"]
    assert rows["countries"] == len(datasets.load_countries())
    assert rows["sme_panel"] == len(datasets.load_sme_panel())


def test_every_csv_has_a_card():
    cards = {p.stem for p in DATA.glob("*.md")}
    for csv in DATA.glob("*.csv"):
        stem = csv.stem
        assert stem in cards or stem.replace("_entries", "") in cards or stem.replace("_nodes", "") in cards, csv.name


def test_stable_seed_rejects_bad_seeds():
    with pytest.raises(SmeTeachError):
        _schema.stable_seed(-1)
    with pytest.raises(SmeTeachError):
        _schema.stable_seed(True)
    assert _schema.stable_seed(np.int64(5)) == 5


# ------------------------------------------------------------------ the CSF review's ten headings and income


def test_review_studies_cover_all_ten_headings_with_studies_from_the_seed(seeds_dir):
    import re

    r = datasets.load_review_studies()
    assert tuple(r["heading"].drop_duplicates()) == _real.REVIEW_HEADINGS  # all ten, in the paper's order
    counts = r.groupby("heading").size()
    assert (counts >= 6).all()
    assert int(r["table1_factor_id"].isna().sum()) == 49  # the studies Table 1 leaves out
    assert set(r["table1_factor_id"].dropna()) == set(_real.SUCCESS_FACTOR_IDS)
    text = re.sub(r"\s+", " ", (seeds_dir / "bose_critical_success_factors.txt").read_text(encoding="utf-8"))
    for row in r.itertuples():
        first = re.split(r",| and | & ", row.authors)[0].strip()
        assert first.split()[0] in text and str(row.year) in text, row
    # Table 1's studies are among the review's (first author and year), where Table 1 prints them
    lit = datasets.load_literature_table()
    review_keys = {(a.split(",")[0].split(" and ")[0].split(" & ")[0].split()[0], y) for a, y in zip(r["authors"], r["year"])}
    hits = sum((a.split(",")[0].split(" & ")[0].split()[0], y) in review_keys for a, y in zip(lit["authors"], lit["year"]))
    assert hits >= 0.8 * len(lit)


def test_income_is_joined_into_countries_and_orders_bangladesh_india_japan():
    inc = datasets.load_income().set_index("iso3")["gdp_per_capita"]
    assert inc["BGD"] < inc["IND"] < inc["CHN"] < inc["JPN"]
    c = datasets.load_countries().set_index("iso3")
    assert c.loc["IND", "income_per_person"] == inc["IND"]
    assert c["income_per_person"].notna().sum() == len(inc)  # every income row finds its country
    assert np.isnan(c.loc["ARE", "income_per_person"])  # not in Gapminder's excerpt: missing, not guessed
