"""The readiness instrument and its scoring: fast == reference, errors name row and item."""

import re

import numpy as np
import pandas as pd
import pytest
import yaml

from sme_teach import SmeTeachError
from sme_teach.measures import (
    READINESS_DIMENSIONS,
    load_instrument,
    readiness_band,
    readiness_scores,
    readiness_scores_reference,
)


def test_instrument_has_the_csf_dimensions_with_3_to_4_items():
    inst = load_instrument()
    assert inst.dimension_ids == list(READINESS_DIMENSIONS)
    assert {"capacity_building", "policy", "cluster_networking", "innovation"} <= set(inst.dimension_ids)
    sizes = inst.items.groupby("dimension").size()
    assert sizes.between(3, 4).all(), sizes.to_dict()
    assert inst.items["reverse"].any() and not inst.items["reverse"].all()
    assert inst.items["id"].is_unique
    # plain short sentences for owners
    assert inst.items["text"].str.split().str.len().max() <= 16
    assert (inst.low, inst.high) == (1, 5)


def random_responses(n, seed=0):
    inst = load_instrument()
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.integers(1, 6, size=(n, len(inst.item_ids))), columns=inst.item_ids,
                        index=[f"r{i}" for i in range(n)])


def test_fast_equals_reference_on_random_data():
    responses = random_responses(400, seed=3)
    fast = readiness_scores(responses)
    ref = readiness_scores_reference(responses)
    assert fast.columns.tolist() == ref.columns.tolist()
    pd.testing.assert_frame_equal(fast, ref, check_dtype=False)


def test_fast_equals_reference_on_ties_and_extremes():
    inst = load_instrument()
    for value in (1, 3, 5):
        r = pd.DataFrame([{i: value for i in inst.item_ids}])
        pd.testing.assert_frame_equal(readiness_scores(r), readiness_scores_reference(r), check_dtype=False)


def test_scores_by_hand():
    inst = load_instrument()
    best = {i: (1 if rev else 5) for i, rev in zip(inst.items["id"], inst.items["reverse"])}
    s = readiness_scores(best)
    assert s["overall"] == 100 and s["band"] == "strong"
    worst = {i: 6 - v for i, v in best.items()}
    s = readiness_scores(worst)
    assert s["overall"] == 0 and s["band"] == "low" and s["weakest"] == inst.dimension_ids[0]
    # one dimension lower than the rest is named as the weakest area
    mixed = dict(best)
    for i in inst.items.loc[inst.items["dimension"] == "policy", "id"]:
        mixed[i] = 3
    s = readiness_scores(mixed)
    assert s["weakest"] == "policy" and s["policy"] == 50 and s["weakest_score"] == 50


def test_bands():
    assert readiness_band([0, 39.9, 40, 69.9, 70, 100]).tolist() == [
        "low", "low", "developing", "developing", "strong", "strong"]


def test_errors_name_row_and_item():
    r = random_responses(3)
    bad = r.copy()
    bad.loc["r2", "pol_2"] = 6
    with pytest.raises(SmeTeachError, match="row 'r2', item 'pol_2': answer 6"):
        readiness_scores(bad)
    with pytest.raises(SmeTeachError, match="row 'r2', item 'pol_2': answer 6"):
        readiness_scores_reference(bad)
    half = r.astype(float)
    half.loc["r1", "cap_1"] = 2.5
    with pytest.raises(SmeTeachError, match="row 'r1', item 'cap_1'"):
        readiness_scores(half)
    na = r.astype(float)
    na.loc["r0", "inn_3"] = np.nan
    with pytest.raises(SmeTeachError, match="row 'r0', item 'inn_3'"):
        readiness_scores(na)
    with pytest.raises(SmeTeachError, match="missing item 'str_4'"):
        readiness_scores(r.drop(columns="str_4"))
    with pytest.raises(SmeTeachError, match="unknown item 'cap_9'"):
        readiness_scores(r.assign(cap_9=3))
    txt = r.astype(object)
    txt.loc["r0", "cur_1"] = "agree"
    with pytest.raises(SmeTeachError, match="row 'r0', item 'cur_1': answer 'agree'"):
        readiness_scores(txt)
    with pytest.raises(SmeTeachError, match="DataFrame"):
        readiness_scores([1, 2, 3])


def test_custom_instrument_file_is_validated(tmp_path):
    spec = {
        "name": "mini", "title": "Mini", "citation": "test",
        "scale": {"min": 1, "max": 5},
        "bands": [{"id": "low", "below": 50}, {"id": "high", "below": None}],
        "dimensions": [{"id": "a", "label": "A"}],
        "items": [{"id": "q1", "dimension": "a", "reverse": False, "text": "Yes."},
                  {"id": "q2", "dimension": "a", "reverse": True, "text": "No."}],
    }
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(spec))
    inst = load_instrument(path)
    s = readiness_scores({"q1": 5, "q2": 1}, inst)
    assert s["a"] == 100 and s["band"] == "high"
    spec["items"][1]["dimension"] = "b"
    path.write_text(yaml.safe_dump(spec))
    with pytest.raises(SmeTeachError, match="item 2 \\('q2'\\): unknown dimension 'b'"):
        load_instrument(path)
    with pytest.raises(SmeTeachError, match="does not exist"):
        load_instrument(tmp_path / "nope.yaml")


