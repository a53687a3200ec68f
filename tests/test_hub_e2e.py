"""End to end on a real JupyterHub: real Linux users, their own servers, nbgrader's exchange.

The hub is course/deploy/jupyterhub_config.py (PAM + LocalProcessSpawner) pointed at a temporary
folder, on loopback ports. The test creates an instructor and three students with ``useradd``, starts
every user's server through the hub's REST API and checks that each runs as its own Linux user. The
nbgrader cycle is driven as each user with ``runuser -u USER -- nbgrader ...`` (and ``sme-teach``)
against the shared exchange (mode 1777), exactly the commands a user would type in their server's
terminal: release → fetch → submit → collect → ``sme-teach grade`` → ``sme-teach feedback`` +
``nbgrader release_feedback`` → ``fetch_feedback``. Then file permissions are checked as a student,
and grading is repeated on a PostgreSQL gradebook (a throwaway server on loopback, two instructors
grading at the same time) whose scores must equal the SQLite run's.

Needs root, useradd/runuser and what ``scripts/ensure_hub_deps.sh`` installs (``make test`` runs it);
skips with the reason otherwise. Users, servers, the hub and PostgreSQL are removed even on failure.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, free_port

pytestmark = [pytest.mark.hub, pytest.mark.slow]

USER_ENV = REPO / ".venv" / "userenv"
CHP = REPO / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
DEPLOY_CONFIG = REPO / "course" / "deploy" / "jupyterhub_config.py"
FIXTURE = REPO / "tests" / "fixtures" / "course"
COURSE_ID = "sme-fixture"
ASSIGNMENT = "ps1"
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
# what each student writes: (q1 solution?, q2 solution?) -> expected auto score out of 8
WORK = {"s1": (True, True), "s2": (True, False), "s3": (False, False)}
EXPECTED = {"s1": 8.0, "s2": 5.0, "s3": 0.0}
# the notebook is worth 8 autograded + 3 manually graded points (tests/fixtures/make_course.py)
MAX_SCORE = 11.0


def _skip_reason() -> str | None:
    if os.geteuid() != 0:
        return "needs root to create real Linux users (useradd) and run commands as them (runuser)"
    for tool in ("useradd", "userdel", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} not found; this test needs a Linux with shadow-utils/util-linux"
    if not (USER_ENV / "bin" / "nbgrader").exists():
        return f"no user environment at {USER_ENV}; run `bash scripts/ensure_hub_deps.sh` (make test does)"
    if not CHP.exists():
        return f"configurable-http-proxy not at {CHP}; run `bash scripts/ensure_hub_deps.sh`"
    if not PG_BIN:
        return "PostgreSQL server binaries not found (apt-get install postgresql; ensure_hub_deps.sh does)"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "no `postgres` system user (Debian's postgresql package creates it)"
    for folder in [REPO, *REPO.parents]:
        # the users' environment imports sme_teach (editable) and reads datasets/ from this checkout
        if not os.stat(folder).st_mode & 0o001:
            return f"{folder} is not searchable by other users, so the test's students cannot import the course"
    if shutil.which("jupyterhub", path=os.path.dirname(sys.executable)) is None:
        return "jupyterhub is not installed in this environment (it is in the dev extra: make install-dev)"
    return None


class Site:
    """Users, folders and processes the test made; ``close`` removes them all."""

    def __init__(self):
        self.tag = secrets.token_hex(2)
        self.base = Path(tempfile.mkdtemp(prefix="sme-hub-", dir="/tmp"))
        self.base.chmod(0o755)
        self.users: dict[str, str] = {}     # role -> Linux user name
        self.procs: list[subprocess.Popen] = []
        self.pg_data: Path | None = None

    # -- users --------------------------------------------------------------------------------------
    def add_user(self, role: str) -> str:
        name = f"smet{self.tag}{role}"
        home = self.base / "home" / name
        home.parent.mkdir(exist_ok=True, mode=0o755)
        subprocess.run(["useradd", "-m", "-d", str(home), "-s", "/bin/bash", "-U", name], check=True)
        self.users[role] = name
        home.chmod(0o700)  # Debian's default HOME_MODE may be 0755: a course hub must not allow that
        return name

    def home(self, role: str) -> Path:
        return self.base / "home" / self.users[role]

    def env_for(self, role: str) -> list[str]:
        name = self.users[role]
        return ["env", "-i", f"HOME={self.home(role)}", f"USER={name}", f"LOGNAME={name}",
                f"PATH={USER_ENV}/bin:/usr/bin:/bin", "LANG=C.UTF-8", "MPLBACKEND=Agg",
                "PYTHONDONTWRITEBYTECODE=1", "SME_TEACH_GRADING_ZYGOTE=1"]

    def cmd(self, role: str, *args: str) -> list[str]:
        return ["runuser", "-u", self.users[role], "--", *self.env_for(role), *args]

    def run(self, role: str, *args: str, cwd=None, check=True, timeout=240) -> subprocess.CompletedProcess:
        proc = subprocess.run(self.cmd(role, *args), cwd=cwd or self.home(role), capture_output=True,
                              text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"as {role} ({self.users[role]}): {' '.join(args)} exited {proc.returncode}\n"
                                 f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}")
        return proc

    def run_parallel(self, calls: list[tuple[str, tuple, Path | None]], timeout=240) -> None:
        """Run several users' commands at the same time (as a class would)."""
        started = [(role, args, subprocess.Popen(self.cmd(role, *args), cwd=cwd or self.home(role),
                                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
                   for role, args, cwd in calls]
        errors = []
        for role, args, p in started:
            out, _ = p.communicate(timeout=timeout)
            if p.returncode != 0:
                errors.append(f"as {role}: {' '.join(args)} exited {p.returncode}\n{out[-3000:]}")
        assert not errors, "\n\n".join(errors)

    def can_read(self, role: str, path: Path) -> bool:
        return self.run(role, "cat", str(path), check=False).returncode == 0

    def can_list(self, role: str, path: Path) -> bool:
        return self.run(role, "ls", str(path), check=False).returncode == 0

    def write_file(self, role: str, path: Path, text: str, mode: int = 0o644) -> None:
        """Write ``path`` (under ``role``'s home) owned by that user, creating folders as theirs."""
        home = self.home(role)
        missing = [p for p in path.relative_to(home).parents if p != Path(".") and not (home / p).exists()]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(mode)
        for target in [path, *(home / p for p in missing)]:
            shutil.chown(target, self.users[role], self.users[role])

    # -- clean-up -----------------------------------------------------------------------------------
    def close(self) -> None:
        for p in reversed(self.procs):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait(timeout=10)
        if self.pg_data is not None and (self.pg_data / "postmaster.pid").exists():
            subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN[-1]}/pg_ctl", "-D", str(self.pg_data),
                            "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
        for name in self.users.values():
            uid = pwd.getpwnam(name).pw_uid
            for _ in range(20):  # single-user servers, kernels: anything still running as a test user
                pids = subprocess.run(["pgrep", "-u", str(uid)], capture_output=True, text=True).stdout.split()
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                time.sleep(0.2)
            subprocess.run(["userdel", "-r", "-f", name], capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def site():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    s = Site()
    try:
        yield s
    finally:
        s.close()


# -- the hub ----------------------------------------------------------------------------------------
def _api(url: str, token: str, method: str = "GET", body=None, timeout=30):
    req = urllib.request.Request(url, method=method, headers={"Authorization": f"token {token}"},
                                 data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
        return resp.status, (json.loads(raw) if raw.strip() else None)


def _start_hub(site: Site) -> tuple[str, str]:
    state = site.base / "hub"
    state.mkdir(mode=0o700)
    port, hub_port, proxy_api = free_port(), free_port(), free_port()
    token = secrets.token_hex(16)
    (state / "test_config.py").write_text(textwrap.dedent(f"""
        load_subconfig({str(DEPLOY_CONFIG)!r})
        c = get_config()
        c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
        c.JupyterHub.hub_ip = "127.0.0.1"
        c.JupyterHub.hub_port = {hub_port}
        c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api}"
        c.Authenticator.allowed_users = {set(site.users.values())!r}
        c.Authenticator.admin_users = {{{site.users['i']!r}}}
        c.JupyterHub.services = [{{"name": "e2e", "api_token": {token!r}}}]
        c.JupyterHub.load_roles = [{{"name": "e2e", "services": ["e2e"],
            "scopes": ["admin:users", "admin:servers", "admin:server_state", "access:servers"]}}]
        """))
    env = {"PATH": f"{os.path.dirname(sys.executable)}:{CHP.parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
           "HOME": str(state), "SME_TEACH_USER_ENV": str(USER_ENV), "SME_TEACH_EXCHANGE": str(site.base / "exchange"),
           "SME_TEACH_HUB_STATE": str(state), "SME_TEACH_CHP": str(CHP)}
    log = open(state / "jupyterhub.log", "w")
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "jupyterhub"), "-f",
                             str(state / "test_config.py")], cwd=state, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    site.procs.append(proc)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            _api(f"{url}/hub/api/", token)
            return url, token
        except (urllib.error.URLError, ConnectionError, OSError):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("JupyterHub did not start:\n" + (state / "jupyterhub.log").read_text()[-4000:])
            time.sleep(0.5)


def _start_servers(site: Site, url: str, token: str) -> dict[str, int]:
    """Start every user's server through the REST API; return role -> server pid."""
    for name in site.users.values():
        status, _ = _api(f"{url}/hub/api/users/{name}/server", token, "POST")
        assert status in (201, 202), status
    pids, deadline = {}, time.monotonic() + 180
    while len(pids) < len(site.users):
        for role, name in site.users.items():
            _, model = _api(f"{url}/hub/api/users/{name}", token)
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                pids[role] = server["state"]["pid"]
        if time.monotonic() > deadline:
            raise AssertionError(f"servers not ready after 180 s: only {sorted(pids)}\n"
                                 + (site.base / "hub" / "jupyterhub.log").read_text()[-4000:])
        time.sleep(1)
    return pids


def _uid_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for pid {pid}")


# -- the course -------------------------------------------------------------------------------------
def _course_config(db_url: str, exchange: Path | None) -> str:
    lines = ["import os", "c = get_config()  # noqa: F821", "HERE = os.path.dirname(os.path.abspath(__file__))",
             f"c.CourseDirectory.course_id = {COURSE_ID!r}", "c.CourseDirectory.root = HERE",
             f"c.CourseDirectory.db_url = {db_url!r}", "c.Execute.timeout = 60"]
    if exchange is not None:
        lines.append(f"c.Exchange.root = {str(exchange)!r}")
    return "\n".join(lines) + "\n"


STUDENT_WORK = r"""
import sys, nbformat
path, name, q1, q2 = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4] == "1"
nb = nbformat.read(path, as_version=4)
answers = {"q1_share": "return float(exports.max() / exports.sum())  # work of " + name,
           "q2_hhi": "shares = np.asarray(shares, dtype=float); return float((shares ** 2).sum())"}
for cell in nb.cells:
    gid = cell.metadata.get("nbgrader", {}).get("grade_id")
    if gid == "q1_share":
        cell.source = cell.source.replace("raise NotImplementedError()", answers[gid] if q1 else "pass  # work of " + name)
    elif gid == "q2_hhi" and q2:
        cell.source = cell.source.replace("raise NotImplementedError()", answers[gid])
    elif gid == "q3_written":
        cell.source = "More exposed: a high HHI means most sales come from one market (" + name + ")."
nbformat.write(nb, path)
"""

SCORES = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
from nbgrader.api import Gradebook
out = {}
with Gradebook(sys.argv[1], sys.argv[2]) as gb:
    for sub in gb.assignment_submissions(sys.argv[3]):
        cells = {g.name: g.score for nb in sub.notebooks for g in nb.grades}
        out[sub.student_id] = {"score": sub.score, "max": sub.max_score, "cells": cells}
print(json.dumps(out))
"""


def _scores(site: Site, db_url: str) -> dict:
    proc = site.run("i", "python", "-c", SCORES, db_url, COURSE_ID, ASSIGNMENT)
    raw = json.loads(proc.stdout.strip().splitlines()[-1])
    return {student[len(f"smet{site.tag}"):]: v for student, v in raw.items()}


def _start_postgres(site: Site) -> tuple[str, int]:
    """A throwaway PostgreSQL on 127.0.0.1 with a password-protected role for the instructor."""
    pg = site.base / "pg"
    pg.mkdir(mode=0o700)
    shutil.chown(pg, "postgres", "postgres")
    site.pg_data = pg / "data"
    port = free_port()
    as_pg = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_pg, f"{PG_BIN[-1]}/initdb", "-D", str(site.pg_data), "-U", "postgres",
                    "--auth-local=peer", "--auth-host=scram-sha-256", "-E", "UTF8"],
                   check=True, capture_output=True, timeout=120)
    subprocess.run([*as_pg, f"{PG_BIN[-1]}/pg_ctl", "-D", str(site.pg_data), "-l", str(pg / "server.log"), "-w",
                    "-o", f"-p {port} -c listen_addresses=127.0.0.1 -k {pg}", "start"],
                   check=True, capture_output=True, timeout=120)
    password = secrets.token_hex(12)
    role = site.users["i"]
    sql = (f"CREATE ROLE {role} LOGIN PASSWORD '{password}'; "
           f"CREATE DATABASE gradebook OWNER {role};")
    for stmt in sql.split("; "):
        subprocess.run([*as_pg, "psql", "-h", str(pg), "-p", str(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1",
                        "-c", stmt.rstrip(";")], check=True, capture_output=True, timeout=60)
    return f"postgresql://{role}:{password}@127.0.0.1:{port}/gradebook", port


# -- the test ---------------------------------------------------------------------------------------
def test_nbgrader_cycle_on_jupyterhub(site: Site):
    t0 = time.monotonic()
    timings = {}

    def mark(step):
        timings[step] = round(time.monotonic() - t0, 1)
        print(f"[hub e2e] {timings[step]:6.1f} s  {step}", flush=True)
    for role in ("i", *WORK):
        site.add_user(role)
    exchange = site.base / "exchange"

    # 1. the hub (deploy config, PAM + LocalProcessSpawner) and every user's server, as that user
    url, token = _start_hub(site)
    assert oct(exchange.stat().st_mode & 0o7777) == "0o1777", "the hub makes the exchange world-writable sticky"
    pids = _start_servers(site, url, token)
    for role, pid in pids.items():
        assert _uid_of(pid) == pwd.getpwnam(site.users[role]).pw_uid, f"{role}'s server is not running as {role}"
    mark("hub and 4 servers")

    # 2. the instructor's course (in their 0700 home) releases ps1 to the exchange
    course = site.home("i") / "course"
    site.run("i", "mkdir", "-p", str(course))
    site.run("i", "cp", "-r", str(FIXTURE / "source"), str(course))
    sqlite_url = f"sqlite:///{course / 'gradebook.db'}"
    site.write_file("i", course / "nbgrader_config.py", _course_config(sqlite_url, exchange), 0o600)
    out = site.run("i", "sme-teach", "release", ASSIGNMENT, cwd=course)
    assert "released it to the exchange" in out.stdout, out.stdout
    assert (exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    mark("release")

    # 3. students: config pointing at the exchange, fetch (at the same time), work, submit
    for s in WORK:
        site.write_file(s, site.home(s) / ".jupyter" / "nbgrader_config.py",
                        f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n"
                        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n")
    site.run_parallel([(s, ("nbgrader", "fetch_assignment", ASSIGNMENT), None) for s in WORK])
    # each student's own server sees the fetched notebook in their home (server API, as that user)
    for s in WORK:
        _, listing = _api(f"{url}/user/{site.users[s]}/api/contents/{ASSIGNMENT}", token)
        assert f"{ASSIGNMENT}.ipynb" in [item["name"] for item in listing["content"]]
    site.run_parallel([(s, ("python", "-c", STUDENT_WORK, str(site.home(s) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
                            site.users[s], str(int(q1)), str(int(q2))), None) for s, (q1, q2) in WORK.items()])
    site.run_parallel([(s, ("nbgrader", "submit", ASSIGNMENT), None) for s in WORK])
    mark("release, fetch, submit")

    # 4. instructor: collect, grade (sme-teach, SQLite gradebook), feedback, release feedback
    site.run("i", "nbgrader", "collect", ASSIGNMENT, cwd=course)
    mark("collect")
    site.run("i", "sme-teach", "grade", ASSIGNMENT, "--jobs", "2", "--no-progress", cwd=course)
    mark("grade (SQLite)")
    sqlite_scores = _scores(site, sqlite_url)
    assert {s: v["score"] for s, v in sqlite_scores.items()} == EXPECTED, sqlite_scores
    site.run("i", "sme-teach", "feedback", ASSIGNMENT, cwd=course)
    site.run("i", "nbgrader", "release_feedback", ASSIGNMENT, cwd=course)
    mark("collect, grade, feedback")

    # 5. students fetch their feedback
    site.run_parallel([(s, ("nbgrader", "fetch_feedback", ASSIGNMENT), None) for s in WORK])
    feedback = {}
    for s in WORK:
        files = sorted((site.home(s) / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
        assert len(files) == 1, f"{s} should get exactly one feedback file, got {files}"
        feedback[s] = files[0]
        html = site.run(s, "cat", str(files[0])).stdout   # readable by its owner
        assert f"work of {site.users[s]}" in html, f"{s}'s feedback is not about {s}'s own submission"
        for other in set(WORK) - {s}:
            assert site.users[other] not in html, f"{s}'s feedback mentions {other}"
        # nbgrader's feedback header: "<notebook> (Score: <score> / <max>)", numbers as round(2) floats
        header = re.search(rf"{ASSIGNMENT} \(Score: ([0-9.]+) / ([0-9.]+)\)", html)
        assert header, f"{s}'s feedback has no score header"
        assert (float(header.group(1)), float(header.group(2))) == (EXPECTED[s], MAX_SCORE), header.group(0)
        assert "_hidden_expected_share" not in html, "hidden test source leaked into feedback"

    mark("fetch feedback")

    # 6. what a student cannot read (checked as the student, with the student's own permissions)
    s1 = "s1"
    assert not site.can_read(s1, feedback["s2"]), "s1 can read s2's feedback"
    assert not site.can_read(s1, site.home("s2") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), "s1 can read s2's work"
    s2_submitted = course / "submitted" / site.users["s2"] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert s2_submitted.is_file()
    assert not site.can_read(s1, s2_submitted), "s1 can read s2's collected submission"
    assert not site.can_read(s1, course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), "s1 can read the source"
    assert not site.can_read(s1, course / "gradebook.db"), "s1 can read the gradebook"
    assert not site.can_read(s1, course / "nbgrader_config.py"), "s1 can read the course config"
    # the exchange: s1 cannot list anyone's submissions or the released feedback files
    assert not site.can_list(s1, exchange / COURSE_ID / "inbound"), "s1 can list the inbound submissions"
    assert not site.can_list(s1, exchange / COURSE_ID / "feedback"), "s1 can list the released feedback"
    # (nbgrader's design: a submission in inbound/ is readable by path, but the path ends in a random
    # string only its author and the instructor can see; s1 cannot find it)
    assert site.can_read(s1, feedback["s1"]), "control: s1 must read their own feedback"

    mark("permission checks")

    # 7. the same grading on PostgreSQL, two instructors' processes at once (one per group of students)
    pg_url, _ = _start_postgres(site)
    course_pg = site.home("i") / "course_pg"
    site.run("i", "mkdir", "-p", str(course_pg))
    site.run("i", "cp", "-r", str(course / "source"), str(course / "submitted"), str(course_pg))
    site.write_file("i", course_pg / "nbgrader_config.py", _course_config(pg_url, None), 0o600)
    site.run("i", "nbgrader", "generate_assignment", ASSIGNMENT, "--force", cwd=course_pg)
    u = site.users
    site.run_parallel([
        ("i", ("sme-teach", "grade", ASSIGNMENT, "--jobs", "1", "--no-progress", "--student", u["s1"]), course_pg),
        ("i", ("sme-teach", "grade", ASSIGNMENT, "--jobs", "1", "--no-progress", "--student", u["s2"],
               "--student", u["s3"]), course_pg),
    ])
    pg_scores = _scores(site, pg_url)
    assert pg_scores == sqlite_scores, f"PostgreSQL {pg_scores} != SQLite {sqlite_scores}"
    assert not (course_pg / "gradebook.db").exists(), "grading on PostgreSQL must not create a SQLite gradebook"
    mark("postgres grading")
