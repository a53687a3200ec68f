"""Parallel autograding with nbgrader's own preprocessors and gradebook, every notebook sandboxed.

:func:`grade` is a pipeline of four named steps, one module each (as nbgrader's converters declare
their preprocessors as a list of one-step classes):

1. **discover** (:mod:`._discover`) — the submission folders, as nbgrader finds them; empty ones
   record nothing (as nbgrader);
2. **plan** (:mod:`._plan`) — *parent, serial*: skip what the log says is graded and unchanged, else
   ``init_assignment``'s gradebook part (student, submission with the ``timestamp.txt`` time, zeros for
   notebooks not handed in), and per notebook where its test cells run (:mod:`._checker`: ``trusted``
   — in a checker kernel on the answers as data — or ``nbgrader``);
3. **run** (:mod:`._run`) — *workers, parallel*: stage, sanitize, execute on a warm kernel forked inside
   the worker's bubblewrap sandbox (:mod:`._sandbox`, :mod:`._kernels`), post-process — in local worker
   processes, or with ``scheduler`` on a Dask cluster's workers (:mod:`._dask`: the same code per worker);
4. **record** (:mod:`._record`) — *parent, serial*: ``SaveAutoGrades, AssignLatePenalties,
   CheckCellMetadata`` (the only gradebook writes), write, atomically rename into ``autograded/`` and only
   then append a line to ``grading_log.jsonl`` (:mod:`._log`).

Scores equal ``nbgrader autograde``'s (``tests/test_grading_engine.py``). What a hostile notebook can
and cannot do is in ``tests/test_hostile_submissions.py`` and ``tests/test_sandbox_attacks.py``.
Re-running grades only submissions whose files changed since they were last logged (a SHA-256 over
the submitted folder) or whose autograded folder is missing; a parent killed at any point leaves at
most staging folders (removed next time) and gradebook rows that the re-grade overwrites in place.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from .._errors import SmeTeachError
from ._checker import NBGRADER
from ._course import course_directory, find_course, load_config
from ._discover import discover
from ._log import CSV_NAME, LOG_NAME, STAGING_TAG, GradeRun, Outcome, write_csv
from ._plan import plan
from ._record import Recorder
from ._run import run

__all__ = ["DEFAULT_WARM_IMPORTS", "LOG_NAME", "STAGING_TAG", "GradeRun", "Outcome", "grade"]

#: modules every kernel (and the zygote) imports before it gets a notebook
DEFAULT_WARM_IMPORTS = ("numpy", "pandas", "sme_teach", "sme_teach.grading")


def grade(assignment: str, course=None, *, jobs: int | None = None, timeout: int | None = None,
          force: bool = False, students=None, progress: bool = True,
          warm_imports=DEFAULT_WARM_IMPORTS, zygote: bool | None = None, sandbox: bool = True,
          checks: str = "auto", scheduler: str | None = None) -> GradeRun:
    """Autograde every submission ``submitted/<student>/<assignment>/`` of ``course`` in parallel.

    Scores, the gradebook and ``autograded/`` are those ``nbgrader autograde`` produces; failures
    (invalid notebook, dead kernel, …) are logged with their reason in ``grading_log.jsonl`` and
    ``grading_log.csv`` beside the gradebook and never stop the batch.

    Parameters
    ----------
    jobs : number of worker processes (default: the CPUs available to this process).
    timeout : seconds per cell (nbgrader's ``Execute.timeout``; default from the config, else 30).
    force : re-grade submissions already graded and unchanged.
    students : only these student ids.
    zygote : fork each kernel from a per-worker pre-imported process (default: on unless the
        environment variable ``SME_TEACH_GRADING_ZYGOTE`` is ``0``); ``False`` spawns every kernel.
    sandbox : run every notebook in the OS sandbox (:mod:`sme_teach.grading._sandbox`, bubblewrap).
        Where it cannot run, grading raises :class:`~sme_teach.grading.SandboxUnavailable`;
        ``False`` (``--unsafe-no-sandbox``) grades without it — only for notebooks you trust.
    checks : ``"auto"`` (default): test cells that only read data run in a checker kernel where no
        student code ran (:mod:`sme_teach.grading._checker`), the others as nbgrader runs them;
        ``"nbgrader"``: every test cell in the student's kernel, as ``nbgrader autograde`` does.
    scheduler : a Dask scheduler address (``tcp://HOST:8786``) to run the notebooks on that cluster's
        workers instead of ``jobs`` local processes (:mod:`sme_teach.grading._dask`; needs the ``dask``
        extra); default ``c.SmeTeach.scheduler`` of the course's config, else ``$SME_TEACH_SCHEDULER``,
        else local. ``"local"`` grades locally whatever the config says. This process still plans and
        records (the only gradebook writer); each worker needs the sandbox.
    """
    from ._kernels import enabled as zygote_enabled

    started = time.perf_counter()
    if checks not in ("auto", NBGRADER):
        raise SmeTeachError(f"checks must be 'auto' or 'nbgrader', got {checks!r}")
    zygote = zygote_enabled(zygote)
    course = find_course(course)
    config = load_config(course)
    from ._dask import scheduler_address

    scheduler = scheduler_address(scheduler, config)
    if sandbox and scheduler is None:  # on a cluster each worker checks its own (_dask._check_workers)
        from ._sandbox import require

        require()
    if timeout is not None:
        config.Execute.timeout = int(timeout)
    # as nbgrader: the course folder is importable (late-penalty plugins, preprocessors live there)
    added = str(course) not in sys.path
    if added:
        sys.path.insert(0, str(course))
    try:
        return _grade(assignment, course, config, jobs=jobs, force=force, students=students, progress=progress,
                      warm_imports=warm_imports, zygote=zygote, sandbox=sandbox, checks=checks, started=started,
                      scheduler=scheduler)
    finally:
        if added and str(course) in sys.path:
            sys.path.remove(str(course))


def _grade(assignment, course, config, *, jobs, force, students, progress, warm_imports, zygote, sandbox, checks,
           started, scheduler=None) -> GradeRun:
    from nbgrader.api import Gradebook, MissingEntry
    from tqdm.auto import tqdm

    coursedir = course_directory(course, config, assignment_id=assignment)
    if not coursedir.db_url.startswith("sqlite:///"):
        db_dir = course
    else:
        db_dir = Path(coursedir.db_url[len("sqlite:///"):]).parent
    log_path = db_dir / LOG_NAME
    recorder = Recorder(coursedir, config, log_path)  # checks the gradebook writers before any write

    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            raise SmeTeachError(f"assignment {assignment!r} is not in the gradebook {coursedir.db_url}; "
                                f"run `sme-teach release {assignment}` first") from None

    subs, empty = discover(coursedir, assignment, students)
    steps = plan(coursedir, config, assignment, subs, log_path, force=force, sandbox=sandbox, checks=checks)
    outcomes = []
    bar = tqdm(total=len(steps.tasks), desc=f"grading {assignment}", unit="submission", disable=not progress,
               file=sys.stderr)

    def on_result(result, task):
        outcomes.append(recorder.record(result, task))
        bar.update(1)

    cluster = {}
    if scheduler is not None and steps.tasks:
        from ._dask import run as run_on_cluster

        def on_event(text):  # workers joining and leaving: always said, bar or not
            bar.write(f"grading {assignment}: {text}", file=sys.stderr)

        cluster = run_on_cluster(steps.tasks, config, scheduler=scheduler, warm_imports=warm_imports, zygote=zygote,
                                 sandbox=sandbox, on_result=on_result, on_status=bar.set_postfix_str,
                                 on_event=on_event)
    elif steps.tasks:
        jobs = max(1, min(jobs or len(os.sched_getaffinity(0)), len(steps.tasks) or 1))
        run(steps.tasks, config, jobs=jobs, warm_imports=warm_imports, zygote=zygote, sandbox=sandbox,
            on_result=on_result)
    bar.close()
    if outcomes or not log_path.with_name(CSV_NAME).exists():
        if log_path.exists():
            write_csv(log_path)
    return GradeRun(assignment, outcomes, steps.skipped, time.perf_counter() - started, log_path,
                    sandboxed=bool(sandbox), modes=steps.modes, empty=empty, cluster=cluster)
