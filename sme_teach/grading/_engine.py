"""Parallel autograding with nbgrader's own preprocessors and gradebook.

The pipeline mirrors :class:`nbgrader.converters.Autograde` step for step:

1. *parent, serial* — ``init_assignment``: create/update the student and the submission (with the
   ``timestamp.txt`` time, so late handling is nbgrader's), give missing notebooks zero;
2. *worker, parallel* — copy the submission's extra files, then the source's (as nbgrader does),
   into a private staging folder; sanitize with ``ClearOutput, DeduplicateIds, OverwriteKernelspec,
   OverwriteCells, CheckCellMetadata`` (locked and test cells come back from the gradebook's source
   copy, hidden tests included); execute with nbgrader's ``Execute`` preprocessor on a *pre-started,
   pre-warmed* kernel; then ``IgnorePattern, ClearMetadataPreprocessor, LimitOutput``;
3. *parent, serial* — ``SaveAutoGrades, AssignLatePenalties, CheckCellMetadata`` (the only gradebook
   writes, so SQLite never sees two writers), write the notebook, atomically rename the staging folder
   to ``autograded/<student>/<assignment>/`` and only then append a line to ``grading_log.jsonl``.

Kernels: each worker keeps one spare kernel that is started, has ``numpy``, ``pandas`` and
``sme_teach`` imported and waits while the current notebook runs. Every notebook gets a fresh kernel
(no state leaks between students); before the first cell the worker sets ``SME_TEACH_STUDENT_ID`` to
the submission's student, removes ``JUPYTERHUB_USER`` and changes to the staging folder.

With the zygote (default; ``SME_TEACH_GRADING_ZYGOTE=0`` or ``grade(zygote=False)`` turns it off)
those kernels are not spawned but forked from a per-worker process that has already imported
``ipykernel`` and the warm modules (see :mod:`sme_teach.grading._kernels`): a fresh interpreter state
per submission for a few tens of milliseconds of CPU instead of 1.5–2.5 s.

Hostile submissions (issue #10; ``tests/test_hostile_submissions.py``): every notebook runs in a private
folder outside the course (no relative path reaches ``source/``, ``release/`` or the gradebook), and the
result is copied into the course only at the end. Before nbgrader restores the notebook the submitted
file is inspected and what it shows goes into the log's ``notes``: a wrong kernelspec, locked cells
whose checksum no longer matches the release (OverwriteCells then puts the original back), student code
naming course files (``source/``, ``gradebook``, …). Deleted grade cells score 0 and are named; an empty
file, a missing or misnamed notebook and a dead kernel fail with a reason. In the kernel a small guard
(:data:`GUARD_CODE`) caps what one cell can print and, before every locked cell, puts back the
functions of ``sme_teach``, ``numpy``, ``pandas``, ``networkx`` and ``builtins`` and the names bound by
the instructor's setup cells, so a notebook that replaces ``expect_frame`` gains nothing and is named.
This stops rebinding, not a student determined to subvert the interpreter (e.g. by editing installed
files, patching classes or reading the course by its absolute path): grading untrusted code safely
still needs an OS-level sandbox.

Re-running grades only submissions whose files changed since they were last logged (a SHA-256 over
the submitted folder) or whose autograded folder is missing; a parent killed at any point leaves at
most staging folders (removed next time) and gradebook rows that the re-grade overwrites in place.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
import threading
import time
import traceback
import uuid
from pathlib import Path

from .._errors import SmeTeachError
from ._errors import SubmissionError
from ._checker import CHECKER_PRELUDE, NBGRADER, TRUSTED, bound_names, cell_kind, free_names, plan_mode
from ._course import course_directory, find_course, load_config

__all__ = ["DEFAULT_WARM_IMPORTS", "GradeRun", "Outcome", "grade"]

#: modules every spare kernel imports before it gets a notebook
DEFAULT_WARM_IMPORTS = ("numpy", "pandas", "sme_teach", "sme_teach.grading")
LOG_NAME = "grading_log.jsonl"
CSV_NAME = "grading_log.csv"
STAGING_TAG = ".grading-"
#: a stream or text output longer than this is cut (nbgrader's LimitOutput counts lines, not characters)
MAX_OUTPUT_CHARS = 100_000
#: words in a student's own code that point at the instructor's files (flagged for review)
CUT_MARK = f"... output cut by the grader at {MAX_OUTPUT_CHARS:,} characters ..."
COURSE_PATH_MARKERS = ("source/", "gradebook", "nbgrader_config", "autograded", "submitted/")

# installs sme_teach.grading._guard in a student kernel before any notebook code
GUARD_CODE = ("def _sme_guard():\n    from sme_teach.grading import _guard\n    _guard.install(%d, %r)\n"
              "_sme_guard()\ndel _sme_guard\n") % (MAX_OUTPUT_CHARS, CUT_MARK)




@dataclasses.dataclass
class Outcome:
    """What happened to one submission."""

    student: str
    assignment: str
    status: str  # "graded" or "failed"
    reason: str = ""
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0
    fingerprint: str = ""
    notes: list = dataclasses.field(default_factory=list)
    finished: str = ""
    #: where the test cells ran: "trusted" (a checker kernel) or "nbgrader" (the student's kernel)
    mode: str = ""
    sandboxed: bool = True


@dataclasses.dataclass
class GradeRun:
    """The result of :func:`grade`: one :class:`Outcome` per submission graded in this run."""

    assignment: str
    outcomes: list
    skipped: list
    seconds: float
    log_path: Path
    sandboxed: bool = True
    #: notebook -> (mode, why): see :func:`sme_teach.grading._checker.plan_mode`
    modes: dict = dataclasses.field(default_factory=dict)
    #: students whose submission folder holds no notebook: nothing recorded (as nbgrader)
    empty: list = dataclasses.field(default_factory=list)

    @property
    def failed(self) -> list:
        return [o for o in self.outcomes if o.status != "graded"]

    def summary(self) -> str:
        ok = len(self.outcomes) - len(self.failed)
        lines = [f"{self.assignment}: graded {ok}, failed {len(self.failed)}, already graded {len(self.skipped)} "
                 f"in {self.seconds:.1f} s (log: {self.log_path})",
                 "  sandbox: every notebook ran in bubblewrap (no course, network or grader environment)"
                 if self.sandboxed else "  WARNING: graded WITHOUT the sandbox (--unsafe-no-sandbox)"]
        for nb, (mode, why) in sorted(self.modes.items()):
            lines.append(f"  checks of {nb}.ipynb: {mode} ({why})")
        if self.empty:
            lines.append(f"  empty submission folders, nothing recorded (as nbgrader): {', '.join(self.empty)}")
        for o in self.outcomes:
            if o.status != "graded":
                lines.append(f"  FAILED {o.student}: {o.reason}")
            elif o.notes:
                lines.append(f"  note {o.student}: {'; '.join(o.notes)}")
        return "\n".join(lines)


# ------------------------------------------------------------------ helpers

def _fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_log(path: Path) -> dict:
    latest = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            try:
                rec = json.loads(line)
            except ValueError:  # a line cut short by a crash
                continue
            latest[(rec["assignment"], rec["student"])] = rec
    return latest


def _append_log(path: Path, outcome: Outcome) -> None:
    line = json.dumps(dataclasses.asdict(outcome)) + "\n"
    with open(path, "a") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())


def _write_csv(log_path: Path) -> Path:
    import csv

    out = log_path.with_name(CSV_NAME)
    cols = ["assignment", "student", "status", "reason", "score", "max_score", "seconds", "finished", "notes", "mode",
            "sandboxed"]
    with open(out, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        writer.writeheader()
        for rec in sorted(_read_log(log_path).values(), key=lambda r: (r["assignment"], r["student"])):
            writer.writerow({**rec, "notes": "; ".join(rec.get("notes") or [])})
    return out


def _rmtree(path) -> None:
    from nbgrader.utils import rmtree

    if os.path.lexists(path):
        rmtree(str(path))


def _kernel_env() -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("JUPYTERHUB_USER", "SME_TEACH_STUDENT_ID", "JPY_SESSION_NAME")}
    env["NBGRADER_EXECUTION"] = "autograde"  # what nbgrader's Autograde sets around execution
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return env


# ------------------------------------------------------------------ worker side

_W: dict = {}  # per-process worker state


def _worker_init(config, warm_imports, parent_pid, zygote=True, sandbox=False, counter=None) -> None:
    import nbformat  # noqa: F401  (imported once per worker)
    from nbconvert.exporters import NotebookExporter
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds, Execute, IgnorePattern,
                                        LimitOutput, OverwriteCells, OverwriteKernelspec)
    from traitlets.config import Config

    _W.clear()
    cfg = Config(config)
    cfg.Exporter.default_preprocessors = []
    exporter = NotebookExporter(config=cfg)
    for pp in (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata):
        exporter.register_preprocessor(pp(config=cfg), enabled=True)
    _W.update(
        config=cfg, sanitizer=exporter, execute=Execute(config=cfg),
        post=[IgnorePattern(config=cfg), ClearMetadataPreprocessor(config=cfg), LimitOutput(config=cfg)],
        warm_imports=tuple(warm_imports), loop=asyncio.new_event_loop(), spare=None, kernels=set(),
        workdir=Path(os.environ.get("TMPDIR", "/tmp")), env=_kernel_env(), zygote=None, sandbox=None,
    )
    import tempfile

    if sandbox:
        from ._sandbox import Sandbox, kernel_environment

        if counter is not None:
            with counter.get_lock():
                index, counter.value = counter.value, counter.value + 1
        else:
            index = os.getpid() % 1000
        box = Sandbox.create(_W["workdir"], worker=index)
        _W.update(sandbox=box, run_dir=box.run_dir, kernel_cwd=box.workdir, env=kernel_environment(box.workdir))
    else:
        run_dir = Path(tempfile.mkdtemp(prefix="sme-grading-run-", dir=str(_W["workdir"])))
        _W.update(run_dir=run_dir, kernel_cwd=_W["workdir"])
    # the checker kernels (trusted checking) run outside the sandbox: only instructor code runs there
    _W.update(checker_root=Path(tempfile.mkdtemp(prefix="sme-checker-", dir=str(_W["workdir"]))),
              checker_env=_kernel_env(), checker_zygote=None, checker_spare=None)
    _W["checker_run"] = _W["checker_root"] / "run"
    _W["checker_run"].mkdir()
    if zygote:
        from ._kernels import start_zygote

        _W["zygote"] = start_zygote("python3", _W["env"], _W["kernel_cwd"], _W["warm_imports"], sandbox=_W["sandbox"])
        _W["checker_zygote"] = start_zygote("python3", _W["checker_env"], _W["checker_root"], _W["warm_imports"])
    asyncio.set_event_loop(_W["loop"])
    if _W["sandbox"] is None:  # a spare kernel waits beside the running one (never in a sandbox:
        # the running notebook would share it)
        _W["spare"] = _W["loop"].create_task(_start_kernel("python3", warm=True))
    _W["loop"].run_until_complete(asyncio.sleep(0.05))  # launch the first kernel now
    from multiprocessing.util import Finalize

    Finalize(None, _worker_exit, exitpriority=10)
    # If the grading parent dies (even SIGKILL), stop our kernels and exit instead of lingering.
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _worker_exit() -> None:
    loop = _W.get("loop")
    if loop is None:
        return
    for name in ("spare", "checker_spare"):
        spare = _W.get(name)
        if spare is not None and not spare.done():
            spare.cancel()
    for km in list(_W.get("kernels", ())):
        try:
            loop.run_until_complete(km.shutdown_kernel(now=True))
        except Exception:
            pass
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=5))
    if _W.get("zygote") is not None:
        _W["zygote"].close()
    if _W.get("checker_zygote") is not None:
        _W["checker_zygote"].close()
    if _W.get("checker_root") is not None:
        shutil.rmtree(_W["checker_root"], ignore_errors=True)
    if _W.get("sandbox") is not None:
        shutil.rmtree(_W["sandbox"].workdir, ignore_errors=True)
    elif _W.get("run_dir") is not None:
        shutil.rmtree(_W["run_dir"], ignore_errors=True)


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            for km in list(_W.get("kernels", ())):
                try:
                    km.provisioner.process.kill()
                except Exception:
                    pass
            for name in ("zygote", "checker_zygote"):
                if _W.get(name) is not None:
                    _W[name].kill()
            os._exit(1)


async def _start_kernel(kernel_name: str, warm: bool, trusted: bool = False):
    """A kernel for a student's notebook (sandboxed), or with ``trusted`` a checker kernel (never
    runs student code: see :mod:`sme_teach.grading._checker`)."""
    from ._kernels import kernel_manager

    ex = _W["execute"]
    if trusted:
        km = kernel_manager("python3", _W["config"], _W["checker_zygote"], run_dir=_W["checker_run"])
        cwd, env = _W["checker_root"], _W["checker_env"]
    else:
        km = kernel_manager(kernel_name, _W["config"], _W["zygote"] if kernel_name == "python3" else None,
                            sandbox=_W["sandbox"], run_dir=_W["run_dir"])
        cwd, env = _W["kernel_cwd"], _W["env"]
    args = list(ex.extra_arguments)
    if not any(a.startswith("--HistoryManager.hist_file") for a in args) and ex.ipython_hist_file:
        args.append(f"--HistoryManager.hist_file={ex.ipython_hist_file}")
    await km.start_kernel(extra_arguments=args, cwd=str(cwd), env=dict(env), stderr=subprocess.DEVNULL)
    _W["kernels"].add(km)
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=ex.startup_timeout)
        if warm and _W["warm_imports"]:
            code = ("def _sme_warm():\n    import importlib\n    for m in %r:\n        try:\n"
                    "            importlib.import_module(m)\n        except Exception:\n            pass\n"
                    "_sme_warm()\ndel _sme_warm\n") % (_W["warm_imports"],)
            await _silent(kc, code, timeout=120)
        if trusted:
            await _silent(kc, CHECKER_PRELUDE, timeout=60)
        elif warm:
            await _silent(kc, GUARD_CODE, timeout=60)
    except Exception:
        await _stop_kernel(km, kc)
        raise
    return km, kc


def _take_checker():
    spare = _W.get("checker_spare")
    _W["checker_spare"] = _W["loop"].create_task(_start_kernel("python3", warm=True, trusted=True))
    return spare if spare is not None else _start_kernel("python3", warm=True, trusted=True)


async def _silent(kc, code: str, timeout: float, user_expressions=None) -> dict:
    msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=False,
                        user_expressions=user_expressions)
    deadline = time.monotonic() + timeout
    while True:
        reply = await kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


async def _stop_kernel(km, kc) -> None:
    try:
        kc.stop_channels()
    finally:
        try:
            await km.shutdown_kernel(now=True)
        except Exception:
            pass
        _W["kernels"].discard(km)


def _take_spare():
    if _W["sandbox"] is not None:  # started now, after the previous notebook's processes are gone
        return _start_kernel("python3", warm=True)
    spare = _W["spare"]
    _W["spare"] = _W["loop"].create_task(_start_kernel("python3", warm=True))  # start the next one now
    return spare


async def _execute(nb, resources, student: str, staging: Path, notes: list, mode: str = NBGRADER,
                   checker_dir: Path | None = None):
    """nbgrader's ``Execute.preprocess``, run on a pre-warmed kernel when the notebook wants python3.

    With ``mode == TRUSTED`` the test cells run in a checker kernel instead (``_checker``)."""
    import nbformat
    from nbclient.exceptions import CellTimeoutError

    ex = type(_W["execute"])(config=_W["config"])  # nbgrader's Execute, fresh per notebook
    ex.nb = nb
    ex.reset_execution_trackers()
    ex.resources = resources
    kernel_name = nb.metadata.get("kernelspec", {}).get("name") or "python3"
    if kernel_name == "python":  # what Jupyter itself treats as the native python3 kernel
        kernel_name = "python3"
    km = kc = None
    checker = None
    trusted_mode = mode == TRUSTED and kernel_name == "python3"
    try:
        if trusted_mode:
            checker_task = asyncio.ensure_future(_take_checker())
        if kernel_name == "python3":
            km, kc = await _take_spare()
        else:
            km, kc = await _start_kernel(kernel_name, warm=False)
        setup = (f"import os as _o\n_o.environ['SME_TEACH_STUDENT_ID'] = {student!r}\n"
                 f"_o.environ.pop('JUPYTERHUB_USER', None)\n_o.chdir({str(staging)!r})\ndel _o\n")
        reply = await _silent(kc, setup, timeout=30)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not prepare the kernel: {reply['content'].get('evalue')}")
        if trusted_mode:
            checker = await checker_task
            setup_c = setup.replace(repr(str(staging)), repr(str(checker_dir)))
            reply = await _silent(checker[1], setup_c, timeout=30)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"could not prepare the checker kernel: {reply['content'].get('evalue')}")
            checker_names, test_bound = set(), set()
        ex.km, ex.kc, ex.owns_km = km, kc, False
        kc.allow_stdin = False
        info = await ex.async_wait_for_reply(kc.kernel_info())
        nb.metadata["language_info"] = info["content"]["language_info"]
        guarded = kernel_name == "python3"
        restored = []
        for index, cell in enumerate(nb.cells):
            m = cell.metadata.get("nbgrader", {})
            trusted = guarded and cell.cell_type == "code" and m.get("locked") and not m.get("solution")
            if trusted:
                restored += [(m.get("grade_id"), r) for r in await _guard(kc, "check(get_ipython().user_ns)")]
            kind = cell_kind(cell)
            try:
                if trusted_mode and kind == "test":  # never in the student's kernel
                    names = free_names(cell.source) - checker_names - test_bound
                    await _check_cell(ex, cell, index, kc, checker, sorted(names), notes)
                    test_bound |= bound_names(cell.source)
                    continue
                if trusted_mode and kind == "setup":  # the instructor's code runs on both sides
                    checker_names |= await _setup_checker(ex, checker[1], cell.source)
                await ex.async_execute_cell(cell, index, store_history=True)
            except CellTimeoutError as exc:  # the cell ran, but its output did not arrive in time: it fails
                if "IOPub" not in str(exc):
                    raise
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename="OutputTimeout", traceback=[],
                    evalue=f"the output of this cell did not arrive within {ex.iopub_timeout} s"))
                notes.append(f"cell {m.get('grade_id') or cell.get('id')}: output lost after {ex.iopub_timeout} s "
                             "(too much output?); the cell counts as failed")
            if trusted and not m.get("grade"):
                await _guard(kc, "after_setup(get_ipython().user_ns)")
        ex.set_widgets_metadata()
        if restored:
            what = sorted({r for _, r in restored})
            notes.append(f"the notebook replaced {', '.join(what[:8])}{' …' if len(what) > 8 else ''}; "
                         f"the originals were put back before cell {restored[0][0]} and every later locked cell")
    finally:
        if checker is not None:
            _W["loop"].create_task(_stop_kernel(*checker))
        elif trusted_mode and not checker_task.done():
            checker_task.cancel()
        if km is not None:
            if _W["sandbox"] is None:
                _W["loop"].create_task(_stop_kernel(km, kc))  # shut down in the background
            else:  # everything the notebook started dies before anything else runs in the sandbox
                await _stop_kernel(km, kc)
                left = await _reset_sandbox()
                if left:
                    notes.append(f"{left} process(es) the notebook started were still running after it; killed")
        ex.km = ex.kc = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            gid = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id")
            if out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError":
                notes.append(f"cell {gid} timed out after {ex.timeout} s and was interrupted")
            elif out.get("output_type") == "error" and out.get("ename") == "SystemExit":
                notes.append(f"cell {gid} called sys.exit(); the kernel kept running the other cells")
    return nb, ex.resources


async def _setup_checker(ex, ckc, source: str) -> set:
    """Run an instructor's setup cell in the checker; the names bound there afterwards."""
    import ast

    expr = "sorted(k for k in globals() if not k.startswith('__sme'))"
    reply = await _silent(ckc, source, timeout=ex.timeout or 600, user_expressions={"n": expr})
    out = reply["content"].get("user_expressions", {}).get("n", {})
    if out.get("status") != "ok":
        return set()
    return set(ast.literal_eval(out["data"]["text/plain"]))


