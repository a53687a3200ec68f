"""The grading errors, all in the package's one hierarchy (:class:`sme_teach.SmeTeachError`)."""

from __future__ import annotations

from .._errors import SmeTeachError

__all__ = ["GradingError", "SubmissionError"]


class GradingError(SmeTeachError):
    """Grading could not be done as asked (the message says what to fix)."""


class SubmissionError(GradingError):
    """A submission that cannot be graded for a reason the student can fix (the message says which)."""
