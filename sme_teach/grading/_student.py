"""Who is the student? Per-student ids, seeds and data variants.

During autograding the grader, not the notebook, says whose submission runs: ``sme-teach grade``
sets ``SME_TEACH_STUDENT_ID`` in the kernel, and ``JUPYTERHUB_USER`` and the notebook's own
``SME_TEACH_STUDENT_ID`` variable are ignored (a student could otherwise copy a friend's id).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from .._errors import SmeTeachError

__all__ = ["ENV_STUDENT", "NOTEBOOK_VARIABLE", "is_autograding", "student_data", "student_id", "student_seed"]

#: environment variable the grader sets in every kernel it runs
ENV_STUDENT = "SME_TEACH_STUDENT_ID"
#: the clearly marked notebook variable a student off JupyterHub sets to their id
NOTEBOOK_VARIABLE = "SME_TEACH_STUDENT_ID"


def is_autograding() -> bool:
    """True while nbgrader (or ``sme-teach grade``) executes the notebook to grade it."""
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def _notebook_namespace() -> dict:
    ipython = sys.modules.get("IPython")
    if ipython is not None:
        shell = ipython.get_ipython()
        if shell is not None:
            return shell.user_ns
    main = sys.modules.get("__main__")
    return vars(main) if main is not None else {}


def _student_from_autograded_path(path: Path) -> str | None:
    # nbgrader runs the kernel in <course>/autograded/<student>/<assignment>/
    parts = Path(path).resolve().parts
    if len(parts) >= 3 and parts[-3] == "autograded":
        return parts[-2]
    return None


def student_id(default: str | None = None) -> str:
    """Return the id of the student whose notebook this is.

    Order: while autograding, the grader's ``SME_TEACH_STUDENT_ID`` environment variable (or, under
    plain ``nbgrader autograde``, the ``autograded/<student>/`` folder the kernel runs in); otherwise
    ``JUPYTERHUB_USER``, then a notebook variable ``SME_TEACH_STUDENT_ID = "..."``, then the
    environment variable ``SME_TEACH_STUDENT_ID``, then ``default``.

    >>> import os
    >>> os.environ["SME_TEACH_STUDENT_ID"] = "s001"
    >>> student_id()
    's001'
    >>> del os.environ["SME_TEACH_STUDENT_ID"]
    """
    if is_autograding():
        found = os.environ.get(ENV_STUDENT) or _student_from_autograded_path(Path.cwd())
        if found:
            return found
        raise SmeTeachError(
            "cannot tell whose submission is being graded: SME_TEACH_STUDENT_ID is not set in the kernel; "
            "grade with `sme-teach grade`, or run `nbgrader autograde` from the course directory")
    for value in (os.environ.get("JUPYTERHUB_USER"), _notebook_namespace().get(NOTEBOOK_VARIABLE),
                  os.environ.get(ENV_STUDENT), default):
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise SmeTeachError(
        "no student id found; expected JupyterHub's JUPYTERHUB_USER, a notebook variable "
        f'{NOTEBOOK_VARIABLE} = "your-id", or the environment variable {ENV_STUDENT}')


def student_seed(student: str | None = None, salt: str = "") -> int:
    """A stable 32-bit seed for ``student`` (default: :func:`student_id`), optionally per ``salt``.

    The same id always gives the same seed, on every machine and Python version (SHA-256, not
    :func:`hash`), so a hidden test recomputes exactly the data the student saw.

    >>> student_seed("s001") == student_seed("s001")
    True
    >>> student_seed("s001") != student_seed("s002")
    True
    """
    sid = student_id() if student is None else str(student)
    digest = hashlib.sha256(f"sme_teach:{salt}:{sid}".encode()).digest()
    return int.from_bytes(digest[:4], "little")


def student_data(name: str, student: str | None = None, **kwargs):
    """This student's variant of data set ``name``: ``sme_teach.datasets.variant(name, seed, ...)``.

    The seed is :func:`student_seed` salted with ``name``, so every data set differs per student
    but is the same each time the student (or the grader) asks. Variants are generated once per
    process and handed out as copies, so hidden tests can ask again cheaply and a student's edits
    to their copy change nothing else.
    """
    import copy

    from .. import datasets

    variant = getattr(datasets, "variant", None)
    if variant is None:
        raise SmeTeachError(
            f"cannot make a per-student variant of {name!r}: sme_teach.datasets has no variant() yet; "
            "update sme_teach")
    seed = student_seed(student, salt=name)
    key = (name, seed, tuple(sorted(kwargs.items())))
    if key not in _CACHE:
        if len(_CACHE) >= 16:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = variant(name, seed=seed, **kwargs)
    # a copy: changing your data must not change what a later call (or a hidden test) gets
    return copy.deepcopy(_CACHE[key])


#: (name, seed, options) -> data; grade cells ask for the same variant several times per notebook
_CACHE: dict = {}