async def _check_cell(ex, cell, index: int, kc, checker, names: list, notes: list) -> None:
    """A test cell, run in the checker on the student's answers (data only, see ``_transfer``)."""
    import ast

    payload = "{}"
    if names:
        expr = (f"__import__('sme_teach.grading._transfer', fromlist=['dump']).dump(get_ipython().user_ns, "
                f"{names!r})")
        try:
            reply = await _silent(kc, "", timeout=ex.timeout or 600, user_expressions={"a": expr})
            out = reply["content"]["user_expressions"]["a"]
            if out.get("status") == "ok":
                payload = ast.literal_eval(out["data"]["text/plain"])
                json.loads(payload)  # only JSON goes on
            else:
                notes.append(f"cell {cell.metadata.get('nbgrader', {}).get('grade_id')}: the answers could not be "
                             f"read as data ({out.get('ename')}: {str(out.get('evalue'))[:120]})")
                payload = "{}"
        except Exception as exc:  # the student's kernel died or hung: the check sees no answers
            notes.append(f"cell {cell.metadata.get('nbgrader', {}).get('grade_id')}: the answers could not be read "
                         f"({type(exc).__name__})")
            payload = "{}"
    ckm, ckc = checker
    reply = await _silent(ckc, f"__sme_receive({payload!r}, {names!r})", timeout=120)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the checker kernel could not load the answers: {reply['content'].get('evalue')}")
    km, kc0 = ex.km, ex.kc
    ex.km, ex.kc = ckm, ckc
    try:
        await ex.async_execute_cell(cell, index, store_history=True)
    finally:
        ex.km, ex.kc = km, kc0


