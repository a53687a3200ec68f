"""Step 3, *run*: execute every task in parallel worker processes, each notebook in the OS sandbox.

Each worker process (:class:`Worker`, its whole state) keeps a zygote of pre-imported kernels inside
its own bubblewrap sandbox (:mod:`sme_teach.grading._sandbox`, :mod:`sme_teach.grading._kernels`) and,
for trusted checking, a zygote of checker kernels outside it (:mod:`sme_teach.grading._checker`).
Per submission it copies the submission's and the source's files into a staging folder (as nbgrader's
``init_assignment``), sanitizes each notebook with nbgrader's ``ClearOutput, DeduplicateIds,
OverwriteKernelspec, OverwriteCells, CheckCellMetadata`` (locked and test cells come back from the
gradebook's source copy), runs it with nbgrader's ``Execute`` on a fresh forked kernel — test cells in
the checker kernel when the notebook's mode is ``trusted`` — then ``IgnorePattern,
ClearMetadataPreprocessor, LimitOutput`` and a character cap, and hands the notebooks back to the
parent, which alone records (:mod:`sme_teach.grading._record`). Every process a notebook started is
killed before the next one runs.

Before nbgrader restores the notebook the submitted file is inspected and what it shows goes into the
log's ``notes``: a wrong kernelspec, locked cells whose checksum no longer matches the release,
student code naming course files. In the kernel the guard (:mod:`sme_teach.grading._guard`) caps
output and puts back rebound checks before every locked cell.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from ._checker import CHECKER_PRELUDE, NBGRADER, TRUSTED, bound_names, cell_kind, free_names
from ._errors import SubmissionError
from ._log import rmtree as _rmtree

__all__ = ["COURSE_PATH_MARKERS", "CUT_MARK", "MAX_OUTPUT_CHARS", "Worker", "reason", "run"]

#: a stream or text output longer than this is cut (nbgrader's LimitOutput counts lines, not characters)
MAX_OUTPUT_CHARS = 100_000


#: words in a student's own code that point at the instructor's files (flagged for review)
CUT_MARK = f"... output cut by the grader at {MAX_OUTPUT_CHARS:,} characters ..."


COURSE_PATH_MARKERS = ("source/", "gradebook", "nbgrader_config", "autograded", "submitted/")


# installs sme_teach.grading._guard in a student kernel before any notebook code
GUARD_CODE = ("def _sme_guard():\n    from sme_teach.grading import _guard\n    _guard.install(%d, %r)\n"
              "_sme_guard()\ndel _sme_guard\n") % (MAX_OUTPUT_CHARS, CUT_MARK)



class Worker:
    """The state of one grading worker process; one object per process (:data:`_W`), set by
    :func:`_worker_init`.

    Attributes: ``config``, ``sanitizer`` (nbgrader's first export pass), ``execute`` (nbgrader's
    ``Execute``, for its settings), ``post`` (the post-processors), ``warm_imports``, ``loop`` (the
    worker's asyncio loop), ``kernels`` (running kernel managers), ``spare`` (a started kernel, only
    without sandbox), ``workdir``, ``env`` (kernels' environment), ``sandbox`` (its
    :class:`~sme_teach.grading._sandbox.Sandbox`), ``run_dir`` (IPC sockets), ``kernel_cwd``,
    ``zygote``; and for trusted checking ``checker_root``, ``checker_run``, ``checker_env``,
    ``checker_zygote``, ``checker_spare``.
    """

    def update(self, **values) -> None:
        vars(self).update(values)

    def get(self, name: str, default=None):
        return vars(self).get(name, default)

    def clear(self) -> None:
        vars(self).clear()


_W = Worker()  # this process's worker state


def run(tasks: list, config, *, jobs: int, warm_imports, zygote: bool, sandbox: bool, on_result) -> None:
    """Grade ``tasks`` in ``jobs`` worker processes; ``on_result(result, task)`` for each, as it finishes.

    A worker process that dies (not a kernel: those are handled inside) fails the task it was running
    and the rest is retried once in new workers.
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    # checker kernels only where some notebook is checked in trusted mode
    checkers = any(mode == TRUSTED for t in tasks for mode, _ in t.get("modes", {}).values())
    remaining = list(tasks)
    while remaining:
        batch, remaining = remaining, []
        futures = {}
        try:
            counter = ctx.Value("i", 0)  # each worker's sandbox gets a uid of its own
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                                     initargs=(dict(config), tuple(warm_imports), os.getpid(), zygote,
                                               bool(sandbox), counter, checkers)) as pool:
                futures = {pool.submit(_grade_in_worker, t): t for t in batch}
                for fut in as_completed(futures):
                    task = futures[fut]
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        raise
                    except Exception as exc:
                        result = {"status": "failed", "reason": reason(exc), "seconds": 0.0}
                    on_result(result, task)
                    futures[fut] = None
        except BrokenProcessPool:
            left = [t for f, t in futures.items() if t is not None and not f.done()]
            crashed = [t for f, t in futures.items() if t is not None and f.done()]
            for t in crashed:
                on_result({"status": "failed", "reason": "the grading worker process died", "seconds": 0.0}, t)
            remaining = left


