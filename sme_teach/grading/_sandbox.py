"""The OS sandbox every graded notebook runs in: bubblewrap namespaces, a private view, limits.

What a student's code sees and may do (issue #18), enforced by the kernel, not by Python:

- **files**: a new mount namespace whose root holds only read-only system and runtime files
  (``/usr`` and the merged ``/bin``/``/lib`` links, a few files of ``/etc``, the Python installation,
  the virtual environment, the installed ``sme_teach`` package and its ``datasets/`` folder), a
  private ``/proc`` (of its own PID namespace), a minimal ``/dev``, empty ``/tmp`` and ``/dev/shm``,
  and the worker's own work folder — the only writable place, holding the current submission's
  staging folder and the kernel's sockets. No course folder (source, release, submitted, autograded,
  feedback, gradebook), no other student's work, no home directory is mounted, so no path — absolute,
  relative or through ``/proc/<pid>/cwd`` of the grader — reaches them;
- **network**: its own network namespace with only a loopback of its own (the kernel is reached
  over ZMQ's IPC transport through socket files in the work folder);
- **processes**: its own PID namespace (it sees no process of the grader), a new session, killed
  with the worker (``--die-with-parent``); before the next notebook every process left in the
  namespace is killed (:meth:`sme_teach.grading._kernels.Zygote.reset`);
- **identity**: a clean environment (``--clearenv`` plus :func:`kernel_environment`), an
  unprivileged uid of its own per worker (:data:`BASE_UID` + worker number) with no capabilities
  and ``no_new_privs``, so it cannot write files of the grader even where a mount were writable,
  nor signal or trace the zygote (which runs as root *inside* the sandbox with only the
  capabilities to change uid, kill and clean up);
- **limits** (:class:`Limits`, ``setrlimit`` in each forked kernel before any student code):
  address space, processes (per uid, hence per worker), file size and CPU seconds.

A lecturer who is not root (a JupyterHub instructor) gets the same namespaces through bubblewrap's
user namespace, but no uid can be switched there: the kernels keep the lecturer's uid (mapped into
the namespace, holding no capability), the zygote gets no capability and makes itself non-dumpable
(``PR_SET_DUMPABLE`` 0), so a kernel can neither trace it nor write its memory to reach the next
student's kernel, and the process limit is the lecturer's current process count plus
:attr:`Limits.processes` (``RLIMIT_NPROC`` counts per real uid, which is the lecturer's).

Where bubblewrap cannot run (not installed, no namespaces), :func:`require` raises
:class:`SandboxUnavailable`; grading then refuses to start unless the lecturer passes
``--unsafe-no-sandbox`` (``grade(..., sandbox=False)``). See the lecturer guide.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ._errors import GradingError

__all__ = ["BASE_UID", "Limits", "Sandbox", "SandboxUnavailable", "available", "kernel_environment", "require"]

#: the sandboxed kernels of worker ``n`` run as uid/gid ``BASE_UID + n`` (a per-worker process count)
BASE_UID = 61000
#: files of /etc a Python kernel needs (dynamic loader, time zone, name service defaults)
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "nsswitch.conf", "hosts",
             "host.conf", "alternatives", "mime.types", "fonts", "ssl/openssl.cnf")
#: capabilities the zygote keeps inside the sandbox: become the kernel uid, kill and clean leftovers
ZYGOTE_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_DAC_OVERRIDE", "CAP_FOWNER")


class SandboxUnavailable(GradingError):
    """No OS sandbox can run here; grading untrusted notebooks without one is refused."""


@dataclasses.dataclass(frozen=True)
class Limits:
    """Resource limits of every sandboxed kernel (``setrlimit``; inherited by what it starts)."""

    memory_bytes: int = 3 * 2**30  # RLIMIT_AS: a pandas kernel maps ~1 GiB before any student code
    processes: int = 96  # RLIMIT_NPROC: threads count too (a kernel has ~10)
    file_bytes: int = 256 * 2**20  # RLIMIT_FSIZE: largest file the notebook may write
    cpu_seconds: int = 600  # RLIMIT_CPU: a backstop; cells are interrupted after the cell timeout
    open_files: int = 1024  # RLIMIT_NOFILE

    def rlimits(self) -> dict:
        return {"RLIMIT_AS": self.memory_bytes, "RLIMIT_NPROC": self.processes, "RLIMIT_FSIZE": self.file_bytes,
                "RLIMIT_CPU": self.cpu_seconds, "RLIMIT_NOFILE": self.open_files, "RLIMIT_CORE": 0}


def bwrap_path() -> str | None:
    return shutil.which("bwrap") or (os.path.exists("/usr/bin/bwrap") and "/usr/bin/bwrap") or None


@functools.lru_cache(maxsize=1)
def _probe() -> str:
    """``""`` if bubblewrap runs a process in new mount, PID and network namespaces here, else why not."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux, this is {sys.platform}"
    bwrap = bwrap_path()
    if bwrap is None:
        return ("bubblewrap (`bwrap`) is not installed: on Debian/Ubuntu `apt-get install bubblewrap` "
                "(the project's `scripts/ensure_sandbox.sh` does it)")
    binds = [a for p in _runtime_paths() for a in ("--ro-bind", p, p)]
    argv = [bwrap, "--unshare-pid", "--unshare-net", "--die-with-parent", "--cap-drop", "ALL", *_system_binds(),
            *binds, "--proc", "/proc", "--dev", "/dev", "--", sys.executable, "-c", "pass"]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not be started: {exc}"
    if proc.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {proc.stderr.strip()[:300] or proc.returncode}"
    return ""