async def _reset_sandbox() -> int:
    """Kill what is left in the worker's sandbox; a zygote that cannot do it is replaced."""
    zygote = _W["zygote"]
    if zygote is None or zygote.broken:
        if zygote is not None:
            _restart_zygote()
        return 0
    from ._kernels import ZygoteError

    try:
        return await zygote.reset()
    except ZygoteError:
        _restart_zygote()
        return 0


def _restart_zygote() -> None:
    from ._kernels import start_zygote

    old = _W["zygote"]
    if old is not None:
        old.kill()
        old.close(timeout=2)
    _W["zygote"] = start_zygote("python3", _W["env"], _W["kernel_cwd"], _W["warm_imports"], sandbox=_W["sandbox"])


async def _guard(kc, call: str) -> list:
    """Run the kernel-side guard; what it had to restore (an unreadable answer counts as tampering)."""
    import ast

    expr = f"__import__('sys').modules['_sme_teach_guard'].{call}"
    try:
        reply = await _silent(kc, "", timeout=30, user_expressions={"r": expr})
        out = reply["content"]["user_expressions"]["r"]
        if out.get("status") != "ok":
            return [f"the grading guard ({out.get('ename')})"]
        return list(ast.literal_eval(out["data"]["text/plain"]))
    except Exception as exc:  # never stop grading for this
        return [f"the grading guard ({type(exc).__name__})"]