def _kernel_env() -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("JUPYTERHUB_USER", "SME_TEACH_STUDENT_ID", "JPY_SESSION_NAME")}
    env["NBGRADER_EXECUTION"] = "autograde"  # what nbgrader's Autograde sets around execution
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return env


def sanitizer(cfg):
    """nbgrader's first export pass: ``ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells,
    CheckCellMetadata`` (``OverwriteCells`` reads the gradebook's source copy of locked and test cells)."""
    from nbconvert.exporters import NotebookExporter
    from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells,
                                        OverwriteKernelspec)

    exporter = NotebookExporter(config=cfg)
    for pp in (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata):
        exporter.register_preprocessor(pp(config=cfg), enabled=True)
    return exporter


def _worker_init(config, warm_imports, parent_pid, zygote=True, sandbox=False, counter=None,
                 checkers=True, slot=None) -> None:
    """Set up this process's :data:`_W`. ``parent_pid`` None (a Dask worker): no watch on the parent,
    the worker's plugin tears down; ``slot``: the sandbox number when no ``counter`` hands one out."""
    import nbformat  # noqa: F401  (imported once per worker)
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import Execute, IgnorePattern, LimitOutput
    from traitlets.config import Config

    _W.clear()
    cfg = Config(config)
    cfg.Exporter.default_preprocessors = []
    exporter = sanitizer(cfg)
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
        elif slot is not None:
            index = slot
        else:
            index = os.getpid() % 1000
        box = Sandbox.create(_W.workdir, worker=index)
        _W.update(sandbox=box, run_dir=box.run_dir, kernel_cwd=box.workdir, env=kernel_environment(box.workdir))
    else:
        run_dir = Path(tempfile.mkdtemp(prefix="sme-grading-run-", dir=str(_W.workdir)))
        _W.update(run_dir=run_dir, kernel_cwd=_W.workdir)
    # the checker kernels (trusted checking) run outside the sandbox: only instructor code runs there
    _W.update(checker_root=Path(tempfile.mkdtemp(prefix="sme-checker-", dir=str(_W.workdir))),
              checker_env=_kernel_env(), checker_zygote=None, checker_spare=None)
    _W.checker_run = _W.checker_root / "run"
    _W.checker_run.mkdir()
    if zygote:
        from ._kernels import start_zygote

        _W.zygote = start_zygote("python3", _W.env, _W.kernel_cwd, _W.warm_imports, sandbox=_W.sandbox)
        if checkers:
            _W.checker_zygote = start_zygote("python3", _W.checker_env, _W.checker_root, _W.warm_imports)
    asyncio.set_event_loop(_W.loop)
    # a spare kernel, started while nothing else runs (in a sandbox it must never share it with a
    # student's running notebook: see _take_spare)
    _W.spare = _W.loop.create_task(_start_kernel("python3", warm=True))
    _W.loop.run_until_complete(asyncio.sleep(0.05))  # launch the first kernel now
    _W.parent_pid = parent_pid
    if parent_pid is None:  # a Dask worker: its plugin calls _worker_exit
        return
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
        _W.zygote.close()
    if _W.get("checker_zygote") is not None:
        _W.checker_zygote.close()
    if _W.get("checker_root") is not None:
        shutil.rmtree(_W.checker_root, ignore_errors=True)
    if _W.get("sandbox") is not None:
        shutil.rmtree(_W.sandbox.workdir, ignore_errors=True)
    elif _W.get("run_dir") is not None:
        shutil.rmtree(_W.run_dir, ignore_errors=True)


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(0.1)
        if os.getppid() != parent_pid:
            for km in list(_W.get("kernels", ())):
                try:
                    km.provisioner.process.kill()
                except Exception:
                    pass
            for name in ("zygote", "checker_zygote"):
                if _W.get(name) is not None:
                    _W.get(name).kill()
            os._exit(1)


