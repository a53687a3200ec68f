"""Grading: student self-checks, per-student variants and the nbgrader pipeline.

For students (inside a notebook):

- :func:`check` runs the visible tests of one question and says what to fix;
- :func:`student_id`, :func:`student_seed`, :func:`student_data` give each student their own data;
- :func:`expect_frame`, :func:`expect_series`, :func:`expect_value` are grade-cell assertions whose
  messages say what was expected and what was found.

For lecturers (also the ``sme-teach`` command):

- :func:`release` — generate the student version (nbgrader ``GenerateAssignment``);
- :func:`grade` — autograde every submission in parallel, on pre-warmed kernels, with nbgrader's
  own preprocessors and gradebook (scores equal ``nbgrader autograde``);
- :func:`feedback` — per-student HTML feedback without hidden-test source;
- :func:`item_analysis`, :func:`report` — item statistics, figures and an LMS grade export (refused while
  written answers await marking, unless ``allow_unmarked``);
- :func:`student_scores`, :func:`format_student_scores` — the per-student table ``sme-teach grade`` ends with.

Importing this module is cheap: nbgrader, pandas and seaborn load inside the functions that need them.
"""

from ._check import CheckResult, check
from ._course import find_course, release
from ._engine import GradeRun, grade
from ._expect import expect_frame, expect_series, expect_value
from ._feedback import feedback
from ._report import format_student_scores, item_analysis, report, student_scores
from ._student import is_autograding, student_data, student_id, student_seed

__all__ = [
    "CheckResult",
    "GradeRun",
    "check",
    "expect_frame",
    "expect_series",
    "expect_value",
    "feedback",
    "find_course",
    "format_student_scores",
    "grade",
    "is_autograding",
    "item_analysis",
    "release",
    "report",
    "student_data",
    "student_id",
    "student_scores",
    "student_seed",
]