def _limit_chars(nb, notes: list) -> None:
    """Cut stream and text outputs longer than :data:`MAX_OUTPUT_CHARS` (a 50 MB print stays small)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            fields = [("text", out)] if out.get("output_type") == "stream" else \
                [(k, out.get("data", {})) for k in list(out.get("data", {})) if k.startswith("text/")]
            for key, holder in fields:
                text = holder.get(key)
                if isinstance(text, list):
                    text = "".join(text)
                if isinstance(text, str) and CUT_MARK in text:
                    gid = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id")
                    notes.append(f"cell {gid} printed more than {MAX_OUTPUT_CHARS:,} characters; the rest was cut")
                elif isinstance(text, str) and len(text) > MAX_OUTPUT_CHARS:
                    holder[key] = text[:MAX_OUTPUT_CHARS] + f"\n... output truncated ({len(text):,} characters) ..."
                    gid = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id")
                    notes.append(f"cell {gid} printed more than {MAX_OUTPUT_CHARS:,} characters ({len(text):,}); "
                                 "the rest was cut")


def _inspect(raw, nb_id: str, notes: list) -> None:
    """What the submitted file itself shows before nbgrader restores it: wrong kernel, edited locked
    cells (their checksum no longer matches the released one), references to course files."""
    from nbgrader.utils import compute_checksum

    kernel = (raw.metadata.get("kernelspec") or {}).get("name")
    if kernel not in ("python3", "python"):
        notes.append(f"{nb_id}.ipynb asked for kernel {kernel!r}; graded with python3")
    edited, hits = [], set()
    for cell in raw.cells:
        m = cell.metadata.get("nbgrader", {})
        if m.get("locked") and "checksum" in m and m.get("grade_id"):
            try:
                if compute_checksum(cell) != m["checksum"]:
                    edited.append(m["grade_id"])
            except Exception:
                edited.append(m["grade_id"])
        if cell.cell_type == "code" and not m.get("locked"):
            hits.update(w for w in COURSE_PATH_MARKERS if w in cell.source)
    if edited:
        notes.append(f"locked cells edited in the submission: {', '.join(edited)}; the originals were restored "
                     "and graded")
    if hits:
        notes.append(f"the student's code refers to course files ({', '.join(sorted(hits))}): review for an "
                     "attempt to read solutions or the gradebook")


def _grade_in_worker(task: dict) -> dict:
    loop = _W["loop"]
    if _W["spare"] is None and _W["sandbox"] is None:
        _W["spare"] = loop.create_task(_start_kernel("python3", warm=True))
    t0 = time.perf_counter()
    try:
        out = loop.run_until_complete(_grade_submission(task))
        out.update(status="ok")
    except Exception as exc:  # recorded by the parent; never stops the batch
        out = {"status": "failed", "reason": _reason(exc), "traceback": traceback.format_exc(), "notebooks": {}}
        _rmtree(task["staging"])
        for key in ("work", "checker_dir"):
            if task.get(key):
                _rmtree(task[key])
        if _W["sandbox"] is not None:
            _W["sandbox"].clean()
    out["seconds"] = time.perf_counter() - t0
    return out


def _reason(exc: BaseException) -> str:
    """What to tell the lecturer about a submission that could not be graded."""
    import json as _json
    import queue

    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbformat import ValidationError
    from nbformat.reader import NotJSONError

    name = type(exc).__name__
    if isinstance(exc, SubmissionError):
        return str(exc)
    if isinstance(exc, DeadKernelError):
        return "the kernel died while running the notebook (crash or out of memory)"
    if isinstance(exc, (NotJSONError, _json.JSONDecodeError)):
        return f"invalid notebook file (not valid JSON): {str(exc)[:200]}"
    if isinstance(exc, ValidationError):
        return f"invalid notebook (does not match the notebook format): {str(exc).splitlines()[0][:200]}"
    if isinstance(exc, (TimeoutError, CellTimeoutError, queue.Empty)):
        return f"timed out: {name} {str(exc)[:200]}"
    return f"{name}: {str(exc)[:300]}"


async def _grade_submission(task: dict) -> dict:
    import nbformat
    from nbgrader.utils import find_all_files

    # run in a private folder outside the course (no relative path reaches source/, release/ or the
    # gradebook); the result is copied into the course's staging folder at the end
    box = _W["sandbox"]
    if box is not None:  # the sandbox's only writable folder
        staging = box.staging()
    else:
        staging = Path(tempfile.mkdtemp(prefix="sme-grading-", dir=_W["workdir"]))
    task["work"] = str(staging)
    submitted, source = Path(task["submitted"]), Path(task["source"])
    # BaseConverter.init_assignment: the submission's other files, then Autograde's source files
    for folder, exclude in ((submitted, set()), (source, set(task["exclude"]))):
        ignore = task["ignore"] + ["*.ipynb"]
        for filename in find_all_files(str(folder), ignore):
            if filename in exclude:
                continue
            dest = staging / os.path.relpath(filename, folder)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.exists():
                dest.unlink()
            shutil.copy(filename, dest)
    # the checker's own pristine copy, made before any student code runs
    checker_dir = Path(tempfile.mkdtemp(prefix="chk-", dir=str(_W["checker_root"])))
    task["checker_dir"] = str(checker_dir)
    shutil.copytree(staging, checker_dir, dirs_exist_ok=True)
    if box is not None:
        box.own(staging)
    results, notes, missing = {}, [], {}
    for nb_id, nb_path in task["notebooks"]:
        text = Path(nb_path).read_text(encoding="utf-8", errors="replace")
        if not text.strip():
            raise SubmissionError(f"{nb_id}.ipynb is an empty file ({len(text)} bytes): hand in the saved notebook")
        _inspect(nbformat.reads(text, as_version=4), nb_id, notes)
        resources = {
            "unique_key": nb_id, "output_files_dir": f"{nb_id}_files",
            "nbgrader": {"student": task["student"], "assignment": task["assignment"], "notebook": nb_id,
                         "db_url": task["db_url"]},
        }
        # sanitize exactly as nbgrader's first NotebookExporter pass, then re-read the written text
        sanitized, resources = _W["sanitizer"].from_filename(nb_path, resources=resources)
        nb = nbformat.reads(sanitized, as_version=4)
        present = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells
                   if c.metadata.get("nbgrader", {}).get("grade")}
        gone = [g for g in task.get("grade_cells", {}).get(nb_id, []) if g not in present]
        if gone:
            missing[nb_id] = gone
            notes.append(f"grade cells deleted from {nb_id}.ipynb: {', '.join(gone)} (0 points each)")
        resources["metadata"] = {"name": nb_id, "path": str(staging)}
        mode = task.get("modes", {}).get(nb_id, (NBGRADER, ""))[0]
        nb, resources = await _execute(nb, resources, task["student"], staging, notes, mode, checker_dir)
        _limit_chars(nb, notes)
        for pp in _W["post"]:
            nb, resources = pp(nb, resources)
        results[nb_id] = nbformat.writes(nb)
    # what the notebook wrote comes back into the course, but never a link (it could point anywhere)
    shutil.copytree(staging, task["staging"], symlinks=True,
                    ignore=lambda d, names: [n for n in names if os.path.islink(os.path.join(d, n))])
    _rmtree(staging)
    _rmtree(checker_dir)
    if box is not None:
        box.clean()
    return {"notebooks": results, "notes": notes, "missing_cells": missing}


# ------------------------------------------------------------------ parent side

def _discover(coursedir, assignment: str) -> list[dict]:
    import glob

    pattern = coursedir.format_path(coursedir.submitted_directory, "*", assignment)
    regexp = coursedir.format_path(coursedir.submitted_directory, "(?P<student_id>[^/]+)", assignment, escape=True)
    import re

    found = []
    exclude = set(filter(None, coursedir.student_id_exclude.split(",")))
    for folder in sorted(glob.glob(pattern)):
        m = re.match(regexp, folder)
        if not m or not os.path.isdir(folder) or m.group("student_id") in exclude:
            continue
        notebooks = sorted(glob.glob(os.path.join(folder, coursedir.notebook_id + ".ipynb")))
        found.append({"student": m.group("student_id"), "submitted": folder, "notebooks": notebooks})
    return found


def _any_notebook(folder) -> bool:
    return any(Path(folder).rglob("*.ipynb"))


def _savers(config) -> list:
    """``SaveAutoGrades, AssignLatePenalties, CheckCellMetadata``, with the late-penalty plugin loaded now."""
    from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, SaveAutoGrades

    try:
        savers = [SaveAutoGrades(config=config), AssignLatePenalties(config=config), CheckCellMetadata(config=config)]
        savers[1].plugin_class(parent=savers[1])  # an unimportable plugin fails here, before any write
    except Exception as exc:
        raise SmeTeachError(
            f"the course's nbgrader configuration cannot be used for grading: {type(exc).__name__}: {exc}. "
            "A plugin named there (e.g. AssignLatePenalties.plugin_class) must be importable from the course "
            "folder or the environment; fix nbgrader_config.py and grade again (nothing was recorded)") from None
    return savers


def _plan_modes(source_dir) -> dict:
    """``{notebook: (mode, why)}``: where each notebook's test cells run (see ``_checker.plan_mode``)."""
    import nbformat

    modes = {}
    for path in sorted(Path(source_dir).glob("*.ipynb")):
        try:
            modes[path.stem] = plan_mode(nbformat.read(path, as_version=4))
        except Exception as exc:  # an unreadable source is nbgrader's to report
            modes[path.stem] = (NBGRADER, f"source not readable ({type(exc).__name__})")
    return modes


