"""One machine, no hub: the Assignments tab of a JupyterLab started at the repository root (make lab)
lists and fetches what `sme-teach release` released, through the exchange under assignments/.

A real JupyterLab with nbgrader's server extension, a real release; the tab's own HTTP API is called
(the page calls the same URLs). Issue 16: the tab said "Error fetching courses!" and "exchange
directory does not exist" on a machine without /srv/nbgrader/exchange.
"""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO

A = "a1_stages_networks"


def _get(base, token, path):
    req = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def _post(base, token, path):
    req = urllib.request.Request(f"{base}{path}", method="POST", data=b"",
                                 headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """The parts of a fresh clone nbgrader reads: both config files and the assignments' sources."""
    root = tmp_path_factory.mktemp("clone")
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "assignments").mkdir()
    shutil.copy(REPO / "assignments" / "nbgrader_config.py", root / "assignments" / "nbgrader_config.py")
    shutil.copytree(REPO / "assignments" / "source" / A, root / "assignments" / "source" / A)
    return root


def test_root_config_points_lab_at_the_course_and_its_exchange(clone, monkeypatch):
    from nbgrader.apps import NbGrader

    monkeypatch.chdir(clone)
    app = NbGrader()
    app.config_file_paths[:] = [str(clone)]  # what the tab's handler loads from the lab's root folder
    app.load_config_file()
    assert app.config.CourseDirectory.course_id == "sme_teach"
    assert app.config.CourseDirectory.root == str(clone / "assignments")
    if Path("/srv/nbgrader/exchange").is_dir():
        pytest.skip("this machine has nbgrader's shared exchange, which the course config then uses")
    assert app.config.Exchange.root == str(clone / "assignments" / "exchange")
    assert (clone / "assignments" / "exchange").is_dir(), "the local exchange is made by the config"
    assert app.config.Exchange.assignment_dir == str(clone)


def test_assignments_tab_lists_and_fetches_a_released_assignment(clone, test_output):
    if Path("/srv/nbgrader/exchange").is_dir():
        pytest.skip("this machine has nbgrader's shared exchange; releasing here would write to it")
    from _lab import jupyter_lab

    from sme_teach import grading

    with jupyter_lab(clone, log_path=test_output / "lab-nbgrader-exchange.log") as (base, token):
        before = _get(base, token, "/courses")
        assert before["success"], f"the Assignments tab's course list fails: {before['value'][:300]}"
        out = grading.release(A, clone / "assignments")
        assert out["released_to_exchange"], "sme-teach release did not use the configured local exchange"
        courses = _get(base, token, "/courses")
        assert courses == {"success": True, "value": ["sme_teach"]}, courses
        listed = _get(base, token, "/assignments?course_id=sme_teach")
        assert listed["success"], listed["value"][:300]
        assert [(a["assignment_id"], a["status"]) for a in listed["value"]] == [(A, "released")], listed
        fetched = _post(base, token, f"/assignments/fetch?course_id=sme_teach&assignment_id={A}")
        assert fetched["success"], fetched["value"][:300] if isinstance(fetched["value"], str) else fetched
    assert (clone / A / f"{A}.ipynb").is_file(), f"fetched files are not beside lessons/: {sorted(clone.iterdir())}"
