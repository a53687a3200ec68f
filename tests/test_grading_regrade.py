"""Recording and regrading through the public API: a changed resubmission is graded again, an
unchanged one is not, and a grade cell deleted from a resubmission is worth nothing.

Everything runs on nbgrader's real pipeline (``grading.release`` and ``grading.grade`` on the
fixture course of ``tests/fixtures/``). The scores are worked out from the fixture's point table
(``make_course.AUTO_POINTS``), not read from an earlier run:

- the solved notebook passes every autograded test: 1 + 2 + 2 + 2 + 1 = 8;
- ``PARTIAL`` hard-codes q1's visible example, failing only the hidden test: 8 − 2 = 6;
- deleting the ``test_q2_edge`` cell from the solved notebook loses its 1 point: 8 − 1 = 7.
"""

from __future__ import annotations

import sys
import warnings

import nbformat
import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "fixtures"))
import make_course as mc  # noqa: E402

FAST = dict(jobs=1, progress=False, timeout=20)
# no notebook of these runs reaches a kernel: skip the pre-imported kernel process (0.5 s a call, not 1.5)
NO_KERNEL = dict(jobs=1, progress=False, zygote=False, warm_imports=())


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from sme_teach import grading

    root = mc.build_course(tmp_path_factory.mktemp("regrade") / "course")
    grading.release("ps1", root)
    return root


def _cell_grades(course, student) -> dict:
    from nbgrader.api import Gradebook

    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        warnings.simplefilter("ignore")
        nb = gb.find_submission("ps1", student).notebooks[0]
        return {g.name: (g.auto_score, g.needs_manual_grade) for g in nb.grades}


def _score(course, student) -> float:
    from nbgrader.api import Gradebook

    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        warnings.simplefilter("ignore")
        return float(gb.find_submission("ps1", student).score)


def test_points_table_adds_up():
    # the arithmetic of the module docstring, from the fixture's own table
    assert sum(mc.AUTO_POINTS.values()) == 8
    assert 8 - mc.AUTO_POINTS["test_q1_hidden"] == mc.PARTIAL_SCORE == 6
    assert 8 - mc.AUTO_POINTS["test_q2_edge"] == 7


@pytest.fixture(scope="module")
def unreadable(course):
    """One submission graded once: an unreadable notebook fails before any kernel runs."""
    from sme_teach import grading

    path = mc.write_invalid_json(course, "fp") / "ps1.ipynb"
    first = grading.grade("ps1", course, students=["fp"], **NO_KERNEL)
    assert [(o.student, o.status) for o in first.outcomes] == [("fp", "failed")]
    assert "not valid JSON" in first.outcomes[0].reason and first.skipped == []
    return path, first.outcomes[0].fingerprint


def test_changed_resubmission_is_regraded_unchanged_is_not(course, unreadable):
    """Under a second: the fingerprint decides whether a recorded submission is graded again."""
    from sme_teach import grading

    path, fingerprint = unreadable
    again = grading.grade("ps1", course, students=["fp"], **NO_KERNEL)
    assert again.outcomes == [] and again.skipped == ["fp"], "an unchanged submission is not graded twice"

    path.write_text(path.read_text() + " (edited)")
    changed = grading.grade("ps1", course, students=["fp"], **NO_KERNEL)
    assert changed.skipped == [], "a changed resubmission must be graded again"
    assert [(o.student, o.status) for o in changed.outcomes] == [("fp", "failed")]
    assert changed.outcomes[0].fingerprint != fingerprint


def test_fingerprint_covers_the_whole_folder_and_force_regrades(course, unreadable):
    from sme_teach import grading

    path, _ = unreadable
    grading.grade("ps1", course, students=["fp"], **NO_KERNEL)  # record the current state
    assert grading.grade("ps1", course, students=["fp"], **NO_KERNEL).skipped == ["fp"]
    (path.parent / "notes.txt").write_text("a file beside the notebook")
    assert grading.grade("ps1", course, students=["fp"], **NO_KERNEL).skipped == []
    assert grading.grade("ps1", course, students=["fp"], **NO_KERNEL).skipped == ["fp"]
    # renaming a file (same bytes) is a change too: names are part of the fingerprint
    (path.parent / "notes.txt").rename(path.parent / "notes-v2.txt")
    assert grading.grade("ps1", course, students=["fp"], **NO_KERNEL).skipped == []
    assert grading.grade("ps1", course, students=["fp"], **NO_KERNEL).skipped == ["fp"]
    forced = grading.grade("ps1", course, students=["fp"], force=True, **NO_KERNEL)
    assert forced.skipped == [] and [o.student for o in forced.outcomes] == ["fp"]


@pytest.mark.slow  # real kernels (≈10 s); left out of `make mutate`, which mutates none of what it adds
def test_edit_one_answer_then_delete_a_grade_cell_changes_the_score(course):
    """Grade, edit one answer, grade again → the new score; delete a test cell → it is worth 0."""
    from sme_teach import grading

    mc.write_submission(course, "ed", mc.PARTIAL)
    run = grading.grade("ps1", course, students=["ed"], **FAST)
    assert [(o.student, o.status, o.score) for o in run.outcomes] == [("ed", "graded", 6.0)]
    assert _score(course, "ed") == 6.0

    # edit one answer (q1: the real solution instead of the hard-coded 0.75)
    mc.write_submission(course, "ed", mc.SOLVED)
    run = grading.grade("ps1", course, students=["ed"], **FAST)
    assert run.skipped == [] and [o.score for o in run.outcomes] == [8.0]
    assert _score(course, "ed") == 8.0
    assert _cell_grades(course, "ed")["test_q2_edge"] == (1.0, False)

    # delete one grade cell from the (still solved) resubmission: the earlier 1 point must not survive
    dest = course / "submitted" / "ed" / "ps1" / "ps1.ipynb"
    nb = nbformat.read(dest, as_version=4)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_q2_edge"]
    nbformat.write(nb, dest)
    run = grading.grade("ps1", course, students=["ed"], **FAST)
    assert [o.score for o in run.outcomes] == [7.0]
    assert any("grade cells deleted" in n and "test_q2_edge" in n for n in run.outcomes[0].notes)
    cells = _cell_grades(course, "ed")
    assert cells["test_q2_edge"] == (0.0, False), "a deleted test is worth 0 and does not wait for a TA"
    assert cells["test_q2_value"] == (2.0, False)
    assert _score(course, "ed") == 7.0


def test_a_line_cut_short_by_a_crash_does_not_hide_later_records(course, unreadable):
    """grading_log.jsonl is append-only; a half-written line (a crash) is skipped, not the end of the log."""
    from sme_teach import grading

    log = course / "grading_log.jsonl"
    grading.grade("ps1", course, students=["fp"], **NO_KERNEL)  # the submission's current state is recorded
    lines = log.read_text().splitlines()
    log.write_text("\n".join(['{"assignment": "ps1", "student": "zz", "stat'] + lines) + "\n")
    assert grading.grade("ps1", course, students=["fp"], **NO_KERNEL).skipped == ["fp"]