def _init_submission(gb, coursedir, assignment: str, sub: dict) -> list:
    """Autograde.init_assignment's gradebook part; returns the notebooks nbgrader would grade."""
    import glob

    from nbgrader.api import MissingEntry

    gb.update_or_create_student(sub["student"])
    timestamp = coursedir.get_existing_timestamp(sub["submitted"])
    if timestamp:
        gb.update_or_create_submission(assignment, sub["student"], timestamp=timestamp)
    else:
        gb.update_or_create_submission(assignment, sub["student"])
    notebooks = []
    sub["missing"] = ""
    sub["grade_cells"] = {nb.name: [g.name for g in nb.grade_cells] for nb in gb.find_assignment(assignment).notebooks}
    for path in sub["notebooks"]:
        nb_id = os.path.splitext(os.path.basename(path))[0]
        try:
            gb.find_notebook(nb_id, assignment)
        except MissingEntry:
            continue
        notebooks.append((nb_id, path))
    expected = [nb.name for nb in gb.find_assignment(assignment).notebooks]
    absent = [n for n in expected if not os.path.exists(os.path.join(sub["submitted"], f"{n}.ipynb"))]
    if absent:
        others = sorted(os.path.basename(p) for p in glob.glob(os.path.join(sub["submitted"], "*.ipynb"))
                        if os.path.splitext(os.path.basename(p))[0] not in expected)
        sub["missing"] = (f"missing notebook {', '.join(n + '.ipynb' for n in absent)} (0 points); "
                          + (f"handed in instead: {', '.join(others)} — rename it and hand in again" if others
                             else "no notebook handed in"))
    for notebook in gb.find_assignment(assignment).notebooks:
        if not os.path.exists(os.path.join(sub["submitted"], f"{notebook.name}.ipynb")):
            for g in gb.find_submission_notebook(notebook.name, assignment, sub["student"]).grades:
                g.auto_score = 0
                g.needs_manual_grade = False
            gb.db.commit()
    return notebooks


