"""The one exception type analysts see for bad input."""

from __future__ import annotations


class InputError(ValueError):
    """An input file or table the package cannot use.

    The message names the file and the problem (missing, empty, binary,
    undecodable, no text column) in words an analyst can act on.

    Attributes:
        path: the file concerned, as given, or ``None``.
        problem: a short machine-readable tag (``missing``, ``empty``,
            ``binary``, ``encoding``, ``columns``, ``format``, ``dictionary``).
    """

    def __init__(self, message: str, *, path=None, problem: str = "invalid"):
        super().__init__(message)
        self.path = path
        self.problem = problem
