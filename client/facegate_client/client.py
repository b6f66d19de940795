"""FacegateClient: challenge, verify and health over gRPC, spread over one or more Triton nodes."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from facegate_client.calls import Call, no_node_left
from facegate_client.core import ClientCore
from facegate_client.health import EndpointHealth, Health
from facegate_client.options import ClientOptions
from facegate_client.results import Action, Challenge, VerificationResult
from facegate_client.video import clip_frames


class FacegateClient(ClientCore):
    """Thread-safe. Failed nodes are probed in background threads and rejoin once ready."""

    node_class = grpcclient.InferenceServerClient

    def __init__(self, urls: str | Sequence[str], options: ClientOptions | None = None) -> None:
        super().__init__(urls, options)
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
        subject: str | None = None,
        device: str | None = None,
    ) -> Challenge:
        """A fresh signed challenge; `mirrored`: the frames will be horizontally flipped (front camera).
        `actions` is honoured only by servers that allow requested actions (demos). `subject` (your opaque
        reference for the person, e.g. an HMAC of the ID number) and `device` bind the challenge: failed
        verifications count against them, and too many raise LockedOut (with `retry_after_s`) here."""
        return self._run(self._challenge_call(mirrored, actions, request_id, subject, device), timeout)

    def verify(
        self,
        id_photo: bytes,
        frames: Sequence[bytes] | str | os.PathLike | None = None,
        token: str | None = None,
        request_id: str | None = None,
        return_embeddings: bool = False,
        timeout: float | None = None,
        video: bytes | None = None,
    ) -> VerificationResult:
        """The clip, exactly one of: `video`, the recorded MP4/WebM file's bytes, sent as they are (the
        server decodes every frame and chooses which to analyse); `frames`, encoded frames in time
        order; or, as a fallback, `frames` = a video file's path, decoded here with PyAV at about 10
        frames per second. Sent at most once to a node that may run it: on Unavailable or
        DeadlineExceeded, get a new challenge."""
        frames = None if frames is None else clip_frames(frames, self.options.limits)
        return self._run(self._verify_call(id_photo, frames, video, token, request_id, return_embeddings), timeout)

    def health(self, timeout: float | None = None) -> Health:
        """Asks every node whether it is ready, and updates the rotation with the answers."""
        return Health(tuple(self._probe(url, self._health_timeout(timeout)) for url in self._pool.urls))

    def _probe(self, url: str, timeout_s: float) -> EndpointHealth:
        try:
            answer = self._nodes[url].is_server_ready(headers=self.options.metadata(), client_timeout=timeout_s)
        except InferenceServerException as failure:
            answer = failure
        return self._probed(url, answer)

    def _probe_due_nodes(self) -> None:
        for url in self._pool.due_probes():
            threading.Thread(target=self._probe, args=(url, self.options.probe_timeout_s), daemon=True).start()

    def _run(self, call: Call, timeout: float | None):
        deadline = self._deadline(timeout)
        if not self._slots.acquire(timeout=deadline.remaining(call.request_id)):
            raise self._no_slot(call)
        try:
            if self._resolution_due():
                for node in self._take_resolution(self._resolve()):
                    node.close()
            self._probe_due_nodes()
            last = None
            for url in self._pool.order(call.model):
                try:
                    arguments = self._infer_arguments(call, deadline)  # past the deadline: raises before the lookup
                    result = self._nodes[url].infer(**arguments)
                except InferenceServerException as failure:
                    last = self._attempt_failed(url, failure, call)
                    continue
                return self._attempt_succeeded(url, result, call)
            raise no_node_left(call, last)
        finally:
            self._slots.release()
