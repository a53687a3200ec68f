"""Uppsala, innovation stages, network situation, INV types, born globals."""

import numpy as np
import pandas as pd
import pytest

from sme_teach import SmeTeachError
from sme_teach.measures import (
    classify_born_global,
    innovation_stage,
    inv_type,
    network_situation,
    uppsala_stage,
)


def test_uppsala_establishment_chain_words():
    assert [uppsala_stage(w) for w in ("none", "Export agent", "sales-subsidiary", "production subsidiary")] == [
        1, 2, 3, 4]
    assert uppsala_stage(None) == 1


def test_uppsala_dataframe_of_words_is_vectorised():
    df = pd.DataFrame({"IND": ["agent", None], "GBR": ["sales_subsidiary", "direct export"]}, index=["f1", "f2"])
    out = uppsala_stage(df)
    assert out.to_dict() == {"IND": {"f1": 2, "f2": 1}, "GBR": {"f1": 3, "f2": 2}}
    assert out.max(axis=1).tolist() == [3, 2]


def test_uppsala_boolean_flags():
    flags = pd.DataFrame({
        "agent_export": [False, True, True, False],
        "sales_subsidiary": [False, False, True, False],
        "production_subsidiary": [False, False, False, True],
    })
    assert uppsala_stage(flags).tolist() == [1, 2, 3, 4]
    assert uppsala_stage({"agent_export": True, "sales_subsidiary": False}) == 2


def test_uppsala_errors():
    with pytest.raises(SmeTeachError, match="unknown entry mode 'sales subsidary'.*did you mean"):
        uppsala_stage("sales subsidary")
    with pytest.raises(SmeTeachError, match="row 'f1', market 'IND'"):
        uppsala_stage(pd.DataFrame({"IND": ["agnet"]}, index=["f1"]))
    with pytest.raises(SmeTeachError, match="True/False"):
        uppsala_stage(pd.DataFrame({"agent_export": [1, 0]}))
    with pytest.raises(SmeTeachError):
        uppsala_stage(3.5)


def _firm(**kw):
    base = {"fills_unsolicited_orders": False, "explores_exporting": False, "years_exporting": 0,
            "explores_distant_markets": False}
    return {**base, **kw}


def test_innovation_stage_rule_table():
    firms = pd.DataFrame([
        _firm(),
        _firm(fills_unsolicited_orders=True),
        _firm(explores_exporting=True),
        _firm(years_exporting=1),
        _firm(years_exporting=3),
        _firm(years_exporting=3, explores_distant_markets=True),
    ])
    assert innovation_stage(firms).tolist() == [1, 2, 3, 2, 2, 2]  # exporting without exploring is passive
    active = firms.assign(explores_exporting=[False, False, True, True, True, True])
    assert innovation_stage(active).tolist() == [1, 2, 3, 4, 5, 6]
    # the course's cross-mapping: an experienced exporter to one close country is still experimental
    assert innovation_stage(active, "cavusgil").tolist() == [1, 1, 2, 3, 3, 4]
    committed = active.assign(depends_on_foreign_markets=[False] * 5 + [True])
    assert innovation_stage(committed, "cavusgil").tolist() == [1, 1, 2, 3, 3, 5]
    assert innovation_stage(committed).tolist() == [1, 2, 3, 4, 5, 6]  # B&T has no committed stage
    assert innovation_stage(_firm(years_exporting=1, explores_exporting=True), experienced_after=1) == 5
    with pytest.raises(SmeTeachError, match="missing columns"):
        innovation_stage(pd.DataFrame({"years_exporting": [1]}))
    with pytest.raises(SmeTeachError, match="unknown innovation model"):
        innovation_stage(_firm(), "uppsala")


def test_passive_order_filler_is_never_an_experienced_exporter():
    """Bilkey & Tesar: stage 2 fills unsolicited orders but makes no effort to explore active exporting."""
    passive = _firm(fills_unsolicited_orders=True, years_exporting=25, explores_distant_markets=True)
    assert innovation_stage(passive) == 2
    assert innovation_stage(passive, labels=True).startswith("fills unsolicited orders")
    assert innovation_stage(passive, "cavusgil", labels=True) == "domestic marketing"
    with pytest.raises(SmeTeachError, match="depends_on_foreign_markets"):
        innovation_stage({**passive, "depends_on_foreign_markets": "yes"})


def test_network_situation_two_by_two():
    table = {
        (0.2, 0.2): "early starter",
        (0.8, 0.2): "lonely international",
        (0.2, 0.8): "late starter",
        (0.8, 0.8): "international among others",
    }
    for (firm, market), name in table.items():
        assert network_situation(firm, market) == name
    f = pd.Series([0.2, 0.8, 0.2, 0.8], index=list("abcd"))
    got = network_situation(f, [0.2, 0.2, 0.8, 0.8])
    assert got.tolist() == list(table.values()) and got.index.tolist() == list("abcd")
    assert network_situation(0.5, 0.5) == "international among others"  # >= threshold is high
    assert network_situation(0.5, 0.5, threshold=0.6) == "early starter"
    with pytest.raises(SmeTeachError, match="between 0 and 1"):
        network_situation(1.2, 0.1)


