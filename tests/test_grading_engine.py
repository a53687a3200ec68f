"""The grading engine on nbgrader's real pipeline, with the fixture course of tests/fixtures/.

One module-scoped course is released once and graded twice from the same submissions: by
``sme-teach grade --jobs 2`` and, on a copy, by ``nbgrader autograde`` (in a subprocess, run at the
same time). Every test then reads those results.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "fixtures"))
import make_course as mc  # noqa: E402

BIN = Path(sys.executable).parent
TIMEOUT = 10  # long enough for a cold kernel to import pandas on a loaded machine
CRASH = {"q1_share": "import os\nos._exit(1)"}
# submission score before nbgrader's late penalty (recorded separately on the notebook)
EXPECTED = {"sol": 8.0, "blank": 0.0, "part": mc.PARTIAL_SCORE, "loop": mc.PARTIAL_SCORE, "late": 8.0}
DUE = datetime.datetime(2026, 1, 11, 0, 0, 0)


def _env():
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def _grades(course: Path) -> dict:
    """Everything nbgrader records per submission, keyed by student."""
    import warnings

    from nbgrader.api import Gradebook

    out = {}
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        warnings.simplefilter("ignore")
        for sub in gb.assignment_submissions("ps1"):
            nb = sub.notebooks[0]
            out[sub.student_id] = {
                "timestamp": sub.timestamp, "seconds_late": sub.total_seconds_late,
                "penalty": nb.late_submission_penalty, "score": sub.score,
                "cells": sorted((g.name, g.auto_score, g.score, g.needs_manual_grade) for g in nb.grades),
                "comments": sorted((c.name, c.auto_comment) for c in nb.comments),
                "n_grades": len(nb.grades),
            }
    return out


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(course graded by sme-teach, courses graded by nbgrader autograde, the log by student, seconds)."""
    from nbgrader.api import Gradebook

    from sme_teach import cli, grading

    base = tmp_path_factory.mktemp("grading")
    course = mc.build_course(base / "course")
    with open(course / "nbgrader_config.py", "a") as fh:
        fh.write('c.LateSubmissionPlugin.penalty_method = "zero"\n')
    grading.release("ps1", course)
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        gb.update_or_create_assignment("ps1", duedate=DUE)
    mc.write_submission(course, "sol", mc.SOLVED)
    mc.write_submission(course, "blank", None)
    mc.write_submission(course, "part", mc.PARTIAL)
    mc.write_submission(course, "loop", mc.LOOPING)
    mc.write_submission(course, "late", mc.SOLVED, timestamp="2026-01-12 09:30:00.000000 UTC")
    mc.write_submission(course, "crash", CRASH)
    mc.write_invalid_json(course, "broken")
    # the reference: nbgrader autograde, in two processes on two copies (each grades half the class
    # and has its own gradebook), so the sequential reference does not dominate the tests' wall time
    groups = [("loop", "crash", "broken", "blank"), ("sol", "part", "late")]
    everyone = {s for group in groups for s in group}
    reference, nbgrader = [], []
    for i, group in enumerate(groups):
        copy = base / f"reference{i}"
        shutil.copytree(course, copy)
        reference.append(copy)
        nbgrader.append(subprocess.Popen(
            [str(BIN / "nbgrader"), "autograde", "ps1", f"--Execute.timeout={TIMEOUT}",
             f"--CourseDirectory.student_id_exclude={','.join(sorted(everyone - set(group)))}"],
            cwd=copy, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    os.environ["JUPYTERHUB_USER"] = "mallory"  # must not reach the kernels
    try:
        t0 = time.perf_counter()
        code = cli.main(["grade", "ps1", "--course", str(course), "--jobs", "2", "--timeout", str(TIMEOUT),
                         "--no-progress"])
        seconds = time.perf_counter() - t0
    finally:
        del os.environ["JUPYTERHUB_USER"]
    errs = [proc.communicate(timeout=300)[1] for proc in nbgrader]
    assert code == 1, "failed submissions must make the command exit 1"
    for student in ("broken", "crash"):  # nbgrader, too, fails broken + crash (both in the first group)
        assert f"There was an error processing assignment 'ps1' for student '{student}'" in errs[0], errs[0][-2000:]
    log = [json.loads(line) for line in (course / "grading_log.jsonl").read_text().splitlines()]
    return course, reference, {r["student"]: r for r in log}, seconds


def test_scores_are_exactly_nbgraders(graded):
    course, reference, _, _ = graded
    ours, theirs = _grades(course), {}
    for copy in reference:
        theirs.update(_grades(copy))
    assert set(ours) == {"sol", "blank", "part", "loop", "late", "crash", "broken"}
    assert ours == theirs


def test_expected_scores(graded):
    course, _, log, _ = graded
    grades = _grades(course)
    for student, score in EXPECTED.items():
        assert grades[student]["score"] == score, student
        assert log[student]["status"] == "graded" and log[student]["score"] == score
    # the late submission was solved but nbgrader's "zero" late policy applies
    assert grades["late"]["seconds_late"] > 0 and grades["late"]["penalty"] == 8.0
    assert grades["sol"]["seconds_late"] == 0
    # the written answer waits for a human
    assert ("q3_written", None, 0.0, True) in grades["sol"]["cells"]
    part = dict((c[0], c[2]) for c in grades["part"]["cells"])
    assert part["test_q1_value"] == 2.0 and part["test_q1_hidden"] == 0.0, "hard-coding fails the hidden test"


def test_failures_are_recorded_with_reasons(graded):
    course, _, log, _ = graded
    assert log["broken"]["status"] == "failed" and "JSON" in log["broken"]["reason"]
    assert log["crash"]["status"] == "failed" and "kernel died" in log["crash"]["reason"]
    assert any("timed out" in n for n in log["loop"]["notes"])
    csv = (course / "grading_log.csv").read_text()
    assert "broken,failed" in csv and "kernel died" in csv
    assert not (course / "autograded" / "broken" / "ps1").exists()


def test_autograded_folder_restores_hidden_tests_and_uses_student_seed(graded):
    course, _, _, _ = graded
    nb = nbformat.read(course / "autograded" / "sol" / "ps1" / "ps1.ipynb", as_version=4)
    assert mc.HIDDEN_MARKER in "".join(c.source for c in nb.cells)
    assert not list((course / "autograded").glob("*/*.grading-*")), "no staging folders left"
    # the kernel saw SME_TEACH_STUDENT_ID=sol, not JUPYTERHUB_USER=mallory or the notebook's "demo"
    import numpy as np
    import pandas as pd

    from sme_teach.grading import student_seed

    rng = np.random.default_rng(student_seed("sol"))
    expected = pd.Series(rng.integers(5, 60, size=6).astype(float),
                         index=["India", "USA", "Germany", "UK", "China", "Japan"], name="exports_musd")
    setup = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    assert setup.outputs[0]["data"]["text/plain"] == repr(expected)
    assert oct(os.stat(course / "autograded" / "sol" / "ps1" / "ps1.ipynb").st_mode & 0o777) == "0o444"


def test_rerun_grades_nothing_new(graded):
    from sme_teach import grading

    course, _, _, _ = graded
    before = (course / "grading_log.jsonl").read_text()
    run = grading.grade("ps1", course, jobs=2, progress=False)
    assert run.outcomes == [] and len(run.skipped) == 7
    assert (course / "grading_log.jsonl").read_text() == before


def test_release_has_no_solutions_or_hidden_tests(graded):
    course, _, _, _ = graded
    text = (course / "release" / "ps1" / "ps1.ipynb").read_text()
    assert mc.SOLUTION_MARKER not in text and mc.HIDDEN_MARKER not in text
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    assert "raise NotImplementedError()" in text


def test_feedback_shows_failures_but_no_hidden_source(graded):
    from sme_teach import grading

    course, _, _, _ = graded
    files = grading.feedback("ps1", course)
    assert {p.parts[-3] for p in files} == {"sol", "blank", "part", "loop", "late"}
    hidden = grading._feedback.hidden_test_lines(course / "source" / "ps1" / "ps1.ipynb")
    assert hidden and any(mc.HIDDEN_MARKER in line for line in hidden)
    for path in files:
        text = path.read_text()
        assert mc.HIDDEN_MARKER not in text and "BEGIN HIDDEN TESTS" not in text, path
    part = (course / "feedback" / "part" / "ps1" / "ps1.html").read_text()
    assert "wrong share for your own data" in part  # says why the hidden check failed
    blank = (course / "feedback" / "blank" / "ps1" / "ps1.html").read_text()
    assert "NotImplementedError" in blank


def test_report_writes_tables_figures_and_lms_csv(graded, tmp_path, capsys):
    import pandas as pd

    from sme_teach import cli

    course, _, _, _ = graded
    # the written answers of sol, late, … await marking: the LMS CSV is refused without --allow-unmarked
    assert cli.main(["report", "ps1", "--course", str(course), "--out", str(tmp_path), "--lms", "moodle"]) == 1
    assert not (tmp_path / "grades_moodle.csv").exists()
    refused = capsys.readouterr().err
    assert "sol: ps1/q3_written (3 points)" in refused and "late: ps1/q3_written" in refused
    # a submission that failed to run has nothing to mark (report lists it under "needs attention")
    assert "broken:" not in refused and "crash:" not in refused
    assert cli.main(["report", "ps1", "--course", str(course), "--out", str(tmp_path), "--lms", "moodle",
                     "--allow-unmarked"]) == 0
    items = pd.read_csv(tmp_path / "items.csv")
    assert list(items["item"]) == ["test_q1_type", "test_q1_value", "test_q1_hidden", "test_q2_value",
                                   "test_q2_edge", "q3_written"]
    assert {"mean_score", "difficulty", "discrimination", "item_rest_r"} <= set(items.columns)
    hidden = items.set_index("item").loc["test_q1_hidden"]
    assert hidden["mean_score"] == pytest.approx(2 * 2 / 7, abs=1e-4)  # sol and late pass the hidden test
    lms = pd.read_csv(tmp_path / "grades_moodle.csv")
    assert list(lms.columns) == ["ID number", "ps1", "total", "awaiting_marking"] and len(lms) == 7
    assert lms.set_index("ID number").loc["part", "total"] == mc.PARTIAL_SCORE
    for png in ("totals.png", "items.png"):
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (tmp_path / "report.html").read_text()
    assert page.count("<img") == 2 and len(re.findall(r'<img src="[^"]+" alt="[^"]{20,}"', page)) == 2


def test_resume_after_sigkill_grades_only_whats_missing(tmp_path):
    from sme_teach import grading

    course = mc.build_course(tmp_path / "course")
    grading.release("ps1", course)
    for i in range(3):
        mc.write_submission(course, f"s{i}", mc.SOLVED)
    log = course / "grading_log.jsonl"
    proc = subprocess.Popen([str(BIN / "sme-teach"), "grade", "ps1", "--jobs", "2", "--no-progress"],
                            cwd=course, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (log.exists() and log.read_text().count("\n") >= 1):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first = log.read_text().count("\n")
    assert 1 <= first < 3, "the kill should land mid-batch"
    # the resumed run spawns its kernels normally: the fallback path gives the same grades
    run = grading.grade("ps1", course, jobs=2, progress=False, zygote=False)
    assert len(run.outcomes) + len(run.skipped) == 3 and len(run.skipped) >= first
    grades = _grades(course)
    assert {s: g["score"] for s, g in grades.items()} == {f"s{i}": 8.0 for i in range(3)}
    assert all(g["n_grades"] == 6 for g in grades.values()), "no duplicated grades"
    assert not list((course / "autograded").glob("*/*.grading-*"))


# ---------------------------------------------------------------------------- on a Dask cluster
# A real `dask scheduler` and two `dask worker` processes on loopback grade copies of the class graded
# above (its gradebook emptied of submissions), once as is and once while a worker is SIGKILLed in the
# middle of a submission; the local run of `graded` is the reference, cell by cell.

@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """(scheduler address, [nanny processes]) of a 2-worker cluster on 127.0.0.1."""
    pytest.importorskip("distributed")
    base = tmp_path_factory.mktemp("dask")
    scheduler_file = base / "scheduler.json"
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--port", "0", "--scheduler-file", str(scheduler_file),
                               *common], cwd=base, env=_env(), stdout=subprocess.DEVNULL,
                              stderr=open(base / "scheduler.log", "w"))]
    for i in range(2):
        procs.append(subprocess.Popen(
            [str(BIN / "dask"), "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1", "--nworkers", "1",
             "--memory-limit", "0", "--death-timeout", "60", "--local-directory", str(base / f"w{i}"),
             "--preload", "sme_teach.grading._dask", *common],
            cwd=base, env=_env(), stdout=subprocess.DEVNULL, stderr=open(base / f"worker{i}.log", "w")))
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        from distributed import Client

        with Client(address, set_as_default=False, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address, procs
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _ungraded_copy(course: Path, dest: Path) -> Path:
    """The graded course as it was before grading: same submissions, no grades, no log, no autograded/."""
    import warnings

    from nbgrader.api import Gradebook

    shutil.copytree(course, dest, ignore=shutil.ignore_patterns("autograded", "feedback", "grading_log.*", "reports"))
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{dest}/gradebook.db") as gb:
        warnings.simplefilter("ignore")
        for sub in list(gb.assignment_submissions("ps1")):
            gb.remove_submission("ps1", sub.student_id)
        assert not gb.assignment_submissions("ps1")
    return dest


def _log(course: Path) -> list:
    return [json.loads(line) for line in (course / "grading_log.jsonl").read_text().splitlines()]


def test_dask_cluster_grades_exactly_as_the_local_pool(graded, dask_cluster, tmp_path):
    from sme_teach import cli

    course, _, local_log, _ = graded
    address, _ = dask_cluster
    copy = _ungraded_copy(course, tmp_path / "course")
    code = cli.main(["grade", "ps1", "--course", str(copy), "--scheduler", address, "--timeout", str(TIMEOUT),
                     "--no-progress"])
    assert code == 1, "broken and crash fail on the cluster as locally"
    assert _grades(copy) == _grades(course), "every cell's score, comment and late penalty as the local run"
    log = _log(copy)
    assert sorted(r["student"] for r in log) == sorted(local_log), "one line per submission"
    for rec in log:
        assert (rec["status"], rec["score"], rec["reason"]) == \
            (local_log[rec["student"]]["status"], local_log[rec["student"]]["score"], local_log[rec["student"]]["reason"])
    assert len({r["worker"] for r in log if r["worker"]}) == 2, "both workers graded"
    assert all(r["worker"].startswith("tcp://127.0.0.1:") for r in log if r["status"] == "graded")
    nb = nbformat.read(copy / "autograded" / "sol" / "ps1" / "ps1.ipynb", as_version=4)
    assert mc.HIDDEN_MARKER in "".join(c.source for c in nb.cells)
    assert (copy / "autograded" / "sol" / "ps1" / "timestamp.txt").is_file(), "the staged files came back"
    assert not list((copy / "autograded").glob("*/*.grading-*")), "no staging folders left"


def test_dask_worker_killed_mid_submission_loses_nothing(graded, dask_cluster, tmp_path):
    from distributed import Client

    from sme_teach.grading._dask import TOPIC

    course, _, local_log, _ = graded
    address, _ = dask_cluster
    copy = _ungraded_copy(course, tmp_path / "course")
    students = ["loop", "sol", "part"]  # "loop" runs TIMEOUT seconds: the kill lands inside it
    with Client(address, set_as_default=False, timeout=30) as client:
        before = {msg["key"] for _, msg in client.get_events(TOPIC)}  # the earlier run's
    proc = subprocess.Popen([str(BIN / "sme-teach"), "grade", "ps1", "--course", str(copy), "--scheduler", address,
                             "--timeout", str(TIMEOUT), "--no-progress", *[f"--student={s}" for s in students]],
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with Client(address, set_as_default=False, timeout=30) as client:
        victim, deadline = None, time.monotonic() + 120
        while victim is None and time.monotonic() < deadline and proc.poll() is None:
            victim = next((msg["worker"] for _, msg in client.get_events(TOPIC)
                           if msg["key"].startswith("sme-grade-ps1-loop-") and msg["key"] not in before), None)
            time.sleep(0.2)
        assert victim is not None, "the loop submission never started on a worker"
        pid = client.run(os.getpid, workers=[victim])[victim]
        time.sleep(2)  # inside the looping cell (it runs TIMEOUT s)
        assert proc.poll() is None
        sandboxed = _descendants(pid)
        assert any(b"bwrap" in _cmdline(p) for p in sandboxed), "the worker runs its kernels in bubblewrap"
        os.kill(pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, out + err[-3000:]
        # the sandbox, its zygote and kernels died with the worker (bubblewrap --die-with-parent)
        left = [p for p in sandboxed if Path(f"/proc/{p}").exists()]
        assert not left, [_cmdline(p) for p in left]
    grades, reference = _grades(copy), _grades(course)
    assert grades == {s: reference[s] for s in students}, "nothing lost: every cell as the local run"
    assert all(g["n_grades"] == 6 for g in grades.values()), "no duplicated grades"
    log = _log(copy)
    assert sorted(r["student"] for r in log) == sorted(students), "exactly one log line per submission"
    loop = next(r for r in log if r["student"] == "loop")
    assert loop["score"] == local_log["loop"]["score"] and loop["worker"] != victim
    assert any(f"grading worker {victim} was lost" in n for n in loop["notes"]), loop["notes"]
    assert f"Dask worker {victim} left" in err
    assert "1 submission(s) lost a worker and were graded again" in out
    assert not list((copy / "autograded").glob("*/*.grading-*"))


def _descendants(pid: int) -> list:
    children = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(proc.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_dask_task_carries_the_files_and_the_restored_notebook(graded, tmp_path):
    """What a worker on another machine gets: no course path it must read, the hidden tests already back."""
    from sme_teach.grading import _dask
    from sme_teach.grading._course import course_directory, load_config
    from sme_teach.grading._discover import discover
    from sme_teach.grading._plan import plan
    from sme_teach.grading._run import sanitizer

    course, _, _, _ = graded
    copy = _ungraded_copy(course, tmp_path / "course")
    config = load_config(copy)
    coursedir = course_directory(copy, config, assignment_id="ps1")
    subs, _ = discover(coursedir, "ps1", ["sol"])
    task = plan(coursedir, config, "ps1", subs, copy / "grading_log.jsonl").tasks[0]
    config.Exporter.default_preprocessors = []
    packed = _dask.pack(task, sanitizer(config))
    assert set(packed["files"]) == {"timestamp.txt"}, "the submission's files, never a notebook"
    assert not any(str(copy) in repr(v) for k, v in packed.items() if k not in ("prepared",)), \
        "no course path the worker would have to read"
    [(nb_id, text, resources, notes)] = packed["prepared"]
    assert nb_id == "ps1" and mc.HIDDEN_MARKER in text, "OverwriteCells ran here, from the gradebook"
    assert json.loads(json.dumps(resources)) == resources, "plain data only"
    # what comes back lands inside the staging folder only
    dest = tmp_path / "staging"
    outside = tmp_path / "escaped.txt"
    _dask.unpack({"files": {"out/a.csv": (b"1,2\n", 0o100644), "../escaped.txt": (b"x", 0o100644)},
                  "dirs": ["out", "empty"]}, dest)
    assert (dest / "out" / "a.csv").read_bytes() == b"1,2\n" and (dest / "empty").is_dir()
    assert not outside.exists()


def test_dask_scheduler_address_from_flag_config_or_environment(monkeypatch):
    from sme_teach import SmeTeachError
    from sme_teach.grading._dask import scheduler_address

    monkeypatch.delenv("SME_TEACH_SCHEDULER", raising=False)
    assert scheduler_address(None, {}) is None
    assert scheduler_address(None, {"SmeTeach": {"scheduler": "tcp://h:8786"}}) == "tcp://h:8786"
    assert scheduler_address("tcp://other:1", {"SmeTeach": {"scheduler": "tcp://h:8786"}}) == "tcp://other:1"
    monkeypatch.setenv("SME_TEACH_SCHEDULER", "tcp://env:8786")
    assert scheduler_address(None, {}) == "tcp://env:8786"
    assert scheduler_address("local", {}) is None
    with pytest.raises(SmeTeachError, match="expected tcp://HOST:PORT"):
        scheduler_address("grader", {})


def test_dask_unreachable_scheduler_says_what_to_do(graded, tmp_path):
    pytest.importorskip("distributed")
    from sme_teach import SmeTeachError, grading

    course, _, _, _ = graded
    copy = _ungraded_copy(course, tmp_path / "course")
    from conftest import free_port

    port = free_port()
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "3s"}), \
            pytest.raises(SmeTeachError, match="cannot reach the Dask scheduler"):
        grading.grade("ps1", copy, students=["sol"], progress=False, scheduler=f"tcp://127.0.0.1:{port}")
    assert not (copy / "grading_log.jsonl").exists() or not _log(copy)


def test_dask_in_process_worker_grades_like_the_local_pool(graded, tmp_path):
    """The worker side (plugin, warm sandboxed kernels, files back) in this process, where coverage sees it."""
    distributed = pytest.importorskip("distributed")
    from sme_teach import grading

    course, _, _, _ = graded
    copy = _ungraded_copy(course, tmp_path / "course")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster:
        run = grading.grade("ps1", copy, students=["sol", "part"], progress=False, timeout=TIMEOUT,
                            scheduler=cluster.scheduler_address)
        with distributed.Client(cluster, set_as_default=False) as client:
            assert "sme-teach-grading" not in client.run(lambda dask_worker: list(dask_worker.plugins))[
                next(iter(cluster.scheduler_info["workers"]))], "the plugin is torn down after the run"
    assert [o.status for o in run.outcomes] == ["graded", "graded"]
    reference = _grades(course)
    assert _grades(copy) == {s: reference[s] for s in ("sol", "part")}
    assert run.cluster["workers"] and "Dask cluster" in run.summary()


def test_dask_trusted_checks_of_a_course_assignment_score_as_locally(tmp_path):
    """The course's own assignments check answers in a checker kernel (trusted mode): on a Dask worker the
    checker zygote and the sandboxed kernel work together as in the local pool, cell by cell."""
    distributed = pytest.importorskip("distributed")
    import hostile

    from sme_teach import grading
    from sme_teach.grading._plan import plan_modes

    assignment = "a1_stages_networks"
    course = tmp_path / "local"
    shutil.copytree(REPO / "assignments", course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "reports", "grading_log.*",
        ".ipynb_checkpoints"))
    grading.release(assignment, course, exchange=False)
    assert {m for m, _ in plan_modes(course / "source" / assignment).values()} == {"trusted"}
    hostile.write_class(course, assignment, cases=("good", "patched"))
    copy = tmp_path / "dask"
    shutil.copytree(course, copy)
    local = grading.grade(assignment, course, jobs=1, timeout=30, progress=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster:
        remote = grading.grade(assignment, copy, timeout=30, progress=False, scheduler=cluster.scheduler_address)

    def cells(c):
        import warnings

        from nbgrader.api import Gradebook

        with warnings.catch_warnings(), Gradebook(f"sqlite:///{c}/gradebook.db") as gb:
            warnings.simplefilter("ignore")
            return {s.student_id: sorted((g.name, g.auto_score, g.needs_manual_grade) for g in s.notebooks[0].grades)
                    for s in gb.assignment_submissions(assignment)}

    assert cells(copy) == cells(course) and len(cells(course)) == 2
    by = {o.student: o for o in local.outcomes}
    for o in remote.outcomes:
        assert (o.status, o.score, o.mode, o.notes) == (by[o.student].status, by[o.student].score,
                                                        by[o.student].mode, by[o.student].notes), o.student