def available() -> bool:
    """Whether graded notebooks can run in the OS sandbox on this machine."""
    return not _probe()


def require() -> None:
    """Raise :class:`SandboxUnavailable` (saying why and what to do) unless the sandbox can run."""
    why = _probe()
    if why:
        raise SandboxUnavailable(
            f"refusing to grade: {why}. Student notebooks are untrusted code; without the sandbox they can "
            "read the course folder, the gradebook and classmates' work. Fix the sandbox, or — only for "
            "notebooks you trust — pass --unsafe-no-sandbox (grade(..., sandbox=False))")


def _system_binds() -> list[str]:
    args = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in ETC_FILES:
        path = os.path.join("/etc", name)
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    return args


def _runtime_paths() -> list[str]:
    """Folders the kernel's Python needs, read-only: the installation, the venv, sme_teach, its data."""
    import sme_teach

    paths = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), os.path.realpath(sys.exec_prefix)}
    package = Path(os.path.realpath(sme_teach.__file__)).parent
    paths.add(str(package))
    data = os.environ.get("SME_TEACH_DATA") or str(package.parent / "datasets")
    if os.path.isdir(data):
        paths.add(os.path.realpath(data))
    # the interpreter the venv links to may live outside sys.base_prefix (e.g. /usr/bin)
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    out = []
    for p in sorted(paths):  # drop paths inside another one, and system folders already bound
        if p.startswith(("/usr/", "/bin", "/lib")) or p == "/usr":
            continue
        if not any(p != q and p.startswith(q + os.sep) for q in paths):
            out.append(p)
    return out


