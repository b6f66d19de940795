"""How the gateway answers a failed call: an HTTP status and a stable `error` kind the page translates.

Messages go to the browser only for its own mistakes (invalid input, too large); upstream failures are
logged here with their request id and answered by kind alone, so no node address or internal detail leaks.
"""

from __future__ import annotations

from dataclasses import dataclass

from facegate.gateway.uploads import BodyTooLarge
from facegate_client import DeadlineExceeded, FacegateError, InvalidInput, ServerError, Unauthenticated, Unavailable


@dataclass(frozen=True)
class ErrorAnswer:
    status: int
    kind: str
    shows_message: bool


_ANSWERS: dict[type[FacegateError], ErrorAnswer] = {
    InvalidInput: ErrorAnswer(400, "invalid_input", True),
    BodyTooLarge: ErrorAnswer(413, "too_large", True),
    Unavailable: ErrorAnswer(503, "unavailable", False),
    DeadlineExceeded: ErrorAnswer(504, "deadline_exceeded", False),
    Unauthenticated: ErrorAnswer(502, "unauthenticated", False),  # the gateway's own key is wrong
    ServerError: ErrorAnswer(502, "server_error", False),
}
_FALLBACK = ErrorAnswer(502, "server_error", False)


def error_answer(error: FacegateError) -> tuple[int, dict[str, str | None]]:
    answer = next((a for kind, a in _ANSWERS.items() if isinstance(error, kind)), _FALLBACK)
    body = {"error": answer.kind, "message": str(error) if answer.shows_message else None,
            "request_id": error.request_id}
    return answer.status, body
