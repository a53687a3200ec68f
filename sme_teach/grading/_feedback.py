"""Per-student HTML feedback (nbgrader GenerateFeedback) that never shows hidden tests."""

from __future__ import annotations

import re
from pathlib import Path

from .._errors import SmeTeachError
from ._course import api, find_course, load_config
from ._offline_html import self_contained_math

__all__ = ["awaiting_marking", "check_label", "feedback", "hidden_test_lines", "question_of"]

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


_DOC = re.compile(r'\s*[rbuRBU]?(?:"""|\'\'\')(.*?)(?:"""|\'\'\')', re.S)
_NAME_ERROR = re.compile(r"name '([^']+)' is not defined")
#: what ``grading.check`` shows while a notebook is autograded: noise in feedback
_CHECK_SKIPPED = "skipped while autograding"


def question_of(grade_id: str) -> str:
    """The question a grade id belongs to: ``"q3"`` for ``q3_inv_values``, ``test_q3_x`` or ``q3``.

    >>> question_of("q3_inv_values"), question_of("test_q1_type"), question_of("written")
    ('q3', 'q1', 'written')
    """
    parts = grade_id.split("_")
    if parts[0] == "test" and len(parts) > 1:
        return parts[1]
    return parts[0]


def check_label(grade_id: str, source: str) -> str:
    """How feedback names a check: its question and the first line of its docstring.

    >>> check_label("q3_ventures_columns", "'''ventures has the four columns.'''\\nassert True")
    'q3 · ventures has the four columns. (q3_ventures_columns)'
    >>> check_label("q2_edge", "assert x")
    'q2 · q2_edge'
    """
    doc = _DOC.match(source)
    text = " ".join(doc.group(1).split()) if doc else ""
    return f"{question_of(grade_id)} · {text} ({grade_id})" if text else f"{question_of(grade_id)} · {grade_id}"


def awaiting_marking(grade) -> bool:
    """Whether an nbgrader ``Grade`` is a manually graded item nobody has marked yet.

    Manually graded: a grade cell that is also a solution cell (a written or free-response answer) or a
    task. nbgrader flags such a grade with ``needs_manual_grade`` and scores it 0 until a grader sets
    ``manual_score`` (Formgrader sets both; a script may set only the score, which counts as marked).
    A submission that failed to run (invalid notebook, dead kernel) has every grade flagged and none
    scored: it has no graded notebook to mark, so nothing of it awaits marking (``sme-teach report``
    lists it under "needs attention" with the reason).
    """
    if not grade.needs_manual_grade or grade.manual_score is not None:
        return False
    manual = _manual_names(grade.cell.notebook)
    if grade.name not in manual:
        return False
    # autograded: some autograded check has a score (a notebook of manual cells only cannot tell; count it)
    others = [g for g in grade.notebook.grades if g.name not in manual]
    return not others or any(g.auto_score is not None for g in others)


def _manual_names(notebook) -> set:
    """Names of the manually graded cells of an nbgrader ``Notebook``: grade cells that are also solution
    cells (written or free-response answers), and task cells."""
    solutions = {c.name for c in notebook.solution_cells}
    return {c.name for c in notebook.grade_cells if c.name in solutions} | {c.name for c in notebook.task_cells}


