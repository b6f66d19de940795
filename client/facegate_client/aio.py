"""AsyncFacegateClient: the asyncio twin of FacegateClient (same methods, awaitable)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence

import tritonclient.grpc as grpcclient
import tritonclient.grpc.aio as aioclient
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


class AsyncFacegateClient:
    """Use from one event loop. Failed nodes are probed in background tasks and rejoin once ready."""

    def __init__(self, urls: str | Sequence[str], options: ClientOptions | None = None) -> None:
        self.options = options or ClientOptions()
        self._pool = EndpointPool(
            endpoint_list(urls),
            probe_interval_s=self.options.probe_interval_s,
            max_probe_interval_s=self.options.max_probe_interval_s,
        )
        arguments = self.options.connection_arguments()
        self._nodes = {url: aioclient.InferenceServerClient(url, **arguments) for url in self._pool.urls}
        self._slots = asyncio.Semaphore(self.options.max_in_flight)
        self._probes: set[asyncio.Task] = set()

    async def close(self) -> None:
        for task in self._probes:
            task.cancel()
        for node in self._nodes.values():
            await node.close()

    async def __aenter__(self) -> AsyncFacegateClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def challenge(
        self,
        mirrored: bool,
        actions: Sequence[Action | str] | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
    ) -> Challenge:
        """See FacegateClient.challenge."""
        check_actions(actions)
        return await self._run(challenge_call(mirrored, actions, request_id_or_new(request_id)), timeout)

    async def verify(
        self,
        id_photo: bytes,
        frames: Sequence[bytes] | str | os.PathLike,
        token: str,
        request_id: str | None = None,
        return_embeddings: bool = False,
        timeout: float | None = None,
    ) -> VerificationResult:
        """See FacegateClient.verify."""
        frames = await asyncio.to_thread(clip_frames, frames, self.options.limits)  # a video decodes off the loop
        check_verify_request(id_photo, frames, token, self.options.limits)
        call = verify_call(id_photo, frames, token, request_id_or_new(request_id), return_embeddings)
        return await self._run(call, timeout)

    async def health(self, timeout: float | None = None) -> Health:
        """See FacegateClient.health."""
        timeout_s = min(timeout or self.options.probe_timeout_s, self.options.timeout_s)
        return Health(tuple(await asyncio.gather(*(self._probe(url, timeout_s) for url in self._pool.urls))))

    async def _probe(self, url: str, timeout_s: float) -> EndpointHealth:
        try:
            ready = await self._nodes[url].is_server_ready(headers=self.options.metadata(), client_timeout=timeout_s)
            error = None if ready else "not ready"
        except InferenceServerException as failure:
            ready, error = False, failure.message() or str(failure)
        (self._pool.report_success if ready else self._pool.report_failure)(url)
        return EndpointHealth(url, ready, error)

    def _probe_due_nodes(self) -> None:
        for url in self._pool.due_probes():
            task = asyncio.create_task(self._probe(url, self.options.probe_timeout_s))
            self._probes.add(task)
            task.add_done_callback(self._probes.discard)

    async def _run(self, call: Call, timeout: float | None):
        deadline = Deadline(timeout or self.options.timeout_s)
        try:
            await asyncio.wait_for(self._slots.acquire(), deadline.remaining(call.request_id))
        except asyncio.TimeoutError:
            raise DeadlineExceeded(f"{self.options.max_in_flight} calls were in flight until the deadline; "
                                   "nothing was sent", request_id=call.request_id) from None
        try:
            self._probe_due_nodes()
            last: FacegateError | None = None
            for url in self._pool.order(call.model):
                try:
                    result = await self._nodes[url].infer(
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
