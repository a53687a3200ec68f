"""Grading speed: ``sme-teach grade --jobs 2`` vs sequential ``nbgrader autograde`` and bare nbclient.

Both graders run as a lecturer runs them (fresh command, start-up included) on identical copies of a
course with ``n`` submissions of the test fixture's solved ``ps1`` (numpy + pandas + sme_teach imports).
``sme-teach grade`` runs twice: as shipped (every notebook in the bubblewrap sandbox) and with
``--unsafe-no-sandbox``, so the sandbox's cost per submission is the difference of the two in one table.
Bare nbclient executes the same notebook ``n`` times in this process (no nbgrader at all).
``sme-teach grade --scheduler`` grades a fourth copy on a Dask cluster on this machine (a ``dask
scheduler`` and one ``dask worker --nworkers 2 --nthreads 1``, started before the clock runs, as a
cluster is started once for many runs), beside the local pool in the same run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import contextlib
import json
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _course(base: Path, n: int) -> Path:
    sys.path.insert(0, str(REPO / "tests" / "fixtures"))
    import make_course as mc
    from sme_teach.grading import release

    course = mc.build_course(base / "course")
    release(mc.ASSIGNMENT, course)
    first = mc.write_submission(course, "s000", mc.SOLVED)
    for i in range(1, n):
        shutil.copytree(first, course / "submitted" / f"s{i:03d}" / mc.ASSIGNMENT)
    return course


def _copy(course: Path, name: str) -> Path:
    dest = course.parent / name
    shutil.copytree(course, dest)
    return dest


def _timed(cmd, cwd) -> float:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


@contextlib.contextmanager
def _dask_cluster(base: Path, workers: int):
    """The address of a loopback Dask cluster: one scheduler, one ``dask worker`` with ``workers`` processes."""
    from distributed import Client

    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    sched_file = base / "scheduler.json"
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--port", "0", "--scheduler-file", str(sched_file),
                               *common], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    procs.append(subprocess.Popen(
        [str(BIN / "dask"), "worker", "--scheduler-file", str(sched_file), "--nworkers", str(workers),
         "--nthreads", "1", "--memory-limit", "0", "--death-timeout", "60", "--local-directory", str(base / "dask"),
         "--preload", "sme_teach.grading._dask", *common], env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL))
    try:
        deadline = time.monotonic() + 120
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(sched_file.read_text())["address"]
        with Client(address, set_as_default=False, timeout=60) as client:
            client.wait_for_workers(workers, timeout=300)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()


def _scores(course: Path) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        return {s.student_id: s.score for s in gb.assignment_submissions("ps1")}


def _bare_nbclient(course: Path, n: int) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb_path = course / "submitted" / "s000" / "ps1" / "ps1.ipynb"
    t0 = time.perf_counter()
    for _ in range(n):
        nb = nbformat.read(nb_path, as_version=4)
        NotebookClient(nb, timeout=30, kernel_name="python3",
                       resources={"metadata": {"path": str(nb_path.parent)}}).execute()
    return (time.perf_counter() - t0) / n


def measure(n: int = 60, jobs: int = 2) -> dict:
    with tempfile.TemporaryDirectory(prefix="sme-grading-bench-") as tmp:
        course = _course(Path(tmp), n)
        a, b, c = _copy(course, "nbgrader"), _copy(course, "ours"), _copy(course, "unsandboxed")
        nbgrader_s = _timed([str(BIN / "nbgrader"), "autograde", "ps1"], cwd=a)
        ours_s = _timed([str(BIN / "sme-teach"), "grade", "ps1", "--jobs", str(jobs), "--no-progress"], cwd=b)
        open_s = _timed([str(BIN / "sme-teach"), "grade", "ps1", "--jobs", str(jobs), "--no-progress",
                         "--unsafe-no-sandbox"], cwd=c)
        same = _scores(a) == _scores(b) == _scores(c) and len(_scores(b)) == n
        dask_s, dask_same = None, None
        try:
            import distributed  # noqa: F401
        except ImportError:  # the dask extra is not installed: no row
            pass
        else:
            d = _copy(course, "dask")
            with _dask_cluster(Path(tmp), jobs) as address:
                dask_s = _timed([str(BIN / "sme-teach"), "grade", "ps1", "--scheduler", address, "--no-progress"],
                                cwd=d)
            dask_same = _scores(d) == _scores(b)
        bare_s = _bare_nbclient(course, min(n, 10))
    return {"n": n, "jobs": jobs, "nbgrader_s": nbgrader_s, "ours_s": ours_s, "unsandboxed_s": open_s,
            "bare_nbclient_per_nb_s": bare_s, "same_scores": same, "dask_s": dask_s, "dask_same_scores": dask_same,
            "load": os.getloadavg()}


def bench_grading(n: int = 60) -> list[dict]:
    """Two rows of the benchmark table: batch wall time and per-submission cost."""
    m = measure(n)
    speedup = m["nbgrader_s"] / m["ours_s"]
    per_sub = m["ours_s"] / n
    ratio = per_sub / m["bare_nbclient_per_nb_s"]
    sandbox_cost = (m["ours_s"] - m["unsandboxed_s"]) / n * m["jobs"]  # per submission, per worker
    load = ", ".join(f"{x:.1f}" for x in m["load"])
    return [
        {"metric": f"grade {n} submissions, --jobs {m['jobs']}, sandboxed (wall, CLI start included)",
         "value": round(m["ours_s"], 1), "unit": "s", "goal": "≥ 3× faster than sequential nbgrader autograde",
         "compared_with": f"nbgrader autograde: {m['nbgrader_s']:.1f} s; same scores: {m['same_scores']}; "
                          f"load average at the end: {load}",
         "ratio": round(speedup, 2), "passed": bool(speedup >= 3 and m["same_scores"])},
        {"metric": f"sandbox cost per submission (worker time: (sandboxed − unsandboxed wall) × jobs / {n})",
         "value": round(sandbox_cost, 3), "unit": "s", "goal": "reported (isolation is not optional)",
         "compared_with": f"--unsafe-no-sandbox: {m['unsandboxed_s']:.1f} s wall, "
                          f"{m['unsandboxed_s'] / n:.3f} s per submission; sandboxed {per_sub:.3f} s",
         "ratio": round(m["ours_s"] / m["unsandboxed_s"], 2), "passed": True},
        {"metric": "per-submission cost (batch wall / N)",
         "value": round(per_sub, 3), "unit": "s", "goal": "≤ 1.5× bare nbclient execution of the notebook",
         "compared_with": f"bare nbclient: {m['bare_nbclient_per_nb_s']:.3f} s per notebook",
         "ratio": round(ratio, 2), "passed": bool(ratio <= 1.5)},
    ] + ([] if m["dask_s"] is None else [
        {"metric": f"grade {n} submissions on a local 2-worker Dask cluster (--scheduler, sandboxed, wall, CLI start "
                   "included)",
         "value": round(m["dask_s"], 1), "unit": "s",
         "goal": "same scores as the local pool; the cost of shipping work through Dask reported",
         "compared_with": f"local pool --jobs {m['jobs']} in the same run: {m['ours_s']:.1f} s; same scores: "
                          f"{m['dask_same_scores']}",
         "ratio": round(m["dask_s"] / m["ours_s"], 2), "passed": bool(m["dask_same_scores"])},
    ])


if __name__ == "__main__":
    import json

    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 10), indent=2))
