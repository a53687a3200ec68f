"""Where the workshop keeps participants' answers: one CSV per app, appended under a lock."""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import os
import tempfile
import time
from pathlib import Path

__all__ = ["workshop_dir", "append_answers", "read_answers", "answers_csv_bytes", "answers_path", "log_error"]

log = logging.getLogger("sme_teach.workshop")

_ENV = "SME_TEACH_WORKSHOP_DIR"


def workshop_dir(create: bool = True) -> Path:
    """The workshop folder: ``$SME_TEACH_WORKSHOP_DIR`` or ``~/sme_teach_workshop``.

    >>> import os, tempfile
    >>> d = tempfile.mkdtemp(); os.environ["SME_TEACH_WORKSHOP_DIR"] = d
    >>> str(workshop_dir()) == d
    True
    >>> del os.environ["SME_TEACH_WORKSHOP_DIR"]
    """
    path = Path(os.environ.get(_ENV) or Path.home() / "sme_teach_workshop").expanduser()
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def answers_path(app: str) -> Path:
    """The CSV file of one app's saved answers (``<app>_answers.csv`` in the workshop folder)."""
    safe = "".join(ch for ch in app if ch.isalnum() or ch in "_-") or "answers"
    return workshop_dir() / f"{safe}_answers.csv"


@contextlib.contextmanager
def _locked(path: Path, timeout: float = 10.0):
    """Hold an exclusive lock on ``<path>.lock`` (fcntl where available, else a lock file)."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        import fcntl
    except ImportError:  # Windows: an exclusive-create lock file
        fcntl = None
    if fcntl is not None:
        with open(lock_path, "a+") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the answers file {path} stays locked by {lock_path}; delete that file "
                                   "if no app is saving") from None
            time.sleep(0.05)
    try:
        yield
    finally:
        os.close(fd)
        os.unlink(lock_path)


def _row_text(fields: list[str], row: dict) -> str:
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore", lineterminator="\n").writerow(row)
    return buf.getvalue()


def append_answers(app: str, row: dict) -> Path:
    """Append one participant's answers to the app's CSV, safely when many save at once.

    The row gets a ``saved_at`` time stamp. Under an exclusive lock, the row is
    written with one ``write`` to a file opened for appending, so readers never see
    half a row. If the row has a column the file lacks (a facilitator changed the
    questions), the file is rewritten with the wider header to a temporary file and
    swapped in with :func:`os.replace`, so no answer is ever lost.

    Returns the CSV path.

    >>> import os, tempfile
    >>> os.environ["SME_TEACH_WORKSHOP_DIR"] = tempfile.mkdtemp()
    >>> _ = append_answers("demo", {"firm": "Rupsha Jute", "q1": 4})
    >>> _ = append_answers("demo", {"firm": "Mongla Fish", "q1": 2, "q2": 5})
    >>> saved = read_answers("demo")
    >>> saved["firm"].tolist(), saved["q1"].tolist(), saved["q2"].isna().tolist()
    (['Rupsha Jute', 'Mongla Fish'], [4, 2], [True, False])
    >>> del os.environ["SME_TEACH_WORKSHOP_DIR"]
    """
    path = answers_path(app)
    row = {"saved_at": time.strftime("%Y-%m-%d %H:%M:%S"), **{str(k): v for k, v in row.items()}}
    with _locked(path):
        header = None
        if path.exists() and path.stat().st_size > 0:
            with open(path, newline="", encoding="utf-8") as fh:
                header = next(csv.reader(fh), None)
        if header is None:
            fields = list(row)
            text = _row_text(fields, dict(zip(fields, fields))) + _row_text(fields, row)
            _append(path, text)
        elif all(k in header for k in row):
            _append(path, _row_text(header, row))
        else:  # widen the header: rewrite atomically
            fields = header + [k for k in row if k not in header]
            with open(path, newline="", encoding="utf-8") as fh:
                old = list(csv.DictReader(fh))
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
                w.writeheader()
                w.writerows(old)
                w.writerow(row)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
    return path


def _append(path: Path, text: str):
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_answers(app: str):
    """All saved answers of one app as a DataFrame (empty if none yet)."""
    import pandas as pd

    path = answers_path(app)
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame()
    with _locked(path):
        return pd.read_csv(path)


def answers_csv_bytes(app: str) -> bytes:
    """The app's answers file as bytes (a header-only file if nobody has saved yet)."""
    path = answers_path(app)
    if not path.exists():
        return b"saved_at\n"
    with _locked(path):
        return path.read_bytes()


def log_error(where: str, exc: BaseException):
    """Log an unexpected error with its traceback to ``workshop.log`` in the workshop folder."""
    try:
        logfile = workshop_dir() / "workshop.log"
        if not any(getattr(h, "baseFilename", None) == str(logfile) for h in log.handlers):
            handler = logging.FileHandler(logfile, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            log.addHandler(handler)
    except OSError:
        pass
    log.error("%s failed", where, exc_info=(type(exc), exc, exc.__traceback__))