def _finish(result: dict, task: dict, coursedir, config, savers, permissions: int) -> None:
    """SaveAutoGrades + AssignLatePenalties + CheckCellMetadata, write, chmod, atomic rename."""
    import nbformat

    staging, final = Path(task["staging"]), Path(task["final"])
    for nb_id, text in result["notebooks"].items():
        nb = nbformat.reads(text, as_version=4)
        resources = {"unique_key": nb_id, "nbgrader": {"student": task["student"], "assignment": task["assignment"],
                                                       "notebook": nb_id, "db_url": task["db_url"]}}
        for pp in savers:
            nb, resources = pp(nb, resources)
        output = nbformat.writes(nb, version=4)
        if not output.endswith("\n"):
            output += "\n"
        (staging / f"{nb_id}.ipynb").write_text(output, encoding="utf-8")
    for dirname, _, filenames in os.walk(staging):
        for name in filenames:
            os.chmod(os.path.join(dirname, name), permissions)
    if final.exists():
        old = final.with_name(final.name + STAGING_TAG + "old-" + uuid.uuid4().hex[:8])
        os.replace(final, old)
        os.replace(staging, final)
        _rmtree(old)
    else:
        os.replace(staging, final)


def grade(assignment: str, course=None, *, jobs: int | None = None, timeout: int | None = None,
          force: bool = False, students=None, progress: bool = True,
          warm_imports=DEFAULT_WARM_IMPORTS, zygote: bool | None = None, sandbox: bool = True,
          checks: str = "auto") -> GradeRun:
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
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    from nbgrader.api import Gradebook, MissingEntry
    from tqdm.auto import tqdm

    from ._kernels import enabled as zygote_enabled

    started = time.perf_counter()
    if checks not in ("auto", NBGRADER):
        raise SmeTeachError(f"checks must be 'auto' or 'nbgrader', got {checks!r}")
    zygote = zygote_enabled(zygote)
    if sandbox:
        from ._sandbox import require

        require()
    course = find_course(course)
    config = load_config(course)
    if timeout is not None:
        config.Execute.timeout = int(timeout)
    # as nbgrader: the course folder is importable (late-penalty plugins, preprocessors live there),
    # and the gradebook writers are checked before anything is written
    if str(course) not in sys.path:
        sys.path.insert(0, str(course))
    savers = _savers(config)
    coursedir = course_directory(course, config, assignment_id=assignment)
    if not coursedir.db_url.startswith("sqlite:///"):
        db_dir = course
    else:
        db_dir = Path(coursedir.db_url[len("sqlite:///"):]).parent
    log_path = db_dir / LOG_NAME

    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            raise SmeTeachError(f"assignment {assignment!r} is not in the gradebook {coursedir.db_url}; "
                                f"run `sme-teach release {assignment}` first") from None

    # leftovers of an interrupted run
    for leftover in Path(coursedir.format_path(coursedir.autograded_directory, ".", ".")).glob(f"*/*{STAGING_TAG}*"):
        _rmtree(leftover)

    subs = _discover(coursedir, assignment)
    empty = [s["student"] for s in subs if not s["notebooks"] and not _any_notebook(s["submitted"])]
    subs = [s for s in subs if s["student"] not in set(empty)]  # nbgrader records nothing for them
    if students:
        wanted = set(students)
        subs = [s for s in subs if s["student"] in wanted]
    done = _read_log(log_path)
    pending, skipped = [], []
    for sub in subs:
        sub["fingerprint"] = _fingerprint(Path(sub["submitted"]))
        sub["final"] = coursedir.format_path(coursedir.autograded_directory, sub["student"], assignment)
        rec = done.get((assignment, sub["student"]))
        unchanged = rec is not None and rec.get("fingerprint") == sub["fingerprint"]
        if not force and unchanged and (rec["status"] != "graded" or os.path.isdir(sub["final"])):
            skipped.append(sub["student"])
        else:
            pending.append(sub)

    source = coursedir.format_path(coursedir.source_directory, ".", assignment)
    exclude = [os.path.join(source, x) for x in config.get("Autograde", {}).get("exclude_overwriting", {}).get(assignment, [])]
    tasks = []
    modes = _plan_modes(source)
    if checks == NBGRADER:
        modes = {nb: (NBGRADER, "checks='nbgrader' was asked for: tests ran in the student's kernel")
                 for nb in modes}
    with warnings.catch_warnings(), Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        warnings.simplefilter("ignore")
        for sub in pending:
            notebooks = _init_submission(gb, coursedir, assignment, sub)
            Path(sub["final"]).parent.mkdir(parents=True, exist_ok=True)
            tasks.append({
                "modes": modes, "sandboxed": bool(sandbox),
                "student": sub["student"], "assignment": assignment, "submitted": sub["submitted"],
                "source": source, "notebooks": notebooks, "exclude": exclude, "ignore": list(coursedir.ignore),
                "db_url": coursedir.db_url, "final": sub["final"], "fingerprint": sub["fingerprint"],
                "staging": sub["final"] + STAGING_TAG + uuid.uuid4().hex[:8],
                "grade_cells": sub["grade_cells"], "missing": sub["missing"],
            })

    perm = config.get("Autograde", {}).get("permissions", 664 if coursedir.groupshared else 444)
    permissions = int(str(perm), 8)
    outcomes = []
    jobs = max(1, min(jobs or len(os.sched_getaffinity(0)), len(tasks) or 1))
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    bar = tqdm(total=len(tasks), desc=f"grading {assignment}", unit="submission", disable=not progress,
               file=sys.stderr)
    remaining = list(tasks)
    while remaining:
        batch, remaining = remaining, []
        try:
            counter = ctx.Value("i", 0)  # each worker's sandbox gets a uid of its own
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                                     initargs=(dict(config), tuple(warm_imports), os.getpid(), zygote,
                                               bool(sandbox), counter)) as pool:
                futures = {pool.submit(_grade_in_worker, t): t for t in batch}
                for fut in as_completed(futures):
                    task = futures[fut]
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        raise
                    except Exception as exc:
                        result = {"status": "failed", "reason": _reason(exc), "seconds": 0.0}
                    outcomes.append(_record(result, task, coursedir, config, savers, permissions, log_path))
                    futures[fut] = None
                    bar.update(1)
        except BrokenProcessPool:
            # a worker process died (not a kernel: those are handled inside): retry what is left once
            left = [t for f, t in futures.items() if t is not None and not f.done()]
            crashed = [t for f, t in futures.items() if t is not None and f.done()]
            for t in crashed:
                outcomes.append(_record({"status": "failed", "reason": "the grading worker process died",
                                         "seconds": 0.0}, t, coursedir, config, savers, permissions, log_path))
                bar.update(1)
            remaining = left
    bar.close()
    if outcomes or not log_path.with_name(CSV_NAME).exists():
        if log_path.exists():
            _write_csv(log_path)
    return GradeRun(assignment, outcomes, skipped, time.perf_counter() - started, log_path, sandboxed=bool(sandbox),
                    modes=modes, empty=sorted(set(empty) & set(students) if students else empty))


