"""Trusted checking: autograded test cells run where no student code ever ran.

nbgrader runs a notebook's test cells in the student's own kernel, after the student's code: a
student who replaces a check's ``__code__``, patches ``pandas.DataFrame.equals``, reads the kernel's
input history or walks the interpreter's frames can change a score or copy the hidden tests into
their feedback. This course's answers are *data* (frames, series, numbers, text), so the grader can
do better (issue #18):

1. the **student kernel** (sandboxed) runs the student's cells and the instructor's setup cells;
   when it reaches a test cell it does *not* run it, it only hands over the names the cell reads,
   serialized as data (:mod:`sme_teach.grading._transfer`, JSON — never pickle);
2. a **checker kernel** — a fresh kernel of its own per notebook, where only the instructor's code
   runs — has run the same setup cells (same student id, a pristine copy of the assignment's
   files), loads those values and runs the test cell; its outputs become the cell's outputs, so
   nbgrader's ``SaveAutoGrades`` scores them exactly as it scores its own.

The hidden tests therefore never exist in the student's kernel (no history, frame or file can show
them) and nothing the student's code did to the interpreter reaches the check.

What crosses is exactly the names a test cell reads (:func:`free_names`) minus those the setup cells
bound in the checker and those earlier test cells bound: a name the instructor's setup defines (say
``firms``) is the instructor's value in the check even if the student rebound it — stricter than
nbgrader, which would test against the student's copy.

:func:`plan_mode` decides per notebook, from the instructor's source: a test that calls something
the solution *defines* (a function, a class, an import — nbgrader's own fixtures do) cannot be
checked on data, so that notebook is graded ``"nbgrader"``-style, test cells in the student's kernel,
still inside the OS sandbox. The log, the run summary and the report name the mode used.
"""

from __future__ import annotations

import ast
import builtins

__all__ = ["NBGRADER", "TRUSTED", "bound_names", "cell_kind", "free_names", "plan_mode"]

TRUSTED = "trusted"
NBGRADER = "nbgrader"
_BUILTINS = set(dir(builtins)) | {"get_ipython", "display", "In", "Out", "exit", "quit"}


def cell_kind(cell) -> str:
    """``"test"`` (autograded test), ``"setup"`` (locked instructor code), ``"solution"``, ``"other"``."""
    if cell.get("cell_type") != "code":
        return "other"
    m = cell.get("metadata", {}).get("nbgrader", {})
    if m.get("grade") and not m.get("solution"):
        return "test"
    if m.get("solution"):
        return "solution"
    if m.get("locked"):
        return "setup"
    return "other"


def _parse(source: str):
    try:
        return ast.parse(source)
    except SyntaxError:  # IPython magics, or broken code: nothing can be said statically
        return None


def bound_names(source: str) -> set:
    """Names a cell binds at the top level (assignments, ``def``, ``class``, imports, ``for``, ``with``)."""
    tree = _parse(source)
    out = set()
    if tree is None:
        return out

    class Binder(ast.NodeVisitor):
        def visit_Name(self, node):
            if isinstance(node.ctx, (ast.Store, ast.Del)):
                out.add(node.id)

        def visit_FunctionDef(self, node):
            out.add(node.name)  # the body is another scope

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_ClassDef(self, node):
            out.add(node.name)

        def visit_Lambda(self, node):
            pass

        def visit_ListComp(self, node):  # comprehension variables are local to it
            pass

        visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp

        def visit_Import(self, node):
            for alias in node.names:
                out.add((alias.asname or alias.name).split(".")[0])

        visit_ImportFrom = visit_Import

    Binder().visit(tree)
    return out


def defined_callables(source: str) -> set:
    """Names a cell binds to code rather than data: ``def``, ``class``, ``lambda``, imports."""
    tree = _parse(source)
    out = set()
    if tree is None:
        return out
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            out.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return out


def free_names(source: str) -> set:
    """Names a cell reads that it does not bind itself, builtins excluded (over-approximated)."""
    tree = _parse(source)
    if tree is None:
        return set()
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return loaded - bound_names(source) - _BUILTINS


def plan_mode(source_nb) -> tuple[str, str]:
    """``(mode, why)`` for a notebook, from the instructor's source version."""
    solution_code = set()
    for cell in source_nb.cells:
        if cell_kind(cell) == "solution":
            solution_code |= defined_callables(cell.source)
    for cell in source_nb.cells:
        if cell_kind(cell) != "test":
            continue
        if _parse(cell.source) is None:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            return NBGRADER, f"test cell {gid} is not plain Python (magics?), so it runs as nbgrader runs it"
        calls = free_names(cell.source) & solution_code
        if calls:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            return NBGRADER, (f"test cell {gid} calls student-written code ({', '.join(sorted(calls))}), so tests "
                              "run in the student's (sandboxed) kernel, as nbgrader runs them")
    return TRUSTED, "every test reads data only: tests ran in a separate checker kernel"


#: run in the checker kernel once: binds the loader (the checker only ever runs instructor code)
CHECKER_PRELUDE = """
def __sme_receive(text, names):
    import sme_teach.grading._transfer as _t
    g = globals()
    for _n in names:
        g.pop(_n, None)
    g.update(_t.load(text))
"""
