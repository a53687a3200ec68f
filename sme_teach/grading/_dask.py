"""Step 3 on a Dask cluster: the same *run* on other machines, the parent still the only writer.

``sme-teach grade ID --scheduler tcp://HOST:8786`` (or ``c.SmeTeach.scheduler`` in
``nbgrader_config.py``) hands each submission to a worker of a Dask distributed cluster
(``dask scheduler`` / ``dask worker``, or dask-jobqueue, dask-kubernetes) instead of the local
process pool of :mod:`sme_teach.grading._run`. Nothing else changes:

- the parent *plans* (gradebook rows, check modes) and *records* (``SaveAutoGrades, AssignLatePenalties,
  CheckCellMetadata``, the rename into ``autograded/``, the log line) exactly as for the local pool; it
  also runs nbgrader's first export pass (``OverwriteCells`` reads the gradebook), so a worker never
  touches the course folder or the gradebook: a task (:func:`pack`) carries the staged files as bytes
  and the sanitized notebooks, the result carries the executed notebooks and the files they wrote;
- each worker process holds one grading state (:class:`GradingPlugin`, a Dask ``WorkerPlugin``
  registered for the run and torn down after it): its own bubblewrap sandbox, its zygote of warm,
  pre-imported kernels and its checker zygote, all on one long-lived thread of its own (bubblewrap's
  ``--die-with-parent`` follows the thread that started it) — the very code of the local pool
  (``_run._worker_init``, ``_run.grade_packed``). Workers that join later get it when they join;
- a worker that dies mid-submission (SIGKILL, out of memory, its machine gone) loses nothing: the
  scheduler notices and runs the task again on another worker — Dask's *rescheduling*, done by the
  scheduler up to ``distributed.scheduler.allowed-failures`` (default 3) deaths per task, after which
  the task errs with ``KilledWorker``. That is not Dask's ``retries=``, which re-runs a task that
  *raised* (here: a worker whose grading state could not start); both are used. A submission whose
  workers kept dying is recorded as failed with that reason (it is probably what kills them), never
  resubmitted in a loop. Each submission's result is recorded once (one future, one record), so the
  gradebook gets no duplicate and no missing grade; the log's notes say which worker was lost while
  grading which submission, and the run reports workers joining and leaving.
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
import time
import uuid
from pathlib import Path

from ._errors import GradingError

try:  # the optional extra `sme-teach[dask]`
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - exercised only without the extra
    WorkerPlugin = object

__all__ = ["CONFIG_SECTION", "GradingPlugin", "PLUGIN", "TOPIC", "pack", "run", "scheduler_address", "unpack"]

#: the plugin's name on every worker, and the event topic where workers say what they start
PLUGIN = TOPIC = "sme-teach-grading"
#: ``c.SmeTeach.scheduler = "tcp://HOST:8786"`` in nbgrader_config.py
CONFIG_SECTION = "SmeTeach"
#: Dask ``retries=``: re-runs of a task that raised (its worker's grading state could not start)
RETRIES = 2
#: sandbox numbers of Dask workers (uid ``BASE_UID + slot``), clear of the local pool's 0, 1, 2, …
FIRST_SLOT = 500


def scheduler_address(value=None, config=None) -> str | None:
    """The scheduler to grade on: ``value`` (``--scheduler``), else ``c.SmeTeach.scheduler``, else the
    environment variable ``SME_TEACH_SCHEDULER``; ``None`` (or ``"local"``) is the local pool.

    >>> scheduler_address("tcp://10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    >>> scheduler_address("local", {"SmeTeach": {"scheduler": "tcp://10.0.0.5:8786"}}) is None
    True
    """
    if value is None and config is not None:
        value = (config.get(CONFIG_SECTION) or {}).get("scheduler")
    if value is None:
        value = os.environ.get("SME_TEACH_SCHEDULER")
    if value is None or str(value).strip() in ("", "local"):
        return None
    value = str(value).strip()
    if "://" not in value and ":" not in value:
        raise GradingError(f"scheduler {value!r} is not an address; expected tcp://HOST:PORT (e.g. "
                           "tcp://grader-1:8786, what `dask scheduler` prints) or 'local'")
    return value


def _distributed():
    try:
        import distributed
    except ImportError:
        raise GradingError("grading on a Dask cluster needs the `dask` extra: pip install 'sme-teach[dask]' "
                           "(on this machine and on every worker), or grade without --scheduler") from None
    return distributed


def versions() -> dict:
    """What must match between the parent and every worker (a different nbgrader grades differently)."""
    import importlib.metadata as md
    import sys

    out = {"python": "%d.%d" % sys.version_info[:2]}
    for name in ("sme-teach", "nbgrader", "nbclient", "ipykernel"):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = None
    return out


def _probe(sandbox: bool) -> dict:
    """Run on each worker before grading: its versions and whether its sandbox can run."""
    out = {"versions": versions(), "sandbox": None}
    if sandbox:
        from ._sandbox import SandboxUnavailable, require

        try:
            require()
        except SandboxUnavailable as exc:
            out["sandbox"] = str(exc)
    return out


# ================================================================== parent side

def pack(task: dict, sanitize) -> dict:
    """A task a worker on another machine can run: the staged files as bytes (as ``init_assignment``
    stages them: the submission's files, then the source's, never a notebook) and each notebook
    inspected and sanitized here (``sanitize``: :func:`sme_teach.grading._run.sanitizer`)."""
    import json

    import nbformat
    from nbgrader.utils import find_all_files

    from ._run import prepare_notebook

    files = {}
    for folder, exclude in ((Path(task["submitted"]), set()), (Path(task["source"]), set(task["exclude"]))):
        for filename in find_all_files(str(folder), task["ignore"] + ["*.ipynb"]):
            if filename in exclude:
                continue
            with open(filename, "rb") as fh:
                files[os.path.relpath(filename, folder)] = (fh.read(), os.stat(filename).st_mode)
    prepared, missing = [], {}
    for nb_id, nb_path in task["notebooks"]:
        notes = []
        nb, resources = prepare_notebook(task, nb_id, nb_path, sanitize, notes, missing)
        # plain data only: a worker unpickling nbconvert's ResourcesDict imports nbconvert on its
        # connection's thread, racing its grading thread's imports
        prepared.append((nb_id, nbformat.writes(nb), json.loads(json.dumps(resources)), notes))
    keep = ("student", "assignment", "modes", "sandboxed", "grade_cells")
    return {**{k: task[k] for k in keep if k in task}, "files": files, "prepared": prepared,
            "missing_cells": missing,
            "key": f"sme-grade-{task['assignment']}-{task['student']}-{uuid.uuid4().hex[:8]}"}


def unpack(result: dict, dest) -> None:
    """Write the files a worker sent back into the course's staging folder ``dest`` (created)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    for rel in result.pop("dirs", []):
        path = (dest / rel).resolve()
        if path.is_relative_to(root):
            path.mkdir(parents=True, exist_ok=True)
    for rel, (data, mode) in result.pop("files", {}).items():
        path = (dest / rel).resolve()
        if not path.is_relative_to(root) or path == root:  # never outside the staging folder
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.chmod(path, mode & 0o777)


def _worker_lost_note(worker: str, others: list) -> str:
    lost = ", ".join(others)
    return (f"grading worker {lost} was lost while grading this submission; Dask ran it again on {worker} "
            "(graded once, from the start)")


def _killed_reason(exc, workers: list) -> str:
    where = f" ({', '.join(workers)})" if workers else ""
    return (f"the Dask workers grading this submission died every time{where}; Dask gave up after "
            f"distributed.scheduler.allowed-failures deaths (KilledWorker). The submission itself may kill "
            "its worker (memory, processes): look at it, then grade it again")


def run(tasks: list, config, *, scheduler: str, warm_imports, zygote: bool, sandbox: bool, on_result,
        on_status=None, on_event=None, connect_timeout: float | None = None, worker_timeout: float = 120) -> dict:
    """Grade ``tasks`` on the Dask cluster at ``scheduler``; ``on_result(result, task)`` for each, in
    this process, as it finishes (the caller records). ``on_status(text)`` gets the cluster's workers
    and throughput, ``on_event(text)`` workers joining and leaving. Returns what the cluster did."""
    distributed = _distributed()
    from traitlets.config import Config

    from ._checker import TRUSTED
    from ._run import reason, sanitizer

    on_status = on_status or (lambda text: None)
    on_event = on_event or (lambda text: None)
    try:
        kw = {} if connect_timeout is None else {"timeout": connect_timeout}  # else distributed.comm.timeouts.connect
        client = distributed.Client(scheduler, set_as_default=False, **kw)
    except (OSError, TimeoutError) as exc:
        raise GradingError(f"cannot reach the Dask scheduler at {scheduler} ({type(exc).__name__}: {exc}); "
                           "start it with `dask scheduler` on that machine, check the address and port "
                           "(and the firewall), or grade locally without --scheduler") from None
    info = {"scheduler": scheduler, "workers": [], "events": [], "lost": 0}
    registered = False
    try:
        try:
            client.wait_for_workers(1, timeout=worker_timeout)
        except (TimeoutError, OSError):
            raise GradingError(f"no Dask worker joined the scheduler {scheduler} within {worker_timeout:.0f} s; "
                               f"start some with `dask worker {scheduler} --nthreads 1`") from None
        _check_workers(client, sandbox)
        cfg = Config(config)
        cfg.Exporter.default_preprocessors = []
        sanitize = sanitizer(cfg)
        checkers = any(mode == TRUSTED for t in tasks for mode, _ in t.get("modes", {}).values())
        client.register_plugin(GradingPlugin(dict(config), tuple(warm_imports), zygote, sandbox, checkers,
                                             versions()), name=PLUGIN)
        registered = True
        starts, lock = {}, threading.Lock()

        def started(event):
            _, msg = event
            with lock:
                starts.setdefault(msg["key"], []).append(msg["worker"])

        client.subscribe_topic(TOPIC, started)
        done = queue.Queue()
        pending, todo = {}, list(tasks)
        workers = dict(client.nthreads())
        info["workers"] = sorted(workers)
        t0, finished = time.perf_counter(), 0

        def status():
            rate = finished / max(time.perf_counter() - t0, 1e-9) * 60
            threads = sum(workers.values())
            on_status(f"{len(workers)} worker{'s' if len(workers) != 1 else ''} ({threads} threads), "
                      f"{rate:.1f} submissions/min")

        def finish(fut):
            nonlocal finished
            fut, task = pending.pop(fut.key)
            with lock:
                tried = list(starts.get(fut.key, []))
            if fut.status == "finished":
                result = fut.result()
                others = sorted({w for w in tried if w != result.get("worker")})
                if others:
                    info["lost"] += 1
                    result.setdefault("notes", []).insert(0, _worker_lost_note(result.get("worker"), others))
                    on_event(f"{task['student']}: {_worker_lost_note(result.get('worker'), others)}")
                if result.get("status") == "ok":
                    try:
                        unpack(result, task["staging"])
                    except OSError as exc:
                        result = {"status": "failed", "reason": reason(exc), "seconds": result.get("seconds", 0.0),
                                  "worker": result.get("worker", "")}
            elif fut.status == "cancelled":
                raise GradingError(
                    f"the Dask scheduler {scheduler} cancelled the run (was it restarted?); what finished is "
                    "recorded: run the same command again to grade the rest")
            else:
                exc = fut.exception()
                if isinstance(exc, distributed.KilledWorker):
                    info["lost"] += 1
                    result = {"status": "failed", "reason": _killed_reason(exc, sorted(set(tried))), "seconds": 0.0}
                else:
                    result = {"status": "failed", "seconds": 0.0,
                              "reason": f"the grading worker could not grade it: {reason(exc)}"}
            on_result(result, task)
            finished += 1
            status()

        def drain(block: bool):
            nonlocal workers
            try:
                fut = done.get(timeout=1.0) if block else done.get_nowait()
            except queue.Empty:
                fut = None
            now = dict(client.nthreads()) if block or fut is not None else workers
            for w in sorted(set(now) - set(workers)):
                info["events"].append((time.strftime("%H:%M:%S"), "joined", w))
                on_event(f"Dask worker {w} joined ({len(now)} now)")
            for w in sorted(set(workers) - set(now)):
                info["events"].append((time.strftime("%H:%M:%S"), "left", w))
                on_event(f"Dask worker {w} left ({len(now)} now); its submission, if any, goes to another")
            if now != workers:
                info["workers"] = sorted(set(info["workers"]) | set(now))
                workers = now
                status()
            if fut is not None:
                finish(fut)
                return True
            return False

        status()
        while todo:
            task = todo.pop(0)
            try:
                packed = pack(task, sanitize)
            except Exception as exc:  # not a notebook nbgrader can read: as the local pool records it
                on_result({"status": "failed", "reason": reason(exc), "seconds": 0.0}, task)
                finished += 1
                continue
            fut = client.submit(_grade_on_worker, packed, key=packed["key"], pure=False, retries=RETRIES)
            pending[fut.key] = (fut, task)
            fut.add_done_callback(done.put)
            while drain(block=False):
                pass
        while pending:
            drain(block=True)
    finally:
        if registered:
            try:
                client.unsubscribe_topic(TOPIC)
                client.unregister_worker_plugin(PLUGIN)
            except Exception:  # the cluster is gone: nothing left to tear down there
                pass
        client.close()
    return info


def _check_workers(client, sandbox: bool) -> None:
    """Refuse to start on workers that would grade differently or without the sandbox."""
    mine = versions()
    problems = []
    for addr, probe in sorted(client.run(_probe, sandbox).items()):
        diff = {k: v for k, v in probe["versions"].items() if v != mine.get(k)}
        if diff:
            problems.append(f"{addr} has {', '.join(f'{k} {v}' for k, v in diff.items())} "
                            f"(here: {', '.join(f'{k} {mine.get(k)}' for k in diff)})")
        if probe["sandbox"]:
            problems.append(f"{addr} cannot run the sandbox: {probe['sandbox']}")
    if problems:
        raise GradingError("these Dask workers cannot grade this course: " + "; ".join(problems) +
                           ". Install the same environment on every worker (pip install 'sme-teach[dask]' at the "
                           "same versions) with bubblewrap (apt-get install bubblewrap), or stop those workers")


# ================================================================== worker side

def _logger():
    import logging

    # under distributed's logger, so `dask worker` shows it with its own lines
    return logging.getLogger("distributed.worker.sme_teach")


def _claim_slot():
    """A sandbox number no other grading worker on this machine holds (a lock file held for life)."""
    import fcntl

    for slot in range(FIRST_SLOT, FIRST_SLOT + 400):
        fh = open(os.path.join(tempfile.gettempdir(), f"sme-teach-grading-slot-{slot}.lock"), "a")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            continue
        return slot, fh
    raise GradingError("more than 400 grading workers on one machine; start fewer `dask worker` processes")


class GradingPlugin(WorkerPlugin):
    """The grading state of one Dask worker process, on one thread of its own (see the module docstring).

    ``setup`` starts the sandbox and the zygotes in the background (the worker answers the scheduler
    meanwhile); :meth:`grade` waits for them, then grades; ``teardown`` (the run is over, or the worker
    closes) kills the kernels and removes the sandbox folder."""

    name = PLUGIN

    def __init__(self, config: dict, warm_imports: tuple, zygote: bool, sandbox: bool, checkers: bool,
                 versions: dict):
        self.config, self.warm_imports, self.zygote = config, warm_imports, zygote
        self.sandbox, self.checkers, self.versions = sandbox, checkers, versions

    def setup(self, worker=None):
        from concurrent.futures import ThreadPoolExecutor

        self._slot = None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="sme-teach-grading")
        self._ready = self._pool.submit(self._start)

    def _start(self):
        from . import _run

        t0 = time.perf_counter()
        mine = versions()
        diff = {k: (v, mine.get(k)) for k, v in self.versions.items() if mine.get(k) != v}
        if diff:
            raise GradingError(f"this worker has other versions than the grading machine: {diff}")
        if self.sandbox:
            from ._sandbox import require

            require()
        slot, self._slot = _claim_slot()
        # a worker killed with this slot (SIGKILL, out of memory) could not remove its sandbox folder
        import shutil

        for stale in Path(os.environ.get("TMPDIR", "/tmp")).glob(f"sme-sandbox-{slot}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        _run._worker_init(self.config, self.warm_imports, None, self.zygote, self.sandbox, None, self.checkers,
                          slot=slot)
        _logger().info("sme-teach grading state ready in %.1f s (sandbox %s)", time.perf_counter() - t0, slot)

    def ready(self) -> None:
        """Wait for the grading state; a worker that could not start raises (Dask retries the task)."""
        self._ready.result()

    def grade(self, packed: dict) -> dict:
        from . import _run

        self.ready()

        def job():
            return _run._grade_in_worker(packed, _run.grade_packed)

        return self._pool.submit(job).result()

    def teardown(self, worker=None):
        pool = getattr(self, "_pool", None)
        if pool is None:
            return

        def stop():
            from . import _run

            if self._ready.exception() is None:
                _run._worker_exit()
            _run._W.clear()
            if self._slot is not None:
                self._slot.close()

        try:
            pool.submit(stop).result(timeout=60)
        finally:
            pool.shutdown(wait=False)


def _grade_on_worker(packed: dict) -> dict:
    """The Dask task: say where it starts (the parent's log names a worker lost mid-submission), grade."""
    from distributed import get_worker

    worker = get_worker()
    plugin = worker.plugins[PLUGIN]
    plugin.ready()
    worker.log_event(TOPIC, {"key": packed["key"], "student": packed["student"], "worker": worker.address})
    out = plugin.grade(packed)
    out["worker"] = worker.address
    return out


def dask_setup(worker=None) -> None:
    """``dask worker ... --preload sme_teach.grading._dask``: import what grading needs when the worker
    starts, not in the first run (nbformat, nbconvert and nbgrader cost seconds to import)."""
    import importlib

    for name in ("nbformat", "nbconvert.exporters", "nbgrader.preprocessors", "nbgrader.utils", "jupyter_client",
                 "sme_teach.grading._run", "sme_teach.grading._kernels", "sme_teach.grading._sandbox"):
        importlib.import_module(name)
