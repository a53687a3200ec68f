"""Trusted checking's pieces: which names a test reads, which mode a notebook gets, data in and out."""

from __future__ import annotations

import math

import nbformat
import numpy as np
import pandas as pd
import pytest

from sme_teach.grading import _checker, _transfer


def test_free_and_bound_names():
    src = ('"""doc"""\nexpect_frame(stages, key="firm_id")\n_h = grading.student_data("x")\n'
           'assert all(v > 0 for v in _h["a"]), len(firms)\n')
    assert _checker.free_names(src) == {"expect_frame", "stages", "grading", "firms", "v"}
    assert _checker.bound_names(src) == {"_h"}
    assert _checker.bound_names("import numpy as np\nfrom a import b\ndef f():\n    x = 1\nfor i in []: pass") == \
        {"np", "b", "f", "i"}
    assert _checker.free_names("%timeit x") == set()  # magics: nothing can be said


def _nb(solution: str, test: str):
    def cell(src, **m):
        return nbformat.v4.new_code_cell(src, metadata={"nbgrader": {"grade_id": m.pop("gid"), **m}})
    return nbformat.v4.new_notebook(cells=[
        cell("import pandas as pd", gid="setup", locked=True),
        cell(solution, gid="answer", solution=True, grade=False),
        cell(test, gid="test", grade=True, locked=True, points=1),
    ])


def test_plan_mode_trusted_for_data_and_nbgrader_for_student_functions():
    mode, why = _checker.plan_mode(_nb("x = pd.Series([1])", "assert x.sum() == 1"))
    assert mode == _checker.TRUSTED
    mode, why = _checker.plan_mode(_nb("def f(a):\n    return a", "assert f(2) == 2"))
    assert mode == _checker.NBGRADER and "f" in why
    mode, _ = _checker.plan_mode(_nb("g = lambda a: a", "assert g(2) == 2"))
    assert mode == _checker.NBGRADER
    assert _checker.plan_mode(_nb("x = 1", "%time assert x"))[0] == _checker.NBGRADER


def test_cell_kind():
    nb = _nb("x = 1", "assert x")
    assert [_checker.cell_kind(c) for c in nb.cells] == ["setup", "solution", "test"]


def test_data_round_trips_exactly():
    frame = pd.DataFrame({"firm_id": ["KS01", "KS02"], "score": [0.1 + 0.2, 1 / 3], "n": [1, 2],
                          "ok": [True, False]}).set_index("firm_id")
    series = pd.Series({"IND": 0.4, "GBR": 2.1}, name="ks")
    values = {"f": frame, "s": series, "i": 10**30, "x": math.nan, "t": "text", "none": None,
              "np": np.float64(0.25), "arr": np.arange(6).reshape(2, 3), "nested": {"a": [1, (2, 3)], 4: {5}}}
    back = _transfer.load(_transfer.dump(values, list(values)))
    pd.testing.assert_frame_equal(back["f"], frame)
    pd.testing.assert_series_equal(back["s"], series)
    assert back["i"] == 10**30 and math.isnan(back["x"]) and back["t"] == "text" and back["none"] is None
    assert back["np"] == 0.25 and isinstance(back["np"], np.float64)
    assert (back["arr"] == values["arr"]).all() and back["arr"].shape == (2, 3)
    assert back["nested"] == {"a": [1, (2, 3)], 4: {5}}


def test_code_never_crosses():
    def student_function():
        raise AssertionError("must never run")

    back = _transfer.load(_transfer.dump({"f": student_function, "m": np, "c": object}, ["f", "m", "c"]))
    for name, kind in (("f", "function"), ("m", "module"), ("c", "type")):
        assert isinstance(back[name], _transfer.Opaque) and type(back[name]).__name__ == kind
    with pytest.raises(AssertionError, match="expected data"):
        back["f"].sum()
    # the payload is JSON: a pickle-looking string stays a string
    assert _transfer.load(_transfer.dump({"p": "cos\nsystem\n(S'ls'\ntR."}, ["p"]))["p"].startswith("cos")
