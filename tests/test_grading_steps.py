"""The grading pipeline's steps one by one — discover, plan, record — on the fixture course.

(``run`` is exercised end to end by ``test_grading_engine.py``; its sandbox by
``test_sandbox_attacks.py``.) One module-scoped course is released once; each test works on its own copy.
"""

from __future__ import annotations

import json
import shutil
import sys
import warnings
from pathlib import Path

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "fixtures"))
import make_course as mc  # noqa: E402


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    from sme_teach import grading

    course = mc.build_course(tmp_path_factory.mktemp("steps") / "course")
    grading.release("ps1", course)
    return course


@pytest.fixture
def course(released, tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(released, copy)
    return copy


def _coursedir(course: Path):
    from sme_teach.grading._course import course_directory, load_config

    config = load_config(course)
    return course_directory(course, config, assignment_id="ps1"), config


# ------------------------------------------------------------------ discover

def test_discover_finds_submissions_and_sets_empty_folders_aside(course):
    from sme_teach.grading._discover import discover, fingerprint

    mc.write_submission(course, "ann", mc.SOLVED)
    mc.write_submission(course, "bob", None)
    (course / "submitted" / "cat" / "ps1").mkdir(parents=True)
    coursedir, _ = _coursedir(course)
    subs, empty = discover(coursedir, "ps1")
    assert [s["student"] for s in subs] == ["ann", "bob"] and empty == ["cat"]
    assert [Path(p).name for p in subs[0]["notebooks"]] == ["ps1.ipynb"]
    subs, empty = discover(coursedir, "ps1", students=["bob"])
    assert [s["student"] for s in subs] == ["bob"] and empty == []
    before = fingerprint(course / "submitted" / "ann" / "ps1")
    (course / "submitted" / "ann" / "ps1" / "notes.txt").write_text("x")
    assert fingerprint(course / "submitted" / "ann" / "ps1") != before


# ------------------------------------------------------------------ plan

def test_plan_builds_tasks_and_skips_what_the_log_says_is_done(course):
    from sme_teach.grading._discover import discover
    from sme_teach.grading._log import LOG_NAME
    from sme_teach.grading._plan import plan

    mc.write_submission(course, "ann", mc.SOLVED)
    mc.write_submission(course, "bob", mc.PARTIAL)
    coursedir, config = _coursedir(course)
    log = course / LOG_NAME
    subs, _ = discover(coursedir, "ps1")
    steps = plan(coursedir, config, "ps1", subs, log)
    assert [t["student"] for t in steps.tasks] == ["ann", "bob"] and steps.skipped == []
    assert steps.modes["ps1"][0] == "nbgrader"  # ps1's tests call the student's functions
    assert "share_of_top_market" in steps.modes["ps1"][1]
    task = steps.tasks[0]
    assert task["staging"].startswith(task["final"] + ".grading-") and task["notebooks"][0][0] == "ps1"
    # the log vouches for ann (same files, autograded folder present): she is skipped
    Path(task["final"]).mkdir(parents=True)
    log.write_text(json.dumps({"assignment": "ps1", "student": "ann", "status": "graded",
                               "fingerprint": task["fingerprint"]}) + "\n")
    subs, _ = discover(coursedir, "ps1")
    again = plan(coursedir, config, "ps1", subs, log)
    assert [t["student"] for t in again.tasks] == ["bob"] and again.skipped == ["ann"]
    forced = plan(coursedir, config, "ps1", discover(coursedir, "ps1")[0], log, force=True, checks="nbgrader")
    assert len(forced.tasks) == 2 and "checks='nbgrader'" in forced.modes["ps1"][1]


def test_plan_modes_of_the_course_assignments_are_trusted():
    from sme_teach.grading._plan import plan_modes

    for folder in sorted((REPO / "assignments" / "source").iterdir()):
        modes = plan_modes(folder)
        assert modes and all(mode == "trusted" for mode, _ in modes.values()), (folder.name, modes)


# ------------------------------------------------------------------ record

def _gradebook_rows(course: Path, student: str) -> list:
    from nbgrader.api import Gradebook

    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        warnings.simplefilter("ignore")
        sub = gb.find_submission("ps1", student)
        return [(g.name, g.auto_score, g.needs_manual_grade) for nb in sub.notebooks for g in nb.grades]


def test_record_a_failure_leaves_no_folder_and_a_log_line(course):
    from sme_teach.grading._discover import discover
    from sme_teach.grading._log import LOG_NAME, read_log
    from sme_teach.grading._plan import plan
    from sme_teach.grading._record import Recorder

    mc.write_submission(course, "ann", mc.SOLVED)
    coursedir, config = _coursedir(course)
    log = course / LOG_NAME
    recorder = Recorder(coursedir, config, log)
    task = plan(coursedir, config, "ps1", discover(coursedir, "ps1")[0], log).tasks[0]
    Path(task["staging"]).mkdir(parents=True)  # what a worker would have left
    outcome = recorder.record({"status": "failed", "reason": "the kernel died", "seconds": 1.0}, task)
    assert (outcome.status, outcome.reason, outcome.score) == ("failed", "the kernel died", 0.0)
    rows = _gradebook_rows(course, "ann")  # as nbgrader leaves them: nothing scored
    assert rows and all(not score for _, score, _ in rows), rows
    assert not Path(task["staging"]).exists() and not Path(task["final"]).exists()
    assert read_log(log)[("ps1", "ann")]["reason"] == "the kernel died"


def test_a_recorder_refuses_a_plugin_it_cannot_import(course):
    from sme_teach import SmeTeachError
    from sme_teach.grading._course import load_config
    from sme_teach.grading._record import Recorder

    with open(course / "nbgrader_config.py", "a") as fh:
        fh.write('c.AssignLatePenalties.plugin_class = "no_such_module.Penalty"\n')
    coursedir, config = _coursedir(course)
    config = load_config(course)
    with pytest.raises(SmeTeachError, match="no_such_module"):
        Recorder(coursedir, config, course / "log.jsonl")
