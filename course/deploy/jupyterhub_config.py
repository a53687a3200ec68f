# JupyterHub for the sme_teach course on ONE machine (see README.md in this folder).
#
# Students and instructors are real Linux users: they log in with their system password (PAM) and
# each one's Jupyter server runs as that user (LocalProcessSpawner), so file permissions keep one
# student's work from another. nbgrader moves assignments through a shared exchange folder.
#
#   sudo /opt/sme_teach/hub/bin/jupyterhub -f /etc/jupyterhub/jupyterhub_config.py
#
# The Littlest JupyterHub (TLJH) writes its own hub configuration: there, copy only the blocks
# marked [TLJH] into /opt/tljh/config/jupyterhub_config.d/sme_teach.py (README.md, "TLJH").
#
# Every path below can be changed with an environment variable of the hub process; the course's
# end-to-end test (tests/test_hub_e2e.py) loads this file and points them at a temporary folder.
import os
import stat

c = get_config()  # noqa: F821

# the Python environment students' servers and kernels run in: sme_teach, nbgrader, the datasets
# (installed with the package) and jupyterhub-singleuser. On TLJH this is /opt/tljh/user.
USER_ENV = os.environ.get("SME_TEACH_USER_ENV", "/opt/tljh/user")
# nbgrader's exchange: every user writes here, nobody lists other users' files (mode 1777)
EXCHANGE = os.environ.get("SME_TEACH_EXCHANGE", "/srv/nbgrader/exchange")
STATE = os.environ.get("SME_TEACH_HUB_STATE", "/srv/jupyterhub")

# -- where the hub listens ---------------------------------------------------------------------------
# Put a TLS-terminating proxy (or c.JupyterHub.ssl_cert/ssl_key) in front for anything but a test.
c.JupyterHub.bind_url = os.environ.get("SME_TEACH_HUB_URL", "http://:8000")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "jupyterhub-proxy.pid")
CHP = os.environ.get("SME_TEACH_CHP")  # configurable-http-proxy when not on PATH (npm, project-local)
if CHP:
    c.ConfigurableHTTPProxy.command = [CHP]

# -- who may log in ----------------------------------------------------------------------------------
# Real Linux users (`sudo useradd -m s1234567 && sudo passwd s1234567`); PAM checks their password.
c.JupyterHub.authenticator_class = "pam"
# containers and many VMs have no login session manager: do not open PAM sessions
c.PAMAuthenticator.open_sessions = False
# list the class here (one Linux user name per line in the file), instructors in admin_users
_roster = os.environ.get("SME_TEACH_ROSTER", "/srv/sme_teach/roster.txt")
if os.path.isfile(_roster):
    with open(_roster) as fh:
        c.Authenticator.allowed_users = {line.strip() for line in fh if line.strip() and not line.startswith("#")}
_admins = os.environ.get("SME_TEACH_INSTRUCTORS", "")
if _admins:
    c.Authenticator.admin_users = set(_admins.split(","))

# -- each user's server: a process owned by that user ------------------------------- [TLJH: not this]
c.JupyterHub.spawner_class = "localprocess"   # jupyterhub.spawner.LocalProcessSpawner (setuid to the user)
c.Spawner.cmd = [os.path.join(USER_ENV, "bin", "jupyterhub-singleuser")]
c.Spawner.environment = {"PATH": os.path.join(USER_ENV, "bin") + ":/usr/local/bin:/usr/bin:/bin",
                         "LANG": "C.UTF-8"}
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120   # first start on a busy 2-core machine imports JupyterLab + nbgrader
c.Spawner.http_timeout = 120
c.Spawner.mem_limit = None      # LocalProcessSpawner cannot enforce limits; use systemd/Kubernetes for that

# -- nbgrader exchange on a shared folder --------------------------------------------------------- [TLJH]
# The hub runs as root, so it can make sure the exchange exists with the right mode at every start.
# nbgrader itself reads Exchange.root from /etc/jupyter/nbgrader_config.py (README.md, step 3).
def _ensure_exchange(path=EXCHANGE):
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o777 | stat.S_ISVTX)  # drwxrwxrwt: write for all, delete only your own


_ensure_exchange()

# -- idle servers are stopped after an hour (keeps a small machine usable) ------------------------ [TLJH]
# (TLJH has its own idle culler; on a plain hub: pip install jupyterhub-idle-culler)
try:
    import jupyterhub_idle_culler  # noqa: F401
except ImportError:
    pass
else:
    c.JupyterHub.load_roles = [{"name": "jupyterhub-idle-culler-role",
                                "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
                                "services": ["jupyterhub-idle-culler-service"]}]
    c.JupyterHub.services = [{"name": "jupyterhub-idle-culler-service",
                              "command": ["python3", "-m", "jupyterhub_idle_culler", "--timeout=3600"]}]
