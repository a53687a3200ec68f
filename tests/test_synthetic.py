"""sme_teach.synthetic: the generators that moved out of the data and UI layers, and the one split of a firm."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from conftest import REPO
from sme_teach import SmeTeachError, datasets, measures, synthetic
from sme_teach.datasets import _synthetic as data_layout
from sme_teach.datasets._schema import write_csv
from sme_teach.synthetic._common import conform


def test_shipped_readiness_answers_are_the_generator_output(tmp_path):
    """datasets/khulna_readiness.csv is khulna_readiness_responses for the shipped firms and seed, bit for bit."""
    out = write_csv(synthetic.khulna_readiness_frame(synthetic.DEFAULT_SEED), tmp_path / "khulna_readiness.csv")
    shipped = REPO / "datasets" / "khulna_readiness.csv"
    assert hashlib.sha256(out.read_bytes()).hexdigest() == hashlib.sha256(shipped.read_bytes()).hexdigest(), (
        "datasets/khulna_readiness.csv is not what the generator makes; run `make data` and commit the result")
    loaded = datasets.load_khulna_readiness().set_index("firm_id").astype(int)
    pd.testing.assert_frame_equal(loaded, synthetic.khulna_readiness_responses(), check_names=False)


def test_readiness_answers_fit_the_instrument_and_the_firms():
    r = synthetic.khulna_readiness_responses()
    inst = measures.load_instrument()
    assert list(r.columns) == inst.item_ids and r.index.tolist() == datasets.load_khulna_smes()["firm_id"].tolist()
    assert r.isin(range(inst.low, inst.high + 1)).all().all()
    other = synthetic.variant("khulna_readiness", "student-07")
    assert other.equals(synthetic.variant("khulna_readiness", "student-07"))
    assert not other.equals(r)
    with pytest.raises(SmeTeachError, match="smes"):
        synthetic.khulna_readiness_responses(smes=datasets.load_khulna_smes().drop(columns="export_status"))


def test_firm_timing_table_follows_its_schema_and_the_variant():
    t = synthetic.firm_timing_table()
    checked = conform(t.reset_index(), data_layout.TIMING_SCHEMA, "timing")
    assert checked["firm_id"].tolist() == t.index.tolist()
    firms, entries = synthetic.make_sme_panel("s1")
    pd.testing.assert_frame_equal(synthetic.variant("sme_panel", "s1", table="timing"),
                                  synthetic.firm_timing_table(firms, entries))
    assert not synthetic.variant("sme_panel", "s2", table="timing").equals(synthetic.variant("sme_panel", "s1", table="timing"))


def test_khulna_model_inputs_is_the_column_split():
    smes = datasets.load_khulna_smes()
    a, m1, m2 = datasets.khulna_model_inputs(smes)
    assert list(a.columns) == list(data_layout.ALLIANCES) and list(m1.columns) == list(data_layout.MODERATORS_1)
    assert list(m2.columns) == list(data_layout.MODERATORS_2) and a.index.tolist() == smes["firm_id"].tolist()
    assert a.loc["KS02", "joint_marketing"] == smes.set_index("firm_id").loc["KS02", "alliance_joint_marketing"]
    row = datasets.khulna_model_inputs(smes.set_index("firm_id").loc["KS02"])
    pd.testing.assert_series_equal(row.moderators_2, m2.loc["KS02"])
    with pytest.raises(SmeTeachError, match="mod1_"):
        datasets.khulna_model_inputs(smes.drop(columns=[c for c in smes if c.startswith("mod1_")]))
    with pytest.raises(SmeTeachError, match="numbers"):
        datasets.khulna_model_inputs(smes.assign(alliance_joint_marketing="often"))


def test_readiness_data_is_listed_with_its_card():
    row = datasets.list_datasets().set_index("name").loc["khulna_readiness"]
    assert row["kind"] == "synthetic" and int(row["rows"]) == 50
    assert "khulna_readiness" in synthetic.VARIANT_NAMES