def _record(result, task, coursedir, config, savers, permissions, log_path) -> Outcome:
    from nbgrader.api import Gradebook

    outcome = Outcome(student=task["student"], assignment=task["assignment"], status="graded",
                      seconds=round(result.get("seconds", 0.0), 3), fingerprint=task["fingerprint"],
                      notes=result.get("notes", []), sandboxed=bool(task.get("sandboxed", True)),
                      mode=", ".join(sorted({m for m, _ in task.get("modes", {}).values()})))
    if result["status"] == "ok":
        try:
            _finish(result, task, coursedir, config, savers, permissions)
        except Exception as exc:
            result = {"status": "failed", "reason": _reason(exc)}
    if result["status"] != "ok":
        outcome.status, outcome.reason = "failed", result["reason"]
        _rmtree(task["staging"])
        _rmtree(task["final"])  # as nbgrader's _handle_failure
    elif task.get("missing"):
        if task.get("notebooks"):  # one of two handed in: graded, the other scores 0 (as nbgrader)
            outcome.notes = [task["missing"], *outcome.notes]
        else:
            outcome.status, outcome.reason = "failed", task["missing"]
    with warnings.catch_warnings(), Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        warnings.simplefilter("ignore")  # SQLAlchemy autoflush chatter from nbgrader's models
        if result["status"] != "ok":  # never half-written: a failed submission is a definite 0
            for nb in gb.find_submission(task["assignment"], task["student"]).notebooks:
                for g in nb.grades:
                    g.auto_score, g.needs_manual_grade = 0.0, False
        if result["status"] == "ok":
            for nb_id, gone in (result.get("missing_cells") or {}).items():
                for gid in gone:  # a deleted grade cell is worth nothing, whatever an earlier run saved
                    g = gb.find_grade(gid, nb_id, task["assignment"], task["student"])
                    g.auto_score, g.needs_manual_grade = 0.0, False
            gb.db.commit()
        sub = gb.find_submission(task["assignment"], task["student"])
        outcome.score, outcome.max_score = float(sub.score), float(sub.max_score)
    outcome.finished = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    _append_log(log_path, outcome)  # only now is the submission "done"
    return outcome