def test_inv_types_four_cells():
    assert inv_type(1, 1) == "export/import start-up"
    assert inv_type(1, 10) == "multinational trader"
    assert inv_type(5, 1) == "geographically focused start-up"
    assert inv_type(5, 10) == "global start-up"
    assert inv_type([2, 2], [3, 3], many_activities=2, many_countries=3).tolist() == ["global start-up"] * 2
    with pytest.raises(SmeTeachError, match="whole counts"):
        inv_type(1.5, 2)


def test_born_global_thresholds_and_definitions():
    years = pd.Series([0, 3, 4, np.nan], index=list("abcd"))
    share = [0.9, 0.25, 0.9, 0.9]
    assert classify_born_global(years, share).tolist() == [True, True, False, False]
    assert classify_born_global(years, share, definition="rennie_1993").tolist() == [True, False, False, False]
    assert classify_born_global(1, 0.3, max_years=0) is False
    with pytest.raises(SmeTeachError, match="unknown born-global definition"):
        classify_born_global(1, 0.3, definition="knight")
    with pytest.raises(SmeTeachError, match="foreign_sales_share"):
        classify_born_global(1, 30)


def test_uppsala_stage_understands_every_entry_mode_of_the_shipped_panel():
    from sme_teach import datasets

    entries = datasets.load_sme_panel(table="entries")
    stages = uppsala_stage(entries["entry_mode"])
    assert len(stages) == len(entries)
    by_mode = dict(zip(entries["entry_mode"], stages))
    assert by_mode["no regular export"] == 1
    assert by_mode["export via agent"] == 2
    assert by_mode["sales subsidiary"] == 3
    assert by_mode["production subsidiary"] == 4


def test_uppsala_forms_and_messages_whole():
    # words are normalised (case, spaces, hyphens); a missing activity is step 1 (no regular export)
    assert uppsala_stage(" Sales-Subsidiary ") == 3 and uppsala_stage(None) == 1
    assert uppsala_stage(pd.Series({"IND": np.nan})).tolist() == [1]
    s = uppsala_stage({"IND": "agent", "GBR": None})
    assert s.name == "uppsala_stage" and s.to_dict() == {"IND": 2, "GBR": 1}
    assert uppsala_stage(["agent", "production"]).tolist() == [2, 4]
    assert uppsala_stage({"agent_export": True, "production_subsidiary": False}) == 2
    flags = pd.DataFrame({"sales_subsidiary": [True, False], "regular_export": [True, False]}, index=["a", "b"])
    f = uppsala_stage(flags)
    assert f.name == "uppsala_stage" and f.to_dict() == {"a": 3, "b": 1}
    with pytest.raises(SmeTeachError, match=r"^market 'IND': expected an entry-mode word such as 'agent'"):
        uppsala_stage({"IND": 3})
    with pytest.raises(SmeTeachError, match=r"^activity flag column 'agent_export' must hold True/False, got dtype int64$"):
        uppsala_stage(pd.DataFrame({"agent_export": [1, 0]}))
    with pytest.raises(SmeTeachError, match=r"^activity flag columns must be unique; got \['agent_export', 'agent_export'\]$"):
        uppsala_stage(pd.DataFrame([[True, False]], columns=["agent_export", "agent_export"]))
    with pytest.raises(SmeTeachError, match=r"^activities must be an entry-mode word, a list/dict/Series of words, "
                                            r"or a DataFrame; got float$"):
        uppsala_stage(3.5)


def test_inv_type_says_when_a_firm_is_not_an_international_new_venture():
    from sme_teach.measures import INV_MAX_YEARS, INV_TYPES, NOT_INV

    # a domestic firm: no activity across borders, no foreign country
    assert inv_type(0, 0) == NOT_INV == "not an INV"
    assert inv_type(0, 5) == NOT_INV and inv_type(3, 0) == NOT_INV
    # international from inception (within the course's window) or not; NaN = never went abroad
    years = [0, INV_MAX_YEARS, INV_MAX_YEARS + 0.5, 7, np.nan]
    assert inv_type([4] * 5, [9] * 5, years).tolist() == ["global start-up"] * 2 + [NOT_INV] * 3
    # the window is the course's and variable
    assert inv_type(4, 9, 7, max_years=7) == "global start-up"
    assert inv_type(1, 1, 0) in INV_TYPES
    s = inv_type(pd.Series([1, 0], index=["a", "b"]), [2, 2], pd.Series([1.0, 1.0]))
    assert s.to_dict() == {"a": "export/import start-up", "b": NOT_INV}


