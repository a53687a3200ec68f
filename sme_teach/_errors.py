"""The package's one exception type."""

__all__ = ["SmeTeachError"]


class SmeTeachError(ValueError):
    """Raised for any input ``sme_teach`` cannot work with.

    It subclasses :class:`ValueError`, so ``except ValueError`` catches it too. The
    message always says what was given, what was expected and, where it helps, how
    to fix it.
    """
