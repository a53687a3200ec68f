"""The sandbox's command line and its refusal when bubblewrap is missing (no grading here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sme_teach.grading import _sandbox


def test_the_command_hides_everything_but_what_a_kernel_needs(tmp_path):
    box = _sandbox.Sandbox.create(tmp_path, worker=3)
    argv = box.command(["python", "-c", "pass"])
    for flag in ("--unshare-pid", "--unshare-net", "--die-with-parent", "--clearenv", "--new-session"):
        assert flag in argv
    assert argv[argv.index("--cap-drop") + 1] == "ALL"
    binds = [argv[i + 1] for i, a in enumerate(argv) if a == "--bind"]
    assert binds == [str(box.workdir)], "the work folder is the only writable bind"
    assert box.uid == _sandbox.BASE_UID + 3
    # bwrap mounts in order: the empty /tmp comes before the runtime binds, or a checkout or venv under
    # /tmp (a CI clone) is hidden and every kernel dies before it starts
    tmpfs = max(i for i, a in enumerate(argv) if a == "--tmpfs" and argv[i + 1] == "/tmp")
    runtime = [i for i, a in enumerate(argv) if a == "--ro-bind" and argv[i + 1] in _sandbox._runtime_paths()]
    assert runtime and tmpfs < min(runtime), "the /tmp tmpfs would hide the runtime binds laid before it"
    env = {argv[i + 1]: argv[i + 2] for i, a in enumerate(argv) if a == "--setenv"}
    assert env["HOME"] == "/tmp/home" and env["NBGRADER_EXECUTION"] == "autograde"
    assert set(env) <= set(_sandbox.kernel_environment(box.workdir)), "nothing of the grader's environment"


@pytest.mark.skipif(not _sandbox.available(), reason="bubblewrap cannot run here")
def test_inside_only_the_work_folder_is_writable(tmp_path):
    box = _sandbox.Sandbox.create(tmp_path)
    code = ("import os, sys\n"
            "print(os.path.exists(sys.argv[1]))\n"
            "for p in (sys.argv[2], '/usr/x', sys.argv[3] + '/x'):\n"
            "    try:\n        open(p, 'w').close(); print('wrote', p)\n"
            "    except OSError as e:\n        print('refused', type(e).__name__)\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("s")
    proc = subprocess.run(box.command([sys.executable, "-c", code, str(secret), str(box.workdir / "ok"),
                                       str(_sandbox._runtime_paths()[-1])]), capture_output=True, text=True)
    lines = proc.stdout.split("\n")
    assert lines[0] == "False", proc.stdout + proc.stderr
    assert lines[1].startswith("wrote") and lines[2].startswith("refused") and lines[3].startswith("refused")


def test_grading_refuses_without_bubblewrap(monkeypatch):
    from sme_teach import SmeTeachError

    monkeypatch.setattr(_sandbox, "bwrap_path", lambda: None)
    _sandbox._probe.cache_clear()
    try:
        with pytest.raises(SmeTeachError, match="--unsafe-no-sandbox"):
            _sandbox.require()
        assert not _sandbox.available()
    finally:
        monkeypatch.undo()
        _sandbox._probe.cache_clear()


USERENV = Path(sys.prefix) / "userenv" / "bin" / "python"  # built by `make hub` (scripts/ensure_hub_deps.sh)


@pytest.mark.skipif(not _sandbox.available(), reason="bubblewrap cannot run here")
def test_a_lecturer_who_is_not_root_gets_the_same_walls(tmp_path):
    """A JupyterHub instructor grades as an ordinary user: user namespace, own uid, no capability.

    ``course False`` is meaningful because the same user can read that file outside the sandbox."""
    import os
    import shutil

    if os.geteuid() != 0 or not shutil.which("runuser") or not USERENV.exists():
        pytest.skip(f"needs root to become another user (runuser) and {USERENV} (make hub)")
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="sme-nonroot-", dir="/tmp"))  # pytest's tmp is root-only
    os.chmod(top, 0o755)
    work = top / "nr"
    work.mkdir()
    os.chown(work, 65534, 65534)
    secret = top / "course-secret.txt"  # readable by that user outside the sandbox
    secret.write_text("solution")
    secret.chmod(0o644)
    probe = (
        "import os, socket, sys\n"
        "print('uid', os.getuid())\n"
        "print('course', os.path.exists(sys.argv[1]))\n"
        "print('procs', sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\n"
        "print('caps', [l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff')][0])\n"
        "try:\n    open(sys.argv[2] + '/x', 'w'); print('package writable')\n"
        "except OSError:\n    print('package read-only')\n")
    outer = (
        "import subprocess, sys\n"
        "from sme_teach.grading._sandbox import Sandbox, _runtime_paths\n"
        "box = Sandbox.create(sys.argv[1], 0)\n"
        "assert not box.privileged and box.uid == 65534, (box.privileged, box.uid)\n"
        "cmd = box.command([sys.executable, '-c', sys.argv[2], sys.argv[3], _runtime_paths()[-1]],"
        " caps=('CAP_KILL',))\n"
        "assert '--cap-add' not in cmd\n"
        "p = subprocess.run(cmd, capture_output=True, text=True)\n"
        "print(p.stdout, p.stderr, sep='')\n")
    proc = subprocess.run([shutil.which("runuser"), "-u", "nobody", "--", str(USERENV), "-c", outer, str(work), probe, str(secret)],
                          capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(work),
                                                                             "MPLCONFIGDIR": str(work)})
    shutil.rmtree(top, ignore_errors=True)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert "uid 65534" in out and "course False" in out, out
    assert "procs [1, 2]" in out, f"the sandbox sees processes of the grader: {out}"
    assert "caps 0000000000000000" in out, out
    assert "package read-only" in out, out


def test_sme_teach_grade_refuses_and_writes_nothing_without_the_sandbox(monkeypatch, tmp_path, capsys):
    """The lecturer's command, not only ``require()``: exit 2, the reason and the way out, nothing graded."""
    import warnings

    from nbgrader.api import Gradebook

    from sme_teach import cli, grading

    sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
    import make_course as mc

    course = mc.build_course(tmp_path / "course")
    grading.release(mc.ASSIGNMENT, course, exchange=False)
    mc.write_submission(course, "s1", mc.SOLVED)
    monkeypatch.delenv("SME_TEACH_SCHEDULER", raising=False)
    monkeypatch.setattr(_sandbox, "bwrap_path", lambda: None)
    _sandbox._probe.cache_clear()
    try:
        code = cli.main(["grade", mc.ASSIGNMENT, "--course", str(course), "--no-progress"])
    finally:
        monkeypatch.undo()
        _sandbox._probe.cache_clear()
    err = capsys.readouterr().err
    assert code == 2, err
    assert "refusing to grade" in err and "bubblewrap" in err and "--unsafe-no-sandbox" in err
    assert not (course / "autograded").exists() and not (course / "grading_log.jsonl").exists()
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        warnings.simplefilter("ignore")
        assert gb.assignment_submissions(mc.ASSIGNMENT) == []