async def _start_kernel(kernel_name: str, warm: bool, trusted: bool = False):
    """A kernel for a student's notebook (sandboxed), or with ``trusted`` a checker kernel (never
    runs student code: see :mod:`sme_teach.grading._checker`)."""
    from ._kernels import kernel_manager

    ex = _W.execute
    if trusted:
        km = kernel_manager("python3", _W.config, _W.checker_zygote, run_dir=_W.checker_run)
        cwd, env = _W.checker_root, _W.checker_env
    else:
        km = kernel_manager(kernel_name, _W.config, _W.zygote if kernel_name == "python3" else None,
                            sandbox=_W.sandbox, run_dir=_W.run_dir)
        cwd, env = _W.kernel_cwd, _W.env
    args = list(ex.extra_arguments)
    if not any(a.startswith("--HistoryManager.hist_file") for a in args) and ex.ipython_hist_file:
        args.append(f"--HistoryManager.hist_file={ex.ipython_hist_file}")
    _W.kernels.add(km)  # before it starts: its files in run/ are live from now on
    try:
        await km.start_kernel(extra_arguments=args, cwd=str(cwd), env=dict(env), stderr=subprocess.DEVNULL)
    except BaseException:
        _W.kernels.discard(km)
        raise
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=ex.startup_timeout)
        if warm and _W.warm_imports:
            code = ("def _sme_warm():\n    import importlib\n    for m in %r:\n        try:\n"
                    "            importlib.import_module(m)\n        except Exception:\n            pass\n"
                    "_sme_warm()\ndel _sme_warm\n") % (_W.warm_imports,)
            await _silent(kc, code, timeout=120)
        if trusted:
            await _silent(kc, CHECKER_PRELUDE, timeout=60)
        elif warm:
            await _silent(kc, GUARD_CODE, timeout=60)
    except Exception:
        await _stop_kernel(km, kc)
        raise
    return km, kc


def _live_kernel_files() -> tuple:
    """Name prefixes of the connection files and IPC sockets of the kernels this worker started."""
    out = []
    for km in list(_W.kernels):
        for path in (km.connection_file, km.ip if km.transport == "ipc" else ""):
            if path:
                out.append(os.path.basename(path))
    return tuple(out)


def _take_checker():
    spare = _W.get("checker_spare")
    _W.checker_spare = _W.loop.create_task(_start_kernel("python3", warm=True, trusted=True))
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
        _W.kernels.discard(km)


def _take_spare():
    """The kernel for the next notebook, and (without sandbox) start the one after it now.

    In a sandbox the next spare is started only after this notebook's processes are all gone
    (:func:`_execute`), so no student code ever runs beside a kernel another student will get."""
    if _W.sandbox is not None:
        spare, _W.spare = _W.spare, None
        return spare if spare is not None else _start_kernel("python3", warm=True)
    spare = _W.spare
    _W.spare = _W.loop.create_task(_start_kernel("python3", warm=True))  # start the next one now
    return spare


