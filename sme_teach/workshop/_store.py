"""Where the workshop keeps participants' answers: one CSV per app, one row per participant, under a lock."""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import os
import tempfile
import time
import unicodedata
from pathlib import Path

__all__ = ["workshop_dir", "append_answers", "participant_key", "safe_cell", "read_answers", "answers_csv_bytes", "answers_path", "log_error"]

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


#: The answers file's encoding: UTF-8 with a byte-order mark, so Excel shows Bengali (and reads it back).
ENCODING = "utf-8-sig"
#: Cells starting with these are formulas to Excel/LibreOffice (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_META_LABELS = {"saved_at": "Saved at", "participant": "Participant (firm | owner)", "firm": "Firm",
                "owner": "Owner"}


def safe_cell(value):
    r"""A cell that a spreadsheet shows as text, never runs: a leading ``'`` before ``= + - @`` etc.

    Numbers are left alone (``-3`` stays a number).

    >>> safe_cell('=HYPERLINK("http://x","click")'), safe_cell("Rupsha"), safe_cell(-3)
    ('\'=HYPERLINK("http://x","click")', 'Rupsha', -3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START + ("'",)):
        return "'" + value
    return value


def _unsafe_cell(value):
    """The inverse of :func:`safe_cell` on a cell read back as text."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_FORMULA_START + ("'",)):
        return value[1:]
    return value


def participant_key(row: dict) -> str:
    """Who a row belongs to: firm and owner, case, width and spacing ignored (``"firm | owner"``).

    Saving again under the same key replaces that participant's row.

    >>> participant_key({"firm": "  Rupsha  Jute ", "owner": "MRS AKTER"})
    'rupsha jute | mrs akter'
    """
    def norm(v):
        return " ".join(unicodedata.normalize("NFKC", str(v or "")).casefold().split())
    return f"{norm(row.get('firm'))} | {norm(row.get('owner'))}"


def _header(col: str, labels: dict) -> str:
    """``"<question text> [<id>]"``: the words for Excel, the stable id for code, in one cell."""
    label = labels.get(col) or _META_LABELS.get(col)
    return f"{' '.join(str(label).split())} [{col}]" if label and label != col else col


def _column_id(header: str) -> str:
    header = header.strip()
    if header.endswith("]") and " [" in header:
        return header[header.rindex(" [") + 2:-1]
    return header


def _read_table(path: Path) -> tuple[list[str], dict, list[dict]]:
    """(column ids, id → header cell, rows as id → text) of an answers file; empty if none."""
    if not path.exists() or path.stat().st_size == 0:
        return [], {}, []
    with open(path, newline="", encoding=ENCODING) as fh:
        reader = csv.reader(fh)
        header = next(reader, None) or []
        ids = [_column_id(h) for h in header]
        rows = [dict(zip(ids, r)) for r in reader if r]
    return ids, dict(zip(ids, header)), rows


def append_answers(app: str, row: dict, labels: dict | None = None, replaces: str | None = None) -> Path:
    r"""Save one participant's answers in the app's CSV: one row per participant, safely when many save at once.

    The row gets ``saved_at`` and ``participant`` (:func:`participant_key`). A row already in
    the file with the same participant, or with the key ``replaces`` (the same page saved
    before under a name since corrected), is replaced, so saving twice never duplicates.
    The file is UTF-8 with a byte-order mark; each header cell is the question's words with
    the stable column id in brackets (``"I know which markets I want to sell to [cur_1]"``;
    ``labels`` maps id → words); text cells are formula-safe (:func:`safe_cell`). A column
    new to the file widens the header; no answer is ever lost. Under an exclusive lock the
    whole file is written to a temporary file and swapped in with :func:`os.replace`, so
    readers never see half a file.

    Returns the CSV path.

    >>> import os, tempfile
    >>> os.environ["SME_TEACH_WORKSHOP_DIR"] = tempfile.mkdtemp()
    >>> _ = append_answers("demo", {"firm": "Rupsha Jute", "q1": 4}, labels={"q1": "Question one"})
    >>> _ = append_answers("demo", {"firm": "Mongla Fish", "q1": 2, "q2": 5})
    >>> _ = append_answers("demo", {"firm": "Rupsha Jute", "q1": 5})
    >>> saved = read_answers("demo")
    >>> saved["firm"].tolist(), saved["q1"].tolist(), saved["q2"].isna().tolist()
    (['Mongla Fish', 'Rupsha Jute'], [2, 5], [False, True])
    >>> answers_csv_bytes("demo").splitlines()[0]
    b'\xef\xbb\xbfSaved at [saved_at],Participant (firm | owner) [participant],Firm [firm],Question one [q1],q2'
    >>> del os.environ["SME_TEACH_WORKSHOP_DIR"]
    """
    path = answers_path(app)
    row = {str(k): v for k, v in row.items()}
    key = participant_key(row)
    row = {"saved_at": time.strftime("%Y-%m-%d %H:%M:%S"), "participant": key, **row}
    labels = {str(k): v for k, v in (labels or {}).items()}
    drop = {key} | ({replaces} if replaces else set())
    with _locked(path):
        ids, headers, rows = _read_table(path)
        rows = [r for r in rows  # cells are stored formula-safe: compare the key as it was given
                if _unsafe_cell(r.get("participant") or participant_key({k: _unsafe_cell(v) for k, v in r.items()}))
                not in drop]
        fields = ids + [k for k in row if k not in ids]
        rows.append({k: ("" if v is None else safe_cell(v)) for k, v in row.items()})
        header = [_header(f, labels) if f in labels or f not in headers else headers[f] for f in fields]
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", newline="", encoding=ENCODING) as fh:
                w = csv.writer(fh, lineterminator="\r\n")
                w.writerow(header)
                w.writerows([[r.get(f, "") for f in fields] for r in rows])
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    return path


def read_answers(app: str):
    """All saved answers of one app as a DataFrame, columns named by id (empty if none yet)."""
    import pandas as pd

    path = answers_path(app)
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame()
    with _locked(path):
        frame = pd.read_csv(path, encoding=ENCODING, dtype=object, keep_default_na=False)
    frame.columns = [_column_id(c) for c in frame.columns]
    frame = frame.map(_unsafe_cell).replace("", None)
    for col in frame.columns:  # numbers back to numbers, text stays text
        num = pd.to_numeric(frame[col], errors="coerce")
        if num.notna().sum() == frame[col].notna().sum() and frame[col].notna().any():
            frame[col] = num.astype("Int64") if (num.dropna() % 1 == 0).all() else num
    return frame


def answers_csv_bytes(app: str, labels: dict | None = None) -> bytes:
    """The app's answers file as bytes (a header-only file if nobody has saved yet).

    ``labels`` (column id → words, e.g. in Bengali) rewrite the header cells as
    ``"<words> [<id>]"``; the rows are the file's own. Without them, the file as stored.
    """
    path = answers_path(app)
    if not path.exists():
        return f"{_header('saved_at', labels or {})}\r\n".encode(ENCODING)
    with _locked(path):
        data = path.read_bytes()
    if not labels:
        return data
    text = data.decode(ENCODING)
    first, sep, rest = text.partition("\r\n")
    header = next(csv.reader([first]), [])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(
        [_header(_column_id(h), labels) if _column_id(h) in labels else h for h in header])
    return (buf.getvalue() + sep + rest).encode(ENCODING)


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
