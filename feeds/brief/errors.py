"""The brief's one error type, below every module of the package that raises it."""


class BriefError(RuntimeError):
    """The brief cannot be written as asked; the message says why in one line."""