async def _execute(nb, resources, student: str, staging: Path, notes: list, mode: str = NBGRADER,
                   checker_dir: Path | None = None):
    """nbgrader's ``Execute.preprocess``, run on a pre-warmed kernel when the notebook wants python3.

    With ``mode == TRUSTED`` the test cells run in a checker kernel instead (``_checker``)."""
    import nbformat
    from nbclient.exceptions import CellTimeoutError

    ex = type(_W.execute)(config=_W.config)  # nbgrader's Execute, fresh per notebook
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
            if _W.sandbox is not None and _W.spare is not None:  # its own bwrap sees the same work folder
                spare, _W.spare = _W.spare, None
                try:
                    await _stop_kernel(*(await spare))
                except Exception:
                    pass
                await _reset_sandbox()
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
            _W.loop.create_task(_stop_kernel(*checker))
        elif trusted_mode and not checker_task.done():
            checker_task.cancel()
        if km is not None:
            if _W.sandbox is None:
                _W.loop.create_task(_stop_kernel(km, kc))  # shut down in the background
            else:  # everything the notebook started dies before anything else runs in the sandbox
                await _stop_kernel(km, kc)
                left = await _reset_sandbox()
                if left:
                    notes.append(f"{left} process(es) the notebook started were still running after it; killed")
                # matplotlib's config folder (the kernels' MPLCONFIGDIR) is writable by them and read by the
                # next kernel: back to the grader's font cache, so no file of this notebook reaches a classmate
                _W.sandbox.refresh_cache()
                # the next notebook's kernel starts now, with nothing of this one left
                _W.spare = _W.loop.create_task(_start_kernel("python3", warm=True))
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
    zygote = _W.zygote
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

    old = _W.zygote
    if old is not None:
        old.kill()
        old.close(timeout=2)
    _W.zygote = start_zygote("python3", _W.env, _W.kernel_cwd, _W.warm_imports, sandbox=_W.sandbox)


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


def _grade_in_worker(task: dict, grade_submission=None) -> dict:
    loop = _W.loop
    if _W.spare is None:
        _W.spare = loop.create_task(_start_kernel("python3", warm=True))
    t0 = time.perf_counter()
    try:
        out = loop.run_until_complete((grade_submission or _grade_submission)(task))
        out.update(status="ok")
    except Exception as exc:  # recorded by the parent; never stops the batch
        out = {"status": "failed", "reason": reason(exc), "traceback": traceback.format_exc(), "notebooks": {}}
        if task.get("staging"):
            _rmtree(task["staging"])
        for key in ("work", "checker_dir"):
            if task.get(key):
                _rmtree(task[key])
        if _W.sandbox is not None:
            _W.sandbox.clean(live=_live_kernel_files())
    out["seconds"] = time.perf_counter() - t0
    return out


def reason(exc: BaseException) -> str:
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


def prepare_notebook(task: dict, nb_id: str, nb_path, sanitize, notes: list, missing: dict):
    """Inspect the submitted file, sanitize it as nbgrader's first pass (``sanitize``: :func:`sanitizer`)
    and note deleted grade cells; the notebook to execute and its resources."""
    import nbformat

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
    sanitized, resources = sanitize.from_filename(str(nb_path), resources=resources)
    nb = nbformat.reads(sanitized, as_version=4)
    present = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade")}
    gone = [g for g in task.get("grade_cells", {}).get(nb_id, []) if g not in present]
    if gone:
        missing[nb_id] = gone
        notes.append(f"grade cells deleted from {nb_id}.ipynb: {', '.join(gone)} (0 points each)")
    return nb, resources


async def _run_notebook(task: dict, nb_id: str, nb, resources: dict, staging: Path, checker_dir: Path,
                        notes: list) -> str:
    """Execute one sanitized notebook in the worker's sandbox and post-process it; its text."""
    import nbformat

    resources["metadata"] = {"name": nb_id, "path": str(staging)}
    mode = task.get("modes", {}).get(nb_id, (NBGRADER, ""))[0]
    nb, resources = await _execute(nb, resources, task["student"], staging, notes, mode, checker_dir)
    _limit_chars(nb, notes)
    for pp in _W.post:
        nb, resources = pp(nb, resources)
    return nbformat.writes(nb)


