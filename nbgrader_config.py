# nbgrader configuration read when Jupyter starts at the repository root (`make lab`).
#
# The course lives in assignments/: this file loads that folder's configuration (course id, gradebook,
# timeouts, the local exchange) and points the course directory there, so
#   - Formgrader (JupyterLab → Nbgrader → Formgrader) does manual grading in the same JupyterLab students
#     use, without a second server;
#   - a student's Assignments tab (Nbgrader → Assignments) lists and fetches released assignments;
#   - `sme-teach` and plain `nbgrader` commands run from the repository root find the course.
import os
import shutil
import sys

c = get_config()  # noqa: F821
HERE = os.path.dirname(os.path.abspath(__file__))

# nbgrader runs the `alembic` executable when it creates the gradebook; a server started as
# .venv/bin/jupyter (make lab) without the venv on PATH would not find it
if shutil.which("alembic") is None:
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")

COURSE = os.path.join(HERE, "assignments")
load_subconfig("nbgrader_config.py", path=COURSE)  # noqa: F821
c.CourseDirectory.root = COURSE
# fetched assignments land here, beside lessons/, whatever folder the server was started from
c.Exchange.assignment_dir = HERE
