"""Find a course directory, load its ``nbgrader_config.py`` and talk to nbgrader's Python API.

nbgrader is imported inside functions only: ``import sme_teach.grading`` must stay light.
"""

from __future__ import annotations

import os
from pathlib import Path

from .._errors import SmeTeachError

__all__ = ["api", "course_directory", "find_course", "gradebook", "load_config", "release"]

CONFIG_FILE = "nbgrader_config.py"


def find_course(course: str | os.PathLike | None = None) -> Path:
    """Return the course directory: ``course`` if given, else the current directory when it holds
    ``nbgrader_config.py`` (or the ``CourseDirectory.root`` that file names, as the repository root's
    does), else ``./assignments``."""
    if course is not None:
        path = Path(course).expanduser().resolve()
        if not path.is_dir():
            raise SmeTeachError(f"course directory {str(course)!r} does not exist; expected a folder "
                                f"holding {CONFIG_FILE} and source/<assignment>/")
        return path
    cwd = Path.cwd()
    if (cwd / CONFIG_FILE).is_file():
        # a config that names another course root (the repository root's file, read by Formgrader when
        # JupyterLab starts there, points to assignments/) sends us there
        return _configured_root(cwd) or cwd
    if (cwd / "assignments").is_dir():
        return (cwd / "assignments").resolve()
    raise SmeTeachError(f"no course found in {cwd}: expected {CONFIG_FILE} here or an ./assignments folder; "
                        "pass --course DIR")


def _configured_root(folder: Path) -> Path | None:
    """``CourseDirectory.root`` as ``folder/nbgrader_config.py`` sets it, if that is another existing folder."""
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader(CONFIG_FILE, path=str(folder)).load_config()
    root = cfg.get("CourseDirectory", {}).get("root")
    if not root:
        return None
    root = (folder / root).resolve()
    return root if root.is_dir() and root != folder.resolve() else None


def _ensure_tools_on_path() -> None:
    # nbgrader runs the ``alembic`` executable when it creates a new gradebook; a venv python
    # started by full path does not have the venv's bin/ on PATH, so put it there.
    import shutil
    import sys

    if shutil.which("alembic") is None:
        bindir = os.path.dirname(sys.executable)
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def load_config(course: Path, **overrides):
    """The traitlets config of ``course/nbgrader_config.py`` with ``CourseDirectory.root`` set.

    ``overrides`` are ``"Section.key": value`` pairs given as ``Section__key=value``.
    """
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    _ensure_tools_on_path()
    cfg = Config()
    if (Path(course) / CONFIG_FILE).is_file():
        cfg.merge(PyFileConfigLoader(CONFIG_FILE, path=str(course)).load_config())
    cfg.CourseDirectory.root = str(course)
    for key, value in overrides.items():
        section, name = key.split("__", 1)
        cfg[section][name] = value
    return cfg


def course_directory(course: Path, config=None, **attrs):
    """nbgrader's :class:`~nbgrader.coursedir.CourseDirectory` for ``course``."""
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config if config is not None else load_config(course))
    for key, value in attrs.items():
        setattr(coursedir, key, value)
    return coursedir


def api(course: Path, config=None):
    """nbgrader's :class:`~nbgrader.apps.NbGraderAPI` bound to ``course``."""
    from nbgrader.apps import NbGraderAPI

    config = config if config is not None else load_config(course)
    return NbGraderAPI(coursedir=course_directory(course, config), config=config)


def gradebook(course: Path, config=None):
    """Open the course's :class:`~nbgrader.api.Gradebook` (use it as a context manager)."""
    from nbgrader.api import Gradebook

    coursedir = course_directory(course, config)
    return Gradebook(coursedir.db_url, coursedir.course_id)


def _exchange_configured(config) -> bool:
    return "root" in config.get("Exchange", {}) or "course_id" in config.get("CourseDirectory", {}) and \
        Path(config.get("Exchange", {}).get("root", "/srv/nbgrader/exchange")).is_dir()


def release(assignment: str, course=None, *, exchange: bool | None = None) -> dict:
    """Generate the student version of ``assignment`` (nbgrader GenerateAssignment) and, if an
    exchange is configured (``Exchange.root`` in the course config, or the default exchange folder
    exists), release it to students.

    Returns ``{"release_dir": Path, "released_to_exchange": bool, "log": str}``.
    """
    course = find_course(course)
    source = course / "source" / assignment
    if not source.is_dir():
        found = sorted(p.name for p in (course / "source").glob("*") if p.is_dir())
        raise SmeTeachError(f"unknown assignment {assignment!r} in {course}; expected one of: "
                            f"{', '.join(found) or '(no folders under source/)'}")
    config = load_config(course)
    nbg = api(course, config)
    result = nbg.generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise SmeTeachError(f"nbgrader could not generate {assignment!r}:\n{result.get('error') or result.get('log')}")
    out = {"release_dir": Path(nbg.coursedir.format_path(nbg.coursedir.release_directory, ".", assignment)),
           "released_to_exchange": False, "log": result.get("log", "")}
    if exchange is None:
        exchange = _exchange_configured(config)
    if exchange:
        res = nbg.release_assignment(assignment)
        if not res["success"]:
            raise SmeTeachError(f"generated {assignment!r} but could not release it to the exchange:\n"
                                f"{res.get('error') or res.get('log')}")
        out["released_to_exchange"] = True
        out["log"] += res.get("log", "")
    return out
