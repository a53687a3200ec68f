# nbgrader configuration read when Jupyter starts at the repository root (`make lab`).
#
# nbgrader's Formgrader (JupyterLab → Nbgrader → Formgrader) reads `nbgrader_config.py` from the folder the
# server started in. The course lives in assignments/: this file loads that folder's configuration
# (course id, gradebook, timeouts) and points the course directory there, so manual grading works from
# the same JupyterLab students use, without a second server. `sme-teach` and plain `nbgrader` commands
# run from the repository root find the course through this file too.
import os
import shutil
import sys

c = get_config()  # noqa: F821

# nbgrader runs the `alembic` executable when it creates the gradebook; a server started as
# .venv/bin/jupyter (make lab) without the venv on PATH would not find it
if shutil.which("alembic") is None:
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")

COURSE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assignments")
load_subconfig("nbgrader_config.py", path=COURSE)  # noqa: F821
c.CourseDirectory.root = COURSE
