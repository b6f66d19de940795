"""A refused clip and the reason code the caller gets for it."""

from __future__ import annotations

from python_backends.decision import Reason
from python_backends.errors import BackendError


class VideoProblem(BackendError, ValueError):
    """The message names the limit or the failure, never the clip's content."""

    def __init__(self, reason: Reason, message: str):
        super().__init__(message)
        self.reason = reason
