"""The submission fingerprint and the grading log, function by function (no course, no nbgrader).

These decide whether a recorded submission is graded again (``_plan.plan``): a submission is
skipped only when the log's latest record for (assignment, student) has the folder's current
fingerprint. The contracts, stated from that use rather than from the code:

- ``fingerprint(folder)`` changes whenever any file below the folder is added, removed, renamed
  or edited, and only then (not when the folder itself moves, not for an empty sub-folder);
- ``read_log(path)`` gives the *latest* record per (assignment, student), skips a line cut short
  by a crash wherever it is, and is empty for a log that does not exist yet;
- ``append_log(path, outcome)`` adds exactly one JSON line holding every field of the outcome,
  after whatever is there already.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil

from sme_teach.grading._discover import fingerprint
from sme_teach.grading._log import Outcome, append_log, read_log


def _tree(root, files: dict):
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode())
    return root


def test_fingerprint_is_a_sha256_that_depends_only_on_names_and_bytes(tmp_path):
    a = _tree(tmp_path / "a", {"ps1.ipynb": "{}", "data/x.csv": "1,2"})
    b = _tree(tmp_path / "elsewhere" / "b", {"data/x.csv": "1,2", "ps1.ipynb": "{}"})  # other order, place
    fa = fingerprint(a)
    assert len(fa) == 64 and int(fa, 16) >= 0  # a hex SHA-256 digest
    assert fingerprint(b) == fa, "the same files (names relative to the folder) give the same fingerprint"
    shutil.move(str(a), str(tmp_path / "moved"))
    assert fingerprint(tmp_path / "moved") == fa, "moving the submission folder is not a change"
    (tmp_path / "moved" / "empty").mkdir()
    assert fingerprint(tmp_path / "moved") == fa, "only files count, not an empty folder"


def test_fingerprint_changes_on_every_kind_of_edit(tmp_path):
    base = {"ps1.ipynb": "{}", "data/x.csv": "1,2"}
    ref = fingerprint(_tree(tmp_path / "ref", base))
    edits = {
        "content edited": {"ps1.ipynb": "{ }", "data/x.csv": "1,2"},
        "file in a sub-folder edited": {"ps1.ipynb": "{}", "data/x.csv": "1,3"},
        "file added": {**base, "notes.txt": ""},
        "file removed": {"ps1.ipynb": "{}"},
        "file renamed": {"ps1.ipynb": "{}", "data/y.csv": "1,2"},
        "file moved to another folder": {"ps1.ipynb": "{}", "x.csv": "1,2"},
    }
    seen = {ref}
    for i, (what, files) in enumerate(edits.items()):
        fp = fingerprint(_tree(tmp_path / f"e{i}", files))
        assert fp not in seen, what
        seen.add(fp)


def test_fingerprint_keeps_names_and_contents_apart(tmp_path):
    # the same bytes in a row, split differently between a file's name and its content
    one = fingerprint(_tree(tmp_path / "one", {"ab": "c"}))
    two = fingerprint(_tree(tmp_path / "two", {"a": "bc"}))
    assert one != two
    # and the digest is not just of the contents or just of the names
    assert fingerprint(_tree(tmp_path / "five", {"b": "c"})) != one
    assert one != hashlib.sha256(b"c").hexdigest() and one != hashlib.sha256(b"ab").hexdigest()


def test_fingerprint_tells_a_nul_in_a_file_from_a_file_boundary(tmp_path):
    """A file holding NUL bytes is not the same submission as an empty file followed by another."""
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "a").write_bytes(b"b\0c")
    two = _tree(tmp_path / "two", {"a": "", "b": "c"})
    assert fingerprint(tmp_path / "one") != fingerprint(two)


def test_fingerprint_of_an_empty_folder_is_the_empty_digest(tmp_path):
    # nothing to hash: SHA-256 of no bytes (FIPS 180-4 test value)
    (tmp_path / "none").mkdir()
    assert fingerprint(tmp_path / "none") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def _outcome(student, assignment="ps1", **kw):
    return Outcome(student=student, assignment=assignment, status=kw.pop("status", "graded"), **kw)


def test_read_log_of_no_log_is_empty(tmp_path):
    assert read_log(tmp_path / "grading_log.jsonl") == {}
    (tmp_path / "dir.jsonl").mkdir()  # not a file either
    assert read_log(tmp_path / "dir.jsonl") == {}


def test_append_then_read_keeps_the_latest_record_per_assignment_and_student(tmp_path):
    log = tmp_path / "grading_log.jsonl"
    append_log(log, _outcome("ann", score=6.0, fingerprint="f1"))
    append_log(log, _outcome("bob", score=8.0, fingerprint="f2"))
    append_log(log, _outcome("ann", assignment="ps2", score=1.0, fingerprint="f3"))
    append_log(log, _outcome("ann", score=7.0, fingerprint="f4", notes=["grade cells deleted: q2"]))
    lines = log.read_text().splitlines()
    assert len(lines) == 4, "one line per outcome, appended"
    assert json.loads(lines[0]) == dataclasses.asdict(_outcome("ann", score=6.0, fingerprint="f1"))
    latest = read_log(log)
    assert sorted(latest) == [("ps1", "ann"), ("ps1", "bob"), ("ps2", "ann")]
    assert latest[("ps1", "ann")]["score"] == 7.0 and latest[("ps1", "ann")]["fingerprint"] == "f4"
    assert latest[("ps1", "ann")]["notes"] == ["grade cells deleted: q2"]
    assert latest[("ps1", "bob")] == dataclasses.asdict(_outcome("bob", score=8.0, fingerprint="f2"))
    assert latest[("ps2", "ann")]["score"] == 1.0


def test_append_log_adds_after_existing_lines_and_ends_each_with_a_newline(tmp_path):
    log = tmp_path / "grading_log.jsonl"
    log.write_text('{"assignment": "ps1", "student": "old", "fingerprint": "x"}\n')
    append_log(log, _outcome("new", status="failed", reason="not valid JSON"))
    text = log.read_text()
    assert text.endswith("\n") and text.count("\n") == 2
    assert text.startswith('{"assignment": "ps1", "student": "old"')
    assert set(read_log(log)) == {("ps1", "old"), ("ps1", "new")}
    assert read_log(log)[("ps1", "new")]["status"] == "failed"


def test_read_log_skips_cut_lines_anywhere_and_reads_on(tmp_path):
    log = tmp_path / "grading_log.jsonl"
    good = [json.dumps({"assignment": "ps1", "student": s, "fingerprint": s * 2}) for s in ("a", "b", "c")]
    log.write_text("\n".join(['{"assignment": "ps1", "stu', good[0], '{"assign', good[1], "", good[2], "{"]) + "\n")
    assert read_log(log) == {("ps1", s): {"assignment": "ps1", "student": s, "fingerprint": s * 2}
                             for s in ("a", "b", "c")}
