"""The in-kernel guard (``sme_teach.grading._guard``), alone: each test runs it in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_rebound_checks_are_put_back_and_named():
    out = _run("""
        import sme_teach.grading as g
        import sme_teach.grading._expect as ge
        from sme_teach.grading import _guard
        guard = _guard.install(1000, "CUT")
        ns = {"expect_frame": g.expect_frame}
        guard.after_setup(ns)
        real = ge.expect_frame
        ge.expect_frame = g.expect_frame = ns["expect_frame"] = lambda *a, **k: None
        restored = guard.check(ns)
        print(sorted(restored))
        print(ge.expect_frame is real, g.expect_frame is real, ns["expect_frame"] is real)
        print(guard.check(ns))
    """).splitlines()
    assert "sme_teach.grading._expect.expect_frame" in out[0] and "expect_frame" in out[0]
    assert out[1] == "True True True"
    assert out[2] == "[]", "nothing to restore the second time"


def test_builtins_are_put_back():
    out = _run("""
        import builtins
        from sme_teach.grading import _guard
        guard = _guard.install()
        real = builtins.isinstance
        builtins.isinstance = lambda *a: True
        print(guard.check(), builtins.isinstance is real)
    """)
    assert "builtins.isinstance" in out and out.strip().endswith("True")


def test_one_cell_prints_at_most_the_budget():
    out = _run("""
        from sme_teach.grading import _guard
        _guard.install(50, "CUT HERE")
        print("x" * 200)
        print("more")
    """)
    assert out.count("x") == 50 and "CUT HERE" in out and "more" not in out


def test_a_student_module_function_in_sme_teach_is_reloaded():
    out = _run("""
        import sme_teach.grading._expect as ge
        exec("def expect_value(*a, **k):\\n    return None", ge.__dict__)  # a function from __main__-like code
        ge.expect_value.__module__ = "__main__"
        from sme_teach.grading import _guard
        guard = _guard.install()
        import sys
        print(sys.modules["sme_teach.grading._expect"].expect_value.__code__.co_filename)
    """)
    assert out.strip().endswith("_expect.py")
