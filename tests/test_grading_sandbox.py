"""The sandbox's command line and its refusal when bubblewrap is missing (no grading here)."""

from __future__ import annotations

import subprocess
import sys

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
