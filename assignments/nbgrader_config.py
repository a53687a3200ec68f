# nbgrader configuration of the sme_teach course (assignments/).
#
# Release, grade and report with the `sme-teach` command from this folder (see README.md):
#   sme-teach release a1_stages_networks
#   sme-teach grade a1_stages_networks --jobs 4
# Plain nbgrader works too (`nbgrader generate_assignment`, `nbgrader autograde`), run from this folder.
import os

c = get_config()  # noqa: F821

HERE = os.path.dirname(os.path.abspath(__file__))

# -- course and gradebook ---------------------------------------------------------------------------
c.CourseDirectory.course_id = "sme_teach"
c.CourseDirectory.root = HERE
# the gradebook lives next to this file, whatever the current folder (it is git-ignored)
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")
# several instructors grading at once: a PostgreSQL gradebook (pip install 'sme-teach[hub]'; keep this
# file 0600 then, it holds the password; see course/deploy/README.md)
# c.CourseDirectory.db_url = "postgresql://gradebook:PASSWORD@dbhost:5432/gradebook"
# folders students must not hand in or that nbgrader should not copy around
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.db"]
c.CourseDirectory.max_file_size = 5000  # kB per file copied into a submission

# -- generating the student version -----------------------------------------------------------------
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.ClearSolutions.enforce_metadata = True
c.ClearHiddenTests.enforce_metadata = True
c.ClearOutput.remove_metadata_fields = ["collapsed", "scrolled"]

# -- executing notebooks (validate and autograde) ---------------------------------------------------
# every cell gets 30 s, then it is interrupted and the next cell runs (a student's endless loop costs
# that question, not the whole notebook); the slowest solution cell needs about 1 s
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
c.Execute.allow_errors = True
c.Execute.startup_timeout = 120
c.Execute.execute_retries = 0
# keep feedback readable when a student prints a whole DataFrame in a loop
c.LimitOutput.max_lines = 500
c.LimitOutput.max_traceback = 100

# -- feedback ---------------------------------------------------------------------------------------
# Write feedback with `sme-teach feedback ID`: its pages load nothing from the internet (MathJax 3 is
# inlined where a page has equations; sme_teach/grading/_offline_html.py). Plain `nbgrader
# generate_feedback` pages load MathJax 2.7.7 from cdnjs: nbgrader's feedback template hard-codes that
# URL, so HTMLExporter.mathjax_url cannot change it.

# -- late submissions -------------------------------------------------------------------------------
# set a due date with `nbgrader db assignment add ID --duedate=...`; late work is recorded, not penalised
c.LateSubmissionPlugin.penalty_method = "none"

# -- exchange ----------------------------------------------------------------------------------------
# A JupyterHub made as course/deploy/README.md says has nbgrader's shared exchange, /srv/nbgrader/exchange:
# then that one. One machine without it (make lab): a folder under the course, assignments/exchange/
# (git-ignored, made here if missing). JupyterLab started from the repository root reads this file through
# the root nbgrader_config.py, so `sme-teach release ID` from this folder and the student's Assignments tab
# (Nbgrader > Assignments) meet in the same place.
SHARED_EXCHANGE = "/srv/nbgrader/exchange"
LOCAL_EXCHANGE = os.path.join(HERE, "exchange")
if os.path.isdir(SHARED_EXCHANGE):
    c.Exchange.root = SHARED_EXCHANGE
else:
    os.makedirs(LOCAL_EXCHANGE, exist_ok=True)
    c.Exchange.root = LOCAL_EXCHANGE
# elsewhere: a folder every user can reach, e.g. c.Exchange.root = "/srv/courses/exchange"
# c.Exchange.path_includes_course = True