def _describer_class():
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.preprocessors import NbGraderPreprocessor

    class DescribeCells(NbGraderPreprocessor):
        """Name each grade cell, flag unmarked written answers and explain unanswered questions.

        - ``metadata.nbgrader.sme_label``: the question and docstring of a check (see :func:`check_label`),
          "q5 · written answer" for a manually graded cell;
        - ``metadata.nbgrader.sme_awaiting``: the item waits for a human grader (:func:`awaiting_marking`);
          ``resources["nbgrader"]["sme_awaiting"]`` sums their points for the page heading;
        - a check that failed with ``NameError`` for a name the student's answer should define shows
          "q3 not answered: `ventures` is not defined — run your answer cell" instead of the traceback,
          and an answer cell left at ``raise NotImplementedError()`` says so in one line;
        - the output of a self-check cell run during autograding ("skipped while autograding") is dropped.
        """

        def preprocess(self, nb, resources):
            info = resources["nbgrader"]
            self._awaiting, info["sme_awaiting"], info["sme_awaiting_items"] = set(), 0.0, []
            with Gradebook(info["db_url"]) as gb:
                try:
                    sub = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
                except MissingEntry:
                    grades = []
                else:
                    grades = sub.grades
                for g in grades:
                    if awaiting_marking(g):
                        self._awaiting.add(g.name)
                        info["sme_awaiting"] += float(g.max_score)
                        info["sme_awaiting_items"].append(f"{g.name}, {float(g.max_score):g} points")
            return super().preprocess(nb, resources)

        def preprocess_cell(self, cell, resources, index):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            gid = meta.get("grade_id", "")
            if gid:
                meta["sme_question"] = question_of(gid)
            if meta.get("grade") or meta.get("task"):
                if meta.get("solution") or meta.get("task"):
                    kind = "written answer" if cell.cell_type == "markdown" else "answer graded by hand"
                    meta["sme_label"] = f"{question_of(gid)} · {kind} ({gid})"
                else:
                    meta["sme_label"] = check_label(gid, cell.source)
                meta["sme_awaiting"] = gid in self._awaiting
            if cell.cell_type != "code":
                return cell, resources
            if meta.get("grade") and not meta.get("solution"):
                for out in cell.get("outputs", []):
                    missing = _NAME_ERROR.search(out.get("evalue") or "") if out.get("ename") == "NameError" else None
                    if missing:
                        out["ename"] = f"{question_of(gid)} not answered"
                        out["evalue"] = f"`{missing.group(1)}` is not defined — run your answer cell"
                        out["traceback"] = [f"{out['ename']}: {out['evalue']}"]
            elif meta.get("solution"):
                for out in cell.get("outputs", []):
                    if out.get("ename") == "NotImplementedError" and not out.get("evalue"):
                        out["ename"] = f"{question_of(gid)} not answered"
                        out["evalue"] = "this cell still says `raise NotImplementedError()` — write your answer here"
                        out["traceback"] = [f"{out['ename']}: {out['evalue']}"]
            if not meta.get("grade") and not meta.get("solution"):
                cell["outputs"] = [o for o in cell.get("outputs", []) if _CHECK_SKIPPED not in _text(o)]
            return cell, resources

    return DescribeCells


def _text(output) -> str:
    data = output.get("data", {})
    text = output.get("text", "") or data.get("text/plain", "")
    return "".join(text) if isinstance(text, list) else str(text)


def _generate(nbg, assignment: str, student: str | None) -> dict:
    """nbgrader's ``NbGraderAPI.generate_feedback`` with our template (it forces ``feedback``).

    The template (``templates/sme_feedback``) extends nbgrader's: checks named by question and docstring,
    unmarked answers shown as "awaiting marking" (see :class:`DescribeCells <_describer_class>`).
    """
    import nbgrader
    from nbgrader.converters import GenerateFeedback
    from nbgrader.utils import capture_log, temp_attrs
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.template_name = "sme_feedback"
    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    c.HTMLExporter.extra_template_basedirs = [str(Path(__file__).with_name("templates")), str(formgrader / "templates")]
    # as GenerateFeedback sets it (bootstrap.min.css), plus the folder where 'feedback/index.html.j2' is found
    c.HTMLExporter.extra_template_paths = [
        str(formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css"), str(formgrader / "templates")]
    attrs = {"assignment_id": assignment, **({"student_id": student} if student is not None else {})}
    with temp_attrs(nbg.coursedir, **attrs):
        app = GenerateFeedback(coursedir=nbg.coursedir, parent=nbg)
        app.update_config(c)
        app.force = True
        return capture_log(app)


def _known_student(course, config, assignment: str, student: str) -> None:
    """Raise :class:`SmeTeachError` naming the students with a graded submission unless ``student`` is one."""
    from ._course import course_directory

    cd = course_directory(course, config)
    graded = sorted(p.parent.name for p in Path(cd.root).glob(
        str(Path(cd.format_path(cd.autograded_directory, "*", assignment)).relative_to(cd.root))) if p.is_dir())
    if student not in graded:
        raise SmeTeachError(f"no graded submission of {assignment!r} for student {student!r}; "
                            f"students with one: {', '.join(graded) or '(none: run `sme-teach grade` first)'}")


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
    config.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, _redactor_class(),
                                             _describer_class(), ClearHiddenTests]
    config.ClearHiddenTests.enforce_metadata = False
    if student is not None:
        _known_student(course, config, assignment, student)
    nbg = api(course, config)
    result = _generate(nbg, assignment, student)
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
