"""Student-side helpers: ids, seeds, the self-check; and the light import promise."""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "fixtures"))
import make_course as mc  # noqa: E402

from sme_teach import SmeTeachError, grading  # noqa: E402


def test_import_is_light():
    code = "import sys, sme_teach.grading; print([m for m in ('nbgrader','pandas','seaborn','tqdm') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_committed_fixture_matches_its_builder(tmp_path):
    mc.build_course(tmp_path)
    for rel in ("nbgrader_config.py", "source/ps1/ps1.ipynb"):
        assert (tmp_path / rel).read_text() == (mc.COURSE / rel).read_text(), \
            f"run `python tests/fixtures/make_course.py` to refresh {rel}"


def test_student_id_order(monkeypatch):
    for var in ("JUPYTERHUB_USER", "SME_TEACH_STUDENT_ID", "NBGRADER_EXECUTION"):
        monkeypatch.delenv(var, raising=False)
    ns = {}
    monkeypatch.setattr(grading._student, "_notebook_namespace", lambda: ns)
    with pytest.raises(SmeTeachError, match="no student id found"):
        grading.student_id()
    monkeypatch.setenv("SME_TEACH_STUDENT_ID", "env-id")
    assert grading.student_id() == "env-id"
    ns["SME_TEACH_STUDENT_ID"] = "cell-id"
    assert grading.student_id() == "cell-id"
    monkeypatch.setenv("JUPYTERHUB_USER", "hub-user")
    assert grading.student_id() == "hub-user"
    # while autograding only the grader's variable counts
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert grading.student_id() == "env-id"
    monkeypatch.delenv("SME_TEACH_STUDENT_ID")
    monkeypatch.chdir(REPO)
    with pytest.raises(SmeTeachError, match="cannot tell whose submission"):
        grading.student_id()


def test_student_seed_is_stable_and_distinct():
    assert grading.student_seed("s001") == grading.student_seed("s001")
    assert grading.student_seed("s001") != grading.student_seed("s002")
    assert grading.student_seed("s001", salt="firms") != grading.student_seed("s001")


def test_student_seed_does_not_depend_on_pythons_hash_seed():
    # A hidden test recomputes the student's data in another process (the grader's kernel), so the
    # seed must not come from hash(), which Python salts per process (PYTHONHASHSEED).
    import hashlib

    code = ("from sme_teach.grading import student_seed\n"
            "print(student_seed('s001'), student_seed('s001', salt='firms'), student_seed('Ayesha.Khan@ku'))")
    procs = [subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": hs},
                              stdout=subprocess.PIPE, text=True) for hs in ("1", "2", "random")]
    seen = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert len(seen) == 1, f"student_seed differs between processes: {seen}"
    here = [grading.student_seed("s001"), grading.student_seed("s001", salt="firms"),
            grading.student_seed("Ayesha.Khan@ku")]
    assert seen == {" ".join(map(str, here))}
    # the documented recipe (SHA-256, a 32-bit seed), worked independently with hashlib
    assert here[0] == int.from_bytes(hashlib.sha256(b"sme_teach::s001").digest()[:4], "little")
    assert all(0 <= s < 2**32 for s in here)


def test_student_data_calls_datasets_variant(monkeypatch):
    import sme_teach.datasets as ds

    calls = []
    monkeypatch.setattr(ds, "variant", lambda name, seed, **kw: calls.append((name, seed, kw)) or "data",
                        raising=False)
    assert grading.student_data("khulna_firms", student="s001", n=5) == "data"
    assert calls == [("khulna_firms", grading.student_seed("s001", salt="khulna_firms"), {"n": 5})]


def _release_notebook(tmp_path):
    nb = mc.source_notebook()
    for cell in nb.cells:  # what the student sees: hidden regions removed
        cell.source = grading._check._HIDDEN.sub("", cell.source)
    path = tmp_path / "ps1.ipynb"
    nbformat.write(nb, path)
    return path


def test_check_says_what_to_fix(tmp_path, monkeypatch):
    import pandas as pd

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    path = _release_notebook(tmp_path)

    def todo(exports):
        raise NotImplementedError()

    result = grading.check("q1", notebook=path, namespace={"pd": pd, "share_of_top_market": todo})
    assert not result.passed and result.max_points == 5 and result.points == 0
    assert "replace `raise NotImplementedError()`" in repr(result)
    half = grading.check("q1", notebook=path, namespace={"pd": pd, "exports": pd.Series([1.0, 3.0]),
                                                         "share_of_top_market": lambda e: 0.5})
    assert [t.passed for t in half.tests] == [True, False, True]
    assert "expected 0.75 for markets [1, 3], got 0.5" in repr(half)
    good = grading.check("q1", notebook=path, namespace={
        "pd": pd, "exports": pd.Series([1.0, 2.0]), "share_of_top_market": lambda e: float(e.max() / e.sum())})
    assert good.passed and good.points == 5 and "<pre" in good._repr_html_()


def test_check_finds_the_notebook_in_the_folder_and_skips_while_autograding(tmp_path, monkeypatch):
    import pandas as pd

    _release_notebook(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    res = grading.check("q2", namespace={"np": __import__("numpy"), "hhi": lambda s: 1.0, "pd": pd})
    assert [t.grade_id for t in res.tests] == ["test_q2_value", "test_q2_edge"]
    with pytest.raises(SmeTeachError, match="no visible tests for question 'q9'"):
        grading.check("q9", notebook=tmp_path / "ps1.ipynb", namespace={})
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert grading.check("q1").tests == []


def test_item_analysis_reference_values():
    import pandas as pd

    # 4 students; item a separates perfectly, item b is reversed
    s = pd.DataFrame({"student": list("wxyz") * 2, "item": ["a"] * 4 + ["b"] * 4,
                      "score": [3, 3, 0, 0, 0, 0, 1, 1], "max_score": [3] * 4 + [1] * 4})
    items = grading.item_analysis(s).set_index("item")
    assert items.loc["a", "difficulty"] == 0.5 and items.loc["a", "discrimination"] == 1.0
    assert items.loc["b", "discrimination"] == -1.0 and items.loc["b", "item_rest_r"] == pytest.approx(-1.0)