def test_inv_type_timing_errors():
    with pytest.raises(SmeTeachError, match="0 or more"):
        inv_type(1, 1, -1)
    with pytest.raises(SmeTeachError, match="numbers of years"):
        inv_type(1, 1, "soon")
    with pytest.raises(SmeTeachError, match="same length"):
        inv_type([1, 1], [2, 2], [1, 2, 3])


# ------------------------------------------------------------------ contracts pinned for `make mutate`
# Each bad argument is named in the message (what was given, what is expected); a Series in gives
# a Series out with the input's index and the function's name; the documented ranges are inclusive.

def _message(fn, *args, **kwargs) -> str:
    with pytest.raises(SmeTeachError) as err:
        fn(*args, **kwargs)
    return str(err.value)


def test_network_situation_names_each_bad_argument_and_keeps_a_series_index():
    assert _message(network_situation, -0.1, 0.5) == "firm_internationalization must lie between 0 and 1; got -0.1"
    assert _message(network_situation, 0.5, 1.5) == "market_internationalization must lie between 0 and 1; got 1.5"
    assert _message(network_situation, 0.5, 0.5, threshold="high") == (
        "threshold must be a single number between 0 and 1, got 'high'")
    assert _message(network_situation, 0.5, 0.5, threshold=1.5) == "threshold must lie between 0 and 1; got 1.5"
    # both ends of [0, 1] are allowed for the degrees and the threshold
    assert network_situation(0, 1) == "late starter" and network_situation(1, 0) == "lonely international"
    assert network_situation(1, 1, threshold=1) == "international among others"
    assert network_situation(0.9, 0.9, threshold=1) == "early starter"
    out = network_situation(pd.Series([0.1, 0.9], index=["x", "y"]), 0.9)
    assert isinstance(out, pd.Series) and out.name == "network_situation"
    assert out.to_dict() == {"x": "late starter", "y": "international among others"}


def test_inv_type_names_each_bad_argument_and_keeps_a_series_index():
    assert _message(inv_type, -1, 2) == "value_chain_activities must lie between 0 and inf; got -1"
    assert _message(inv_type, 1, -2) == "countries must lie between 0 and inf; got -2"
    assert _message(inv_type, 2.5, 2) == "value_chain_activities must be whole counts; found 2.5"
    assert _message(inv_type, 2, [1, 2.5]) == "countries must be whole counts; found 2.5"
    assert _message(inv_type, 1, 2, many_activities=-1) == "many_activities must lie between 0 and inf; got -1"
    assert _message(inv_type, 1, 2, many_countries=-1) == "many_countries must lie between 0 and inf; got -1"
    # counts start at 0 (no error there; what a zero count means is the typology's business)
    assert isinstance(inv_type(0, 5), str) and isinstance(inv_type(5, 0), str)
    # thresholds of 0 are allowed: every count is then "many"
    assert inv_type(1, 1, many_activities=0, many_countries=0) == "global start-up"
    out = inv_type(pd.Series([1, 5], index=["x", "y"]), 10)
    assert isinstance(out, pd.Series) and out.name == "inv_type"
    assert out.to_dict() == {"x": "multinational trader", "y": "global start-up"}


def test_born_global_names_each_bad_argument_and_keeps_a_series_index():
    never = "years_to_first_export must be ≥ 0 (or NaN for never exported)"
    assert _message(classify_born_global, -1, 0.5) == never  # negative, without any infinity
    assert _message(classify_born_global, [np.nan, -1], 0.5) == never  # beside a NaN (never exported)
    assert _message(classify_born_global, np.inf, 0.5) == never  # infinite, without any negative
    assert _message(classify_born_global, "soon", 0.5) == (
        "years_to_first_export must be numbers; could not read 'soon' as numbers")
    assert _message(classify_born_global, 1, 1.5) == "foreign_sales_share must lie between 0 and 1; got 1.5"
    assert _message(classify_born_global, 1, 0.5, max_years=-1) == "max_years must lie between 0 and inf; got -1"
    assert _message(classify_born_global, 1, 0.5, min_share=1.5) == "min_share must lie between 0 and 1; got 1.5"
    assert _message(classify_born_global, 1, 0.5, min_share="a") == (
        "min_share must be a single number between 0 and 1, got 'a'")
    # both ends of the share and threshold ranges are allowed
    assert classify_born_global(0, 1.0, min_share=1.0) is True
    assert classify_born_global(0, 0.0, min_share=0.0, max_years=0) is True
    out = classify_born_global(pd.Series([1.0, np.nan], index=["x", "y"]), 0.9)
    assert isinstance(out, pd.Series) and out.name == "born_global"
    assert out.to_dict() == {"x": True, "y": False}
