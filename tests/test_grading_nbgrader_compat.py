"""Course set-ups from nbgrader's own fixtures that ``sme-teach grade`` must handle as nbgrader does (issue #18).

One fixture course (``tests/fixtures/make_course.py``) with two notebooks in ``ps1`` (``ps1`` and a copy
``extra``), kernelspec ``python`` (as most of nbgrader's fixtures) and nbgrader's late-penalty plugin
example in the course folder, graded once by ``sme-teach grade``:

* a late-penalty plugin living in the course folder is imported (nbgrader puts the course on
  ``sys.path``) and applied; an unimportable one stops grading *before* anything is written;
* an empty submission folder records nothing (no gradebook row, no ``autograded/`` folder);
* a student who hands in one of two notebooks is graded (the other scores 0) and the run exits 0;
* kernelspec ``python`` is graded as ``python3`` (no "asked for kernel" note), with the in-kernel guard
  (a student who rebinds ``builtins.abs`` to pass a wrong answer is caught) and no kernel talks TCP.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "fixtures"))
import make_course as mc  # noqa: E402

BIN = Path(sys.executable).parent
PLUGIN = '''\
from nbgrader.plugins import BasePlugin


class SubMarks(BasePlugin):
    """nbgrader's documented example: one point off per late submission notebook."""

    def late_submission_penalty(self, student_id, score, total_seconds):
        return 1.0 if total_seconds > 0 else 0.0
'''

#: a wrong q1 (0.5 for every input) that rebinds ``abs``, which the value tests compare with: without
#: the guard, q1's value and hidden tests pass (8 points); with it they fail (1 + 0 + 0 + 2 + 1 = 4)
PATCHER = {**mc.SOLVED, "q1_share": "import builtins\nbuiltins.abs = lambda x: 0.0\n\n"
                                    "def share_of_top_market(exports):\n    return 0.5"}


def _grades(course: Path) -> dict:
    from nbgrader.api import Gradebook

    out = {}
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        warnings.simplefilter("ignore")
        for sub in gb.assignment_submissions("ps1"):
            out[sub.student_id] = {nb.name: (nb.score, nb.late_submission_penalty) for nb in sub.notebooks}
    return out


def _cli(course: Path, *args):
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(BIN / "sme-teach"), *args, "--course", str(course)], env=env, cwd=str(course),
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    import datetime

    from nbgrader.api import Gradebook

    course = mc.build_course(tmp_path_factory.mktemp("compat") / "course")
    src = course / "source" / "ps1"
    nb = nbformat.read(src / "ps1.ipynb", as_version=4)
    nb.metadata["kernelspec"] = {"name": "python", "display_name": "Python", "language": "python"}
    nbformat.write(nb, src / "ps1.ipynb")
    shutil.copy(src / "ps1.ipynb", src / "extra.ipynb")
    (course / "latepenalty.py").write_text(PLUGIN)
    with open(course / "nbgrader_config.py", "a") as fh:
        fh.write('c.AssignLatePenalties.plugin_class = "latepenalty.SubMarks"\n')
    assert _cli(course, "release", "ps1").returncode == 0
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        gb.update_or_create_assignment("ps1", duedate=datetime.datetime(2026, 1, 11))
    both = mc.write_submission(course, "both", mc.SOLVED, timestamp="2026-01-12 09:00:00.000000 UTC")
    shutil.copy(both / "ps1.ipynb", both / "extra.ipynb")
    mc.write_submission(course, "one", mc.SOLVED)  # ps1.ipynb only, on time
    patcher = mc.write_submission(course, "patcher", PATCHER)  # ps1 only: a wrong q1 that patches abs
    shutil.copy(course / "submitted" / "one" / "ps1" / "ps1.ipynb", patcher / "extra.ipynb")
    (course / "submitted" / "nothing" / "ps1").mkdir(parents=True)  # an empty folder
    proc = _cli(course, "grade", "ps1", "--jobs", "2", "--timeout", "20", "--no-progress")
    return course, proc


def test_a_plugin_in_the_course_folder_is_used(course):
    course, proc = course
    assert proc.returncode == 0, proc.stdout + proc.stderr
    grades = _grades(course)
    # 8 points each; the penalty is recorded beside the score, as nbgrader records it
    assert grades["both"] == {"ps1": (8.0, 1.0), "extra": (8.0, 1.0)}


def test_an_empty_folder_records_nothing(course):
    course, proc = course
    assert "nothing" not in _grades(course)
    assert not (course / "autograded" / "nothing").exists()
    assert "empty submission folders, nothing recorded (as nbgrader): nothing" in proc.stdout


def test_one_of_two_notebooks_is_graded(course):
    course, proc = course
    assert {nb: score for nb, (score, _) in _grades(course)["one"].items()} == {"ps1": 8.0, "extra": 0.0}
    assert "FAILED" not in proc.stdout
    assert "missing notebook extra.ipynb" in proc.stdout  # said, as a note


def test_kernelspec_python_is_python3_over_ipc(course):
    course, proc = course
    assert "asked for kernel" not in proc.stdout
    assert "without encryption" not in proc.stdout + proc.stderr
    nb = nbformat.read(course / "autograded" / "one" / "ps1" / "ps1.ipynb", as_version=4)
    assert nb.metadata.language_info.name == "python"
    # the guard runs for kernelspec python as for python3: the rebound abs is put back before each test
    assert _grades(course)["patcher"]["ps1"][0] == 4.0
    assert "the notebook replaced" in proc.stdout and "builtins.abs" in proc.stdout


def test_an_unimportable_plugin_stops_before_anything_is_written(course, tmp_path):
    course, _ = course
    broken = tmp_path / "broken"
    shutil.copytree(course, broken, ignore=shutil.ignore_patterns("autograded", "grading_log.*", "latepenalty.py"))
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{broken}/gradebook.db") as gb:
        gb.remove_submission("ps1", "both")
    mc.write_submission(broken, "late2", mc.SOLVED)
    before = _grades(broken)
    proc = _cli(broken, "grade", "ps1", "--no-progress", "--student", "late2")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "cannot be used for grading" in proc.stderr and "latepenalty" in proc.stderr
    assert _grades(broken) == before, "nothing may be half-written"
    assert not (broken / "autograded" / "late2").exists()
