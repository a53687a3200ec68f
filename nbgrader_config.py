# nbgrader configuration read by JupyterLab when it runs from the repository root (`make lab`):
# the student's Assignments tab (Nbgrader > Assignments) and the instructor's tools use the course in
# assignments/, configured once in assignments/nbgrader_config.py (course id, gradebook, local exchange).
import os

c = get_config()  # noqa: F821
load_subconfig("assignments/nbgrader_config.py")  # noqa: F821  (relative to this file's folder)
# fetched assignments land here, beside lessons/, whatever folder the server was started from
c.Exchange.assignment_dir = os.path.dirname(os.path.abspath(__file__))
