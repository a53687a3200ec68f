"""Student self-check: run one question's visible tests in the student's own notebook namespace."""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
from pathlib import Path

from .._errors import SmeTeachError
from ._student import _notebook_namespace, is_autograding

__all__ = ["CheckResult", "check"]

_HIDDEN = re.compile(r"^[ \t]*#+[ \t]*BEGIN HIDDEN TESTS.*?^[ \t]*#+[ \t]*END HIDDEN TESTS[^\n]*\n?", re.S | re.M)


@dataclasses.dataclass
class TestOutcome:
    grade_id: str
    points: float
    passed: bool
    message: str = ""
    hint: str = ""
    description: str = ""


@dataclasses.dataclass
class CheckResult:
    """What :func:`check` found. Displays itself as a short report in Jupyter."""

    question: str
    tests: list
    note: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.tests) and all(t.passed for t in self.tests)

    @property
    def points(self) -> float:
        return sum(t.points for t in self.tests if t.passed)

    @property
    def max_points(self) -> float:
        return sum(t.points for t in self.tests)

    def __repr__(self) -> str:
        if self.note:
            return f"{self.question}: {self.note}"
        lines = [f"{self.question}: {sum(t.passed for t in self.tests)} of {len(self.tests)} visible checks pass "
                 f"({self.points:g} of {self.max_points:g} points; hidden tests may check more)"]
        for t in self.tests:
            mark = "✓" if t.passed else "✗"
            lines.append(f"  {mark} {t.grade_id} ({t.points:g} pt): {t.description}".rstrip(": "))
            if not t.passed:
                lines.append(f"      problem: {t.message}")
                if t.hint:
                    lines.append(f"      fix: {t.hint}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<pre role='status'>{html.escape(repr(self))}</pre>"


def _hint(exc: BaseException) -> str:
    if isinstance(exc, NotImplementedError):
        return "you have not answered yet: replace `raise NotImplementedError()` with your code"
    if isinstance(exc, NameError):
        return ("something is not defined; run your answer cell and the cells above it first "
                "(Run ▸ Run All Above Selected Cell)")
    if isinstance(exc, AssertionError):
        return "your answer runs but gives a different result; compare it with the expected value above"
    return f"your code raised {type(exc).__name__}; read the message and check the types of your inputs"


def _find_notebook(question: str, namespace: dict) -> Path:
    candidates = [os.environ.get("JPY_SESSION_NAME"), namespace.get("__session__"),
                  namespace.get("__vsc_ipynb_file__")]
    for c in candidates:
        if c and str(c).endswith(".ipynb") and Path(c).is_file():
            return Path(c)
    found = [p for p in sorted(Path.cwd().glob("*.ipynb")) if _test_cells(p, question)]
    if not found:
        raise SmeTeachError(f"cannot find the notebook with tests for {question!r} in {Path.cwd()}; "
                            "pass notebook='path/to/notebook.ipynb'")
    return found[0]


def _belongs(grade_id: str, question: str) -> bool:
    return any(grade_id == p or grade_id.startswith(p + "_") for p in (question, f"test_{question}"))


def _test_cells(path: Path, question: str) -> list:
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    cells = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution") \
                and _belongs(meta.get("grade_id", ""), question):
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cells.append((meta["grade_id"], float(meta.get("points", 0)), src))
    return cells


def _run(source: str, namespace: dict) -> None:
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        source = TransformerManager().transform_cell(source)
    except ImportError:  # plain Python: no magics to transform
        pass
    exec(compile(source, "<visible test>", "exec"), namespace)


def check(question: str, notebook: str | os.PathLike | None = None, namespace: dict | None = None) -> CheckResult:
    """Run the visible tests of ``question`` against your current answers and say what to fix.

    Tests are the notebook's autograded test cells whose grade id is ``question``,
    ``question_*`` or ``test_question_*`` (``check("q1")`` runs ``test_q1_type``, ``test_q1_value``…).
    They run on a copy of your notebook's variables, so checking never changes your work. Hidden
    tests are not run (they are not in your copy); passing every visible check is necessary, not
    sufficient. While the notebook is being autograded this does nothing.

    Parameters
    ----------
    question : the question id, e.g. ``"q1"``.
    notebook : the notebook file (default: the one Jupyter says is open, else the one in the current
        folder holding tests for ``question``).
    namespace : the variables to test (default: the notebook's).
    """
    if is_autograding():
        return CheckResult(question, [], note="skipped while autograding")
    ns = _notebook_namespace() if namespace is None else namespace
    path = Path(notebook) if notebook is not None else _find_notebook(question, ns)
    cells = _test_cells(path, question)
    if not cells:
        raise SmeTeachError(f"no visible tests for question {question!r} in {path}; expected test cells with "
                            f"grade ids '{question}_…' or 'test_{question}_…'")
    outcomes = []
    for grade_id, points, source in cells:
        source = _HIDDEN.sub("", source)
        doc = re.match(r'\s*(?:"""|\'\'\')(.*?)(?:"""|\'\'\')', source, re.S)
        description = doc.group(1).strip() if doc else ""
        try:
            _run(source, dict(ns))
        except Exception as exc:  # a failing test is the expected, reported outcome
            message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            outcomes.append(TestOutcome(grade_id, points, False, message, _hint(exc), description))
        else:
            outcomes.append(TestOutcome(grade_id, points, True, description=description))
    return CheckResult(question, outcomes)
