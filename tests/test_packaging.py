"""The two-command set-up, the package metadata and the import-cost promise."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request

import pytest
import yaml

from conftest import REPO, free_port

# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, f"cannot parse requirement {req!r}"
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(r) for r in project["dependencies"])
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = {}
    pip_section = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section += dep.get("pip", [])
            continue
        name, spec = _split(dep)
        if name in {"python", "pip"}:
            continue
        conda[CONDA_TO_PYPI.get(name, name)] = spec
    assert "-e ." in pip_section, "environment.yml must install the course package itself (pip: -e .)"
    missing = sorted(set(wanted) - set(conda))
    extra = sorted(set(conda) - set(wanted))
    assert not missing and not extra, (
        f"environment.yml and pyproject.toml drifted: missing from environment.yml {missing}, "
        f"only in environment.yml {extra}"
    )
    differ = {n: (wanted[n], conda[n]) for n in wanted if wanted[n] != conda[n]}
    assert not differ, f"version bounds differ (pyproject, environment.yml): {differ}"
    py = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert py.replace(" ", "") == "python" + project["requires-python"].replace(" ", "")


def test_readme_quick_start_is_two_commands():
    text = (REPO / "README.md").read_text()
    block = re.search(r"## Quick start.*?```(?:bash|sh)?\n(.*?)```", text, re.S)
    assert block, "README.md needs a '## Quick start' section with a code block"
    commands = [line.strip() for line in block.group(1).splitlines() if line.strip() and not line.strip().startswith("#")]
    assert commands == ["make lab", "make test"], commands


def test_ci_runs_make_test():
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^\s*make test\b", ci, re.M), ".ci/run must call the README's test command"


def test_console_script_installed():
    exe = os.path.join(os.path.dirname(sys.executable), "sme-teach")
    assert os.path.exists(exe), "the sme-teach console script is not installed in the venv"
    out = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "usage" in out.stdout.lower()


HEAVY = ("matplotlib", "seaborn", "ipywidgets", "IPython", "nbgrader", "networkx", "scipy", "tqdm")


@pytest.mark.parametrize(
    "statement, forbidden",
    [
        ("import sme_teach", HEAVY),
        # the core may use networkx/scipy lazily, but never widgets or plotting
        ("import sme_teach.frameworks, sme_teach.measures, sme_teach.datasets", HEAVY[:5]),
    ],
)
def test_import_is_light(statement, forbidden):
    code = f"{statement}\nimport sys\nprint(sorted({{m.split('.')[0] for m in sys.modules}}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.returncode == 0, out.stderr
    loaded = eval(out.stdout.strip().splitlines()[-1])
    bad = sorted(set(forbidden) & set(loaded))
    assert not bad, f"`{statement}` imports {bad}; the core must import no widget or plotting library"


def test_make_lab_serves_jupyterlab():
    port = free_port()
    token = "sme-teach-test"
    args = f"--no-browser --port={port} --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token}"
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=5) as resp:
                    status = resp.status
                    page = resp.read().decode()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        if status != 200:
            _stop_group(proc)
            pytest.fail(f"JupyterLab did not answer on /lab; make lab exited with {proc.poll()}:\n{proc.stdout.read()[-3000:]}")
        assert "JupyterLab" in page
        # the course's start page is served from the lab's root
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/contents/START_HERE.md?token={token}", timeout=10
        ) as resp:
            assert resp.status == 200
        # students see the course in the file browser, not the project's machinery
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/?token={token}", timeout=10) as resp:
            names = {item["name"] for item in json.load(resp)["content"]}
        assert {"lessons", "assignments", "course", "START_HERE.md"} <= names, names
        assert not names & {"tests", "bench", "scripts", "sme_teach.egg-info"}, names
        # START_HERE.md (and any Markdown) opens rendered, not as source in the editor
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab/api/settings/"
                                    f"@jupyterlab/docmanager-extension:plugin?token={token}", timeout=10) as resp:
            viewers = json.load(resp)["schema"]["properties"]["defaultViewers"]  # overrides set defaults
        assert viewers.get("default", {}).get("markdown") == "Markdown Preview", viewers
    finally:
        _stop_group(proc)


def _stop_group(proc):
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
