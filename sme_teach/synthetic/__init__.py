"""Seeded generators of the course's synthetic data, and per-seed variants of it.

Every generator takes a ``seed`` (int or string; strings are hashed with SHA-256, so a
student id gives the same data on every machine) and draws from
``numpy.random.default_rng``; nothing is seeded globally. The shipped files in
``datasets/`` are the generators' output for :data:`DEFAULT_SEED`, written by
``scripts/make_data.py`` (:func:`write_synthetic`); :func:`variant` gives the same data
for another seed. Generators may use :mod:`sme_teach.measures` (the Khulna FSAs are
:func:`~sme_teach.measures.propagate` of the alliances) and :mod:`sme_teach.datasets`
(schemas, real country data); nothing below this layer imports it.

All of this data is SYNTHETIC: the processes are documented in the data cards
(``datasets/<name>.md``) and grounded in the seed papers, but no row describes a real firm.

>>> from sme_teach import synthetic
>>> synthetic.variant("khulna_smes", "student-01").shape
(50, 61)
"""

from __future__ import annotations

from .._errors import SmeTeachError
from .._validate import check_choice
from ..datasets._registry import VARIANT_NAMES
from ..datasets._schema import stable_seed, write_csv
from ..datasets._synthetic import DEFAULT_SEED, alliance_graph
from ._khulna import make_khulna_smes
from ._network import generate_alliance_network, make_alliance_network
from ._panel import firm_timing_table, make_sme_panel
from ._readiness import khulna_readiness_frame, khulna_readiness_responses

__all__ = [
    "DEFAULT_SEED",
    "VARIANT_NAMES",
    "make_khulna_smes",
    "make_sme_panel",
    "make_alliance_network",
    "generate_alliance_network",
    "firm_timing_table",
    "khulna_readiness_responses",
    "khulna_readiness_frame",
    "variant",
    "write_synthetic",
]


def variant(name: str, seed, **kwargs):
    """The synthetic data set ``name`` drawn with another ``seed`` (e.g. one per student).

    Same generator and same shape as the loader; deterministic per seed; a
    different seed gives different data. ``variant(name, DEFAULT_SEED)`` equals the
    shipped file.

    Parameters
    ----------
    name : {"khulna_smes", "sme_panel", "alliance_network", "khulna_readiness"}
    seed : int or str
        Strings (e.g. a student id) are hashed with SHA-256, so the same id gives
        the same variant on every machine.
    **kwargs
        Passed to the loader's shape options: ``table`` for ``"sme_panel"``
        (``"firms"``, ``"entries"`` or ``"timing"``, the last being :func:`firm_timing_table`
        of that variant), ``as_frame`` for ``"alliance_network"``. ``"khulna_readiness"``
        is :func:`khulna_readiness_responses` of ``variant("khulna_smes", seed)``, indexed
        by firm id.

    Examples
    --------
    >>> a = variant("khulna_smes", "student-01")
    >>> a.equals(variant("khulna_smes", "student-01")), a.equals(variant("khulna_smes", "student-02"))
    (True, False)
    >>> from sme_teach.datasets import load_khulna_smes
    >>> variant("khulna_smes", DEFAULT_SEED).equals(load_khulna_smes())
    True
    >>> variant("sme", 1)
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: unknown synthetic data set 'sme'; expected one of: khulna_smes, sme_panel, alliance_network, khulna_readiness
    """
    check_choice(name, VARIANT_NAMES, "synthetic data set")
    stable_seed(seed)  # validate early, with a clear message
    allowed = {"khulna_smes": set(), "sme_panel": {"table"}, "alliance_network": {"as_frame"},
               "khulna_readiness": set()}[name]
    extra = sorted(set(kwargs) - allowed)
    if extra:
        raise SmeTeachError(
            f"variant({name!r}) got unexpected options {extra}; allowed: {sorted(allowed) or 'none'}"
        )
    if name == "khulna_smes":
        return make_khulna_smes(seed)
    if name == "khulna_readiness":
        return khulna_readiness_responses(seed, make_khulna_smes(seed))
    if name == "sme_panel":
        table = kwargs.get("table", "firms")
        check_choice(table, ["firms", "entries", "timing"], "panel table")
        firms, entries = make_sme_panel(seed)
        if table == "timing":
            return firm_timing_table(firms, entries)
        return firms if table == "firms" else entries
    as_frame = kwargs.get("as_frame", False)
    if not isinstance(as_frame, bool):
        raise SmeTeachError(f"as_frame must be True or False, got {as_frame!r}")
    nodes, edges = make_alliance_network(seed)
    return edges if as_frame else alliance_graph(nodes, edges, "alliance_network")


def write_synthetic(out_dir, seed=DEFAULT_SEED):
    """Write every synthetic file into ``out_dir`` (used by ``scripts/make_data.py``)."""
    from pathlib import Path

    out = Path(out_dir)
    written = [write_csv(make_khulna_smes(seed), out / "khulna_smes.csv")]
    firms, entries = make_sme_panel(seed)
    written += [write_csv(firms, out / "sme_panel.csv"), write_csv(entries, out / "sme_panel_entries.csv")]
    nodes, edges = make_alliance_network(seed)
    written += [write_csv(nodes, out / "alliance_network_nodes.csv"), write_csv(edges, out / "alliance_network.csv")]
    written.append(write_csv(khulna_readiness_frame(seed, make_khulna_smes(seed)), out / "khulna_readiness.csv"))
    return written