async def _grade_submission(task: dict) -> dict:
    from nbgrader.utils import find_all_files

    # run in a private folder outside the course (no relative path reaches source/, release/ or the
    # gradebook); the result is copied into the course's staging folder at the end
    box = _W.sandbox
    if box is not None:  # the sandbox's only writable folder
        staging = box.staging()
    else:
        staging = Path(tempfile.mkdtemp(prefix="sme-grading-", dir=_W.workdir))
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
    checker_dir = Path(tempfile.mkdtemp(prefix="chk-", dir=str(_W.checker_root)))
    task["checker_dir"] = str(checker_dir)
    shutil.copytree(staging, checker_dir, dirs_exist_ok=True)
    if box is not None:
        box.own(staging)
    results, notes, missing = {}, [], {}
    for nb_id, nb_path in task["notebooks"]:
        nb, resources = prepare_notebook(task, nb_id, nb_path, _W.sanitizer, notes, missing)
        results[nb_id] = await _run_notebook(task, nb_id, nb, resources, staging, checker_dir, notes)
    # what the notebook wrote comes back into the course, but never a link (it could point anywhere)
    if os.getppid() != _W.parent_pid:  # the grading run was killed: write nothing into the course
        os._exit(1)
    shutil.copytree(staging, task["staging"], symlinks=True,
                    ignore=lambda d, names: [n for n in names if os.path.islink(os.path.join(d, n))])
    _rmtree(staging)
    _rmtree(checker_dir)
    if box is not None:
        box.clean(live=_live_kernel_files())
    return {"notebooks": results, "notes": notes, "missing_cells": missing}



#: what a Dask worker sends back of the files a notebook wrote (the rest is dropped, with a note)
MAX_RETURNED_BYTES = 256 * 2**20


async def grade_packed(packed: dict) -> dict:
    """:func:`_grade_submission` for a task that carries its files (a Dask worker on another machine).

    ``packed`` (:func:`sme_teach.grading._dask.pack`) holds the staged files as bytes and each notebook
    already sanitized by the parent (which alone reads the gradebook); the result carries back, besides
    the executed notebooks, the files the notebooks left in the staging folder (never a link)."""
    import nbformat

    box = _W.sandbox
    if box is not None:
        staging = box.staging()
    else:
        staging = Path(tempfile.mkdtemp(prefix="sme-grading-", dir=_W.workdir))
    packed["work"] = str(staging)
    for rel, (data, mode) in packed["files"].items():
        dest = staging / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        os.chmod(dest, mode & 0o777)
    checker_dir = Path(tempfile.mkdtemp(prefix="chk-", dir=str(_W.checker_root)))
    packed["checker_dir"] = str(checker_dir)
    shutil.copytree(staging, checker_dir, dirs_exist_ok=True)
    if box is not None:
        box.own(staging)
    results, notes = {}, []
    for nb_id, text, resources, prep_notes in packed["prepared"]:
        notes += prep_notes
        nb = nbformat.reads(text, as_version=4)
        results[nb_id] = await _run_notebook(packed, nb_id, nb, resources, staging, checker_dir, notes)
    files, dirs, total = {}, [], 0
    for dirname, subdirs, filenames in os.walk(staging):
        subdirs[:] = [d for d in subdirs if not os.path.islink(os.path.join(dirname, d))]
        rel_dir = os.path.relpath(dirname, staging)
        if rel_dir != ".":
            dirs.append(rel_dir)
        for name in filenames:
            path = os.path.join(dirname, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            size = os.path.getsize(path)
            if total + size > MAX_RETURNED_BYTES:
                notes.append(f"{os.path.relpath(path, staging)} ({size:,} bytes) was not copied back from the "
                             f"grading worker (more than {MAX_RETURNED_BYTES // 2**20} MiB of files)")
                continue
            total += size
            with open(path, "rb") as fh:
                files[os.path.relpath(path, staging)] = (fh.read(), os.stat(path).st_mode)
    _rmtree(staging)
    _rmtree(checker_dir)
    if box is not None:
        box.clean(live=_live_kernel_files())
    return {"notebooks": results, "notes": notes, "missing_cells": packed["missing_cells"], "files": files,
            "dirs": dirs}
