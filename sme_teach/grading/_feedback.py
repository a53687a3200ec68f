"""Per-student HTML feedback (nbgrader GenerateFeedback) that never shows hidden tests."""

from __future__ import annotations

import re
from pathlib import Path

from .._errors import SmeTeachError
from ._course import api, find_course, load_config
from ._offline_html import self_contained_math

__all__ = ["feedback", "hidden_test_lines"]

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"


def hidden_test_lines(source_notebook) -> list[str]:
    """The non-blank lines inside hidden-test regions of an instructor notebook."""
    import nbformat

    nb = nbformat.read(str(source_notebook), as_version=4)
    lines = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if BEGIN in line:
                inside = True
            elif END in line:
                inside = False
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


def _redactor_class():
    from nbgrader.preprocessors import NbGraderPreprocessor

    class RedactHiddenTestErrors(NbGraderPreprocessor):
        """In test cells with a hidden region, show only the error's type and message.

        A traceback quotes the failing line, which for a hidden test is hidden-test source. The
        message written by the test's author ("wrong share for your own data") still says why.
        Runs before nbgrader's ``ClearHiddenTests``, which then removes the region from the input.
        """

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type == "code" and BEGIN in cell.source:
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error":
                        message = f"{out.get('ename')}: {out.get('evalue')}" if out.get("evalue") else out.get("ename")
                        out["traceback"] = [message, "(details hidden: this check includes hidden tests)"]
            return cell, resources

    return RedactHiddenTestErrors


def feedback(assignment: str, course=None, *, student: str | None = None) -> list[Path]:
    """Write ``feedback/<student>/<assignment>/<notebook>.html`` for every autograded submission.

    Uses nbgrader's ``GenerateFeedback`` (scores and comments from the gradebook, failing checks with
    their messages) plus two preprocessors: error details of hidden-test cells are reduced to the
    message, and nbgrader's ``ClearHiddenTests`` removes the hidden code. Afterwards every HTML file
    is searched for each hidden-test line of the source notebook; a hit raises :class:`SmeTeachError`.
    The pages load nothing from the internet (MathJax inline where a page has equations).
    """
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import ClearHiddenTests, GetGrades

    course = find_course(course)
    config = load_config(course)
    config.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, _redactor_class(), ClearHiddenTests]
    config.ClearHiddenTests.enforce_metadata = False
    nbg = api(course, config)
    result = nbg.generate_feedback(assignment, student_id=student, force=True)
    if not result["success"]:
        raise SmeTeachError(f"nbgrader could not generate feedback for {assignment!r}:\n"
                            f"{result.get('error') or result.get('log')}")
    cd = nbg.coursedir
    files = sorted(Path(p) for p in Path(cd.root).glob(
        str(Path(cd.format_path(cd.feedback_directory, student or "*", assignment)).relative_to(cd.root)) + "/*.html"))
    hidden = []
    for src in Path(cd.format_path(cd.source_directory, ".", assignment)).glob("*.ipynb"):
        hidden += hidden_test_lines(src)
    for path in files:
        # no MathJax from a CDN: inline MathJax 3 where the page has equations (see _offline_html)
        text = self_contained_math(path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
        plain = re.sub(r"<[^>]+>", "", text)
        import html as _html

        plain = _html.unescape(plain)
        leaked = [line for line in hidden if line in plain or _html.escape(line) in text]
        if leaked:
            raise SmeTeachError(f"feedback {path} shows hidden-test code {leaked[0]!r}; not releasing it")
    return files