def kernel_environment(workdir, extra: dict | None = None) -> dict:
    """The whole environment of a sandboxed kernel: nothing of the grader's (no tokens, no paths)."""
    env = {
        "PATH": os.pathsep.join([os.path.join(sys.prefix, "bin"), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": "/tmp/home", "USER": "student", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC",
        "TMPDIR": "/tmp", "IPYTHONDIR": "/tmp/ipython", "MPLCONFIGDIR": os.path.join(str(workdir), "mpl"),
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1", "NBGRADER_EXECUTION": "autograde",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline", "VIRTUAL_ENV": sys.prefix,
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }
    if os.environ.get("SME_TEACH_DATA"):
        env["SME_TEACH_DATA"] = os.environ["SME_TEACH_DATA"]
    env.update(extra or {})
    return env


@dataclasses.dataclass
class Sandbox:
    """One worker's sandbox: ``workdir`` (the only writable folder) and the kernels' uid and limits.

    The work folder holds ``run/`` (connection files and IPC sockets), ``mpl/`` (matplotlib's config and
    cache; put back to the grader's font cache after every notebook, :meth:`refresh_cache`)
    and one staging folder per submission; it is bound at its own path, so paths read the same inside
    and outside.
    """

    workdir: Path
    uid: int = BASE_UID
    limits: Limits = dataclasses.field(default_factory=Limits)
    #: root outside: kernels switch to :attr:`uid`; otherwise they keep the lecturer's uid (see module doc)
    privileged: bool = True

    @classmethod
    def create(cls, parent, worker: int = 0, limits: Limits | None = None) -> "Sandbox":
        import tempfile

        workdir = Path(tempfile.mkdtemp(prefix=f"sme-sandbox-{worker}-", dir=str(parent)))
        privileged = os.geteuid() == 0
        uid = BASE_UID + worker if privileged else os.getuid()
        box = cls(workdir, uid, limits or Limits(), privileged)
        for sub in ("run", "mpl"):
            (workdir / sub).mkdir()
        os.chmod(workdir, 0o755)
        box.own(workdir / "run")
        box.refresh_cache()
        return box

    @property
    def run_dir(self) -> Path:
        return self.workdir / "run"

    def own(self, path) -> None:
        """Make ``path`` (a folder of this sandbox) writable by the kernels, and only by them."""
        for dirpath, dirnames, filenames in os.walk(path):
            for name in [dirpath, *(os.path.join(dirpath, f) for f in dirnames + filenames)]:
                try:
                    os.lchown(name, self.uid, self.uid)
                except PermissionError:  # not root: the kernels run as this user anyway
                    return
        os.chmod(path, 0o700)

    def refresh_cache(self) -> None:
        """matplotlib's font list from the grader's cache (else every kernel rebuilds it, seconds)."""
        mpl = self.workdir / "mpl"
        shutil.rmtree(mpl, ignore_errors=True)
        mpl.mkdir()
        try:
            import matplotlib

            cache = Path(matplotlib.get_cachedir())
            for f in cache.glob("fontlist-*.json"):
                shutil.copy(f, mpl / f.name)
        except Exception:
            pass
        self.own(mpl)

    def own_file(self, path) -> None:
        try:
            os.chown(path, self.uid, self.uid)
        except PermissionError:
            pass

    def spawn_command(self, cmd) -> list[str]:
        """A spawned (not forked) kernel in a sandbox of its own: the same view, limits by ``prlimit``,
        the kernel uid by ``setpriv`` (util-linux), then the kernelspec's command."""
        lim = self.limits
        inner = ["prlimit", f"--as={lim.memory_bytes}", f"--nproc={self.process_limit()}",
                 f"--fsize={lim.file_bytes}", f"--cpu={lim.cpu_seconds}", f"--nofile={lim.open_files}", "--core=0",
                 "--", "setpriv", "--no-new-privs"]
        if self.privileged:
            inner += [f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups"]
        return self.command([*inner, "--", *cmd], caps=("CAP_SETUID", "CAP_SETGID"))

    def process_limit(self) -> int:
        """``RLIMIT_NPROC`` for the kernels: per worker uid as root, else on top of the lecturer's tasks."""
        if self.privileged:
            return self.limits.processes
        return _tasks_of_uid(self.uid) + self.limits.processes

    def staging(self, prefix: str = "sub-") -> Path:
        import tempfile

        path = Path(tempfile.mkdtemp(prefix=prefix, dir=str(self.workdir)))
        self.own(path)
        return path

    def clean(self, keep=(), live=()) -> None:
        """Remove staging folders not in ``keep`` and what is in ``run/`` except the files of the kernels
        named in ``live`` (connection-file and socket name prefixes of kernels started by the grader)."""
        keep = {str(k) for k in keep}
        live = tuple(p for p in live if p)
        for child in self.workdir.iterdir():
            if child.name == "mpl" or str(child) in keep:
                continue
            if child.name == "run":
                for f in child.iterdir():
                    if live and f.name.startswith(live):
                        continue
                    if f.is_dir() and not f.is_symlink():
                        shutil.rmtree(f, ignore_errors=True)
                    else:
                        f.unlink(missing_ok=True)
            else:
                shutil.rmtree(child, ignore_errors=True)

    def command(self, argv, caps=()) -> list[str]:
        """``bwrap [namespaces, binds, environment] -- argv``."""
        bwrap = bwrap_path()
        if bwrap is None:
            require()
        args = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
                "--unshare-uts", "--hostname", "grading", "--unshare-cgroup-try", "--cap-drop", "ALL"]
        for cap in caps if self.privileged else ():  # no capability for a lecturer's own uid
            args += ["--cap-add", cap]
        args += _system_binds()
        # the fresh /proc, /dev and /tmp first: bwrap mounts in order, so a tmpfs on /tmp laid after the
        # runtime binds would hide a repository or venv that lives under /tmp (a CI clone, say)
        args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/dev/shm",
                 "--perms", "1777", "--size", str(512 * 2**20), "--tmpfs", "/tmp"]
        made = set()
        for path in [*_runtime_paths(), str(self.workdir)]:
            for parent in reversed(Path(path).parents):  # traversable by the kernel's uid
                if str(parent) not in made and str(parent) not in ("/", "/tmp"):
                    args += ["--perms", "0755", "--dir", str(parent)]
                    made.add(str(parent))
        for path in _runtime_paths():
            args += ["--ro-bind", path, path]
        args += ["--bind", str(self.workdir), str(self.workdir), "--chdir", str(self.workdir), "--clearenv"]
        for key, value in kernel_environment(self.workdir).items():
            args += ["--setenv", key, value]
        return args + ["--", *argv]

    def confinement(self) -> dict:
        """What the zygote applies to each forked kernel (see ``_kernels._confine``)."""
        rlimits = {**self.limits.rlimits(), "RLIMIT_NPROC": self.process_limit()}
        return {"uid": self.uid, "gid": self.uid, "switch_uid": self.privileged, "rlimits": rlimits,
                "clean": ["/tmp", "/dev/shm"], "keep": [str(self.workdir), *_runtime_paths()]}


def _tasks_of_uid(uid: int) -> int:
    """Threads of every process whose real uid is ``uid`` (what ``RLIMIT_NPROC`` counts)."""
    n = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        if int(fields.get("Uid", "-1 ").split()[0]) == uid:
            n += int(fields.get("Threads", "1").strip() or 1)
    return n