def test_reference_rejects_each_kind_of_bad_answer_with_the_same_message_as_the_fast_version():
    r = random_responses(2)
    inst = load_instrument()
    for bad in (6, 0, 2.5, True, "agree", np.nan, None):
        b = r.astype(object)
        b.loc["r1", "pol_2"] = bad
        shown = {True: "True", "agree": "'agree'", None: "None"}.get(bad, repr(float(bad)) if isinstance(bad, float)
                                                                     else repr(bad))
        expected = rf"^row 'r1', item 'pol_2': answer {re.escape(shown)} is not a whole number from {inst.low} to {inst.high}$"
        with pytest.raises(SmeTeachError, match=expected):
            readiness_scores_reference(b)
        with pytest.raises(SmeTeachError, match=expected):
            readiness_scores(b)
    # the lowest and highest answers are allowed
    ok = r.copy()
    ok.loc["r0", "pol_2"], ok.loc["r1", "pol_2"] = inst.low, inst.high
    pd.testing.assert_frame_equal(readiness_scores(ok), readiness_scores_reference(ok), check_dtype=False)


def test_reference_by_hand_for_one_respondent():
    # every answer 4 on a 1-5 scale: a normal item scores (4 − 1) / 4 = 75; a reversed one (1 + 5 − 4 − 1) / 4 = 25
    inst = load_instrument()
    s = readiness_scores_reference({i: 4 for i in inst.item_ids})
    assert isinstance(s, pd.Series)
    for dim in inst.dimension_ids:
        items = inst.items[inst.items["dimension"] == dim]
        n_rev = int(items["reverse"].sum())
        assert s[dim] == pytest.approx((75 * (len(items) - n_rev) + 25 * n_rev) / len(items))
    assert s["overall"] == pytest.approx(np.mean([s[d] for d in inst.dimension_ids]))
    assert s["weakest"] == min(inst.dimension_ids, key=lambda d: s[d])
    assert s["band"] == readiness_band(s["overall"])
    assert list(s.index) == [*inst.dimension_ids, "overall", "band", "weakest", "weakest_score"]


def test_band_limits_and_messages():
    assert readiness_band(40) == "developing" and readiness_band(39.999) == "low"
    assert readiness_band(70) == "strong" and readiness_band(69.999) == "developing"
    assert readiness_band(0) == "low" and readiness_band(100) == "strong"
    assert isinstance(readiness_band(55), str)
    with pytest.raises(SmeTeachError, match=r"^score must lie between 0 and 100; got 100.5$"):
        readiness_band(100.5)
    with pytest.raises(SmeTeachError, match=r"^instrument must be an Instrument, a YAML path or None; got int$"):
        readiness_band(50, instrument=5)
    with pytest.raises(SmeTeachError, match=r"^responses must be a DataFrame \(rows = respondents, columns = item ids\) "
                                            r"or a dict for one respondent; got list$"):
        readiness_scores_reference([1, 2])


# ------------------------------------------------------------------ contracts pinned for `make mutate`
# (structure and messages only: no expected score depends on the scoring formula)

def _message(fn, *args, **kwargs) -> str:
    with pytest.raises(SmeTeachError) as err:
        fn(*args, **kwargs)
    return str(err.value)


def test_one_respondent_as_a_series_is_one_respondent_as_a_dict():
    inst = load_instrument()
    answers = {i: (k % 5) + 1 for k, i in enumerate(inst.item_ids)}
    from_dict, from_series = readiness_scores(answers), readiness_scores(pd.Series(answers))
    assert isinstance(from_series, pd.Series) and from_series.to_dict() == from_dict.to_dict()
    assert readiness_scores_reference(pd.Series(answers)).to_dict() == from_dict.to_dict()


def test_item_messages_list_every_id_and_name_duplicates():
    inst = load_instrument()
    answers = {i: 3 for i in inst.item_ids}
    text = _message(readiness_scores, {**answers, "respondent": 1})
    assert text.startswith("unknown item 'respondent'") and text.endswith(
        f"in responses; expected item ids: {', '.join(inst.item_ids)} (move respondent ids to the index)")
    first, second = inst.item_ids[:2]
    typo = _message(readiness_scores, {**{k: v for k, v in answers.items() if k != first}, first + "x": 3})
    assert typo.startswith(f"unknown item '{first}x'") and f"'{first}'" in typo.split(" in responses")[0]
    missing = {k: v for k, v in answers.items() if k not in (first, second)}
    assert _message(readiness_scores, missing) == (
        f"responses are missing item '{first}' (missing: {first}, {second}); every item must be answered")
    frame = pd.DataFrame([[3] * (len(inst.item_ids) + 2)], columns=[*inst.item_ids, first, second])
    assert _message(readiness_scores, frame) == (
        f"responses have item '{first}' more than once; expected one column per item")


def test_load_instrument_gives_a_copy_and_names_a_missing_file(tmp_path):
    inst = load_instrument()
    inst.dimensions.iloc[0, 0] = "changed"
    inst.items.iloc[0, 0] = "changed"
    again = load_instrument()
    assert again.dimensions.iloc[0, 0] != "changed" and again.items.iloc[0, 0] != "changed"
    missing = tmp_path / "none.yaml"
    assert _message(load_instrument, missing) == f"instrument file {str(missing)!r} does not exist; expected a YAML file"
    assert _message(readiness_scores, {}, instrument=str(missing)) == (
        f"instrument file {str(missing)!r} does not exist; expected a YAML file")
