"""One call on the wire, without I/O (ClientCore builds on it): the tensors of each call, deadlines,
headers, and when a failed attempt may go to another node."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from facegate_client.errors import DeadlineExceeded, FacegateError, ServerError, Unavailable, map_error, never_sent
from facegate_client.results import parse_challenge, parse_result
from facegate_client.validation import check_request_id

REQUEST_ID_HEADER = "x-request-id"


@dataclass(frozen=True)
class Call:
    """One model call; `idempotent`: may be sent again to another node after it possibly reached one."""

    model: str
    inputs: list[grpcclient.InferInput]
    output: str
    idempotent: bool
    parse: Callable[[bytes], Any]
    request_id: str


def request_id_or_new(request_id: str | None) -> str:
    request_id = request_id if request_id is not None else str(uuid.uuid4())
    check_request_id(request_id)
    return request_id


def _bytes_tensor(name: str, blobs: Sequence[bytes]) -> grpcclient.InferInput:
    data = np.array([bytes(blob) for blob in blobs], dtype=np.object_)
    tensor = grpcclient.InferInput(name, [len(blobs)], "BYTES")
    tensor.set_data_from_numpy(data)
    return tensor


def _json_tensor(name: str, value: dict[str, Any]) -> grpcclient.InferInput:
    return _bytes_tensor(name, [json.dumps(value, separators=(",", ":")).encode()])


def challenge_call(mirrored: bool, actions: Sequence[str] | None, request_id: str,
                   subject: str | None = None, device: str | None = None) -> Call:
    request: dict[str, Any] = {"mirrored": bool(mirrored)}
    if actions is not None:
        request["actions"] = [str(getattr(action, "value", action)) for action in actions]
    request |= {name: value for name, value in (("subject", subject), ("device", device)) if value is not None}
    return Call("challenge", [_json_tensor("REQUEST", request)], "CHALLENGE", True, parse_challenge, request_id)


def verify_call(
    id_photo: bytes, frames: Sequence[bytes] | None, video: bytes | None, token: str, request_id: str,
    return_embeddings: bool
) -> Call:
    """Not idempotent: the server spends the token on the first attempt that reaches it. The clip goes
    as FRAMES (encoded images) or as VIDEO (the recorded file, decoded by the server)."""
    inputs = [
        _bytes_tensor("ID_PHOTO", [id_photo]),
        _bytes_tensor("VIDEO", [video]) if video is not None else _bytes_tensor("FRAMES", frames),
        _bytes_tensor("TOKEN", [token.encode("ascii")]),
        _json_tensor("OPTIONS", {"return_embeddings": bool(return_embeddings), "request_id": request_id}),
    ]
    return Call("verify", inputs, "RESULT", False, lambda blob: parse_result(blob, request_id), request_id)


def headers(request_id: str, extra: dict[str, str]) -> dict[str, str]:
    return {**extra, REQUEST_ID_HEADER: request_id}


def first_output(result: grpcclient.InferResult, name: str) -> bytes:
    array = result.as_numpy(name)
    if array is None or array.size != 1:
        raise ServerError(f"the server answered no single {name}")
    return bytes(array.reshape(-1)[0])


class Deadline:
    def __init__(self, timeout_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._end = clock() + timeout_s

    def remaining(self, request_id: str) -> float:
        """Seconds left; raises DeadlineExceeded when none are."""
        left = self._end - self._clock()
        if left <= 0:
            raise DeadlineExceeded("the call's deadline passed before it could be sent", request_id=request_id)
        return left


@dataclass(frozen=True)
class AttemptOutcome:
    error: FacegateError
    node_failed: bool  # take the node out of rotation
    try_next: bool  # the request may go to another node


def judge_failure(error: InferenceServerException, call: Call) -> AttemptOutcome:
    mapped = map_error(error, call.request_id)
    unsent = never_sent(error)
    node_failed = unsent or isinstance(mapped, Unavailable)
    retryable = unsent or (call.idempotent and isinstance(mapped, (Unavailable, DeadlineExceeded)))
    return AttemptOutcome(mapped, node_failed, retryable)


def no_node_left(call: Call, last: FacegateError | None) -> FacegateError:
    if last is not None:
        return last
    return Unavailable("no endpoint is available", request_id=call.request_id)

