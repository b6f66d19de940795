"""FacegateClient: challenge, verify and health over gRPC, spread over one or more Triton nodes."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from facegate_client.calls import (
    Call,
    Deadline,
    challenge_call,
    first_output,
    headers,
    judge_failure,
    no_node_left,
    request_id_or_new,
    verify_call,
)
from facegate_client.endpoints import EndpointPool
from facegate_client.errors import DeadlineExceeded, FacegateError
from facegate_client.health import EndpointHealth, Health
from facegate_client.options import ClientOptions, endpoint_list
from facegate_client.results import Action, Challenge, VerificationResult
from facegate_client.validation import check_actions, check_verify_request
from facegate_client.video import clip_frames


class FacegateClient:
    """Thread-safe. Failed nodes are probed in background threads and rejoin once ready."""

    def __init__(self, urls: str | Sequence[str], options: ClientOptions | None = None) -> None:
        self.options = options or ClientOptions()
        self._pool = EndpointPool(
            endpoint_list(urls),
            probe_interval_s=self.options.probe_interval_s,
            max_probe_interval_s=self.options.max_probe_interval_s,
        )
        arguments = self.options.connection_arguments()
        self._nodes = {url: grpcclient.InferenceServerClient(url, **arguments) for url in self._pool.urls}
        self._slots = threading.BoundedSemaphore(self.options.max_in_flight)

    def close(self) -> None:
        for node in self._nodes.values():
            node.close()

    def __enter__(self) -> FacegateClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def challenge(
        self,
        mirrored: bool,
        actions: Sequence[Action | str] | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
    ) -> Challenge:
        """A fresh signed challenge; `mirrored`: the frames will be horizontally flipped (front camera).
        `actions` is honoured only by servers that allow requested actions (demos)."""
        check_actions(actions)
        return self._run(challenge_call(mirrored, actions, request_id_or_new(request_id)), timeout)

    def verify(
        self,
        id_photo: bytes,
        frames: Sequence[bytes] | str | os.PathLike,
        token: str,
        request_id: str | None = None,
        return_embeddings: bool = False,
        timeout: float | None = None,
    ) -> VerificationResult:
        """`frames`: the clip's encoded frames in time order, or a video file's path (decoded here with
        PyAV, about 10 frames per second). Sent at most once to a node that may run it: on Unavailable
        or DeadlineExceeded, get a new challenge."""
        frames = clip_frames(frames, self.options.limits)
        check_verify_request(id_photo, frames, token, self.options.limits)
        call = verify_call(id_photo, frames, token, request_id_or_new(request_id), return_embeddings)
        return self._run(call, timeout)

    def health(self, timeout: float | None = None) -> Health:
        """Asks every node whether it is ready, and updates the rotation with the answers."""
        timeout_s = min(timeout or self.options.probe_timeout_s, self.options.timeout_s)
        return Health(tuple(self._probe(url, timeout_s) for url in self._pool.urls))

    def _probe(self, url: str, timeout_s: float) -> EndpointHealth:
        try:
            ready = self._nodes[url].is_server_ready(headers=self.options.metadata(), client_timeout=timeout_s)
            error = None if ready else "not ready"
        except InferenceServerException as failure:
            ready, error = False, failure.message() or str(failure)
        (self._pool.report_success if ready else self._pool.report_failure)(url)
        return EndpointHealth(url, ready, error)

    def _probe_due_nodes(self) -> None:
        for url in self._pool.due_probes():
            threading.Thread(target=self._probe, args=(url, self.options.probe_timeout_s), daemon=True).start()

    def _run(self, call: Call, timeout: float | None):
        deadline = Deadline(timeout or self.options.timeout_s)
        if not self._slots.acquire(timeout=deadline.remaining(call.request_id)):
            raise DeadlineExceeded(f"{self.options.max_in_flight} calls were in flight until the deadline; "
                                   "nothing was sent", request_id=call.request_id)
        try:
            self._probe_due_nodes()
            last: FacegateError | None = None
            for url in self._pool.order(call.model):
                try:
                    result = self._nodes[url].infer(
                        call.model,
                        call.inputs,
                        outputs=[grpcclient.InferRequestedOutput(call.output)],
                        request_id=call.request_id,
                        headers=headers(call.request_id, self.options.metadata()),
                        client_timeout=deadline.remaining(call.request_id),
                    )
                except InferenceServerException as failure:
                    outcome = judge_failure(failure, call)
                    if outcome.node_failed:
                        self._pool.report_failure(url)
                    if not outcome.try_next:
                        raise outcome.error from None
                    last = outcome.error
                    continue
                self._pool.report_success(url)
                return call.parse(first_output(result, call.output))
            raise no_node_left(call, last)
        finally:
            self._slots.release()
