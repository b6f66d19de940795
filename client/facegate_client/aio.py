"""AsyncFacegateClient: the asyncio twin of FacegateClient (same methods, awaitable)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence

import tritonclient.grpc.aio as aioclient
from tritonclient.utils import InferenceServerException

from facegate_client.calls import Call, no_node_left
from facegate_client.core import ClientCore
from facegate_client.health import EndpointHealth, Health
from facegate_client.options import ClientOptions
from facegate_client.results import Action, Challenge, VerificationResult
from facegate_client.video import clip_frames


class AsyncFacegateClient(ClientCore):
    """Use from one event loop. Failed nodes are probed in background tasks and rejoin once ready."""

    node_class = aioclient.InferenceServerClient

    def __init__(self, urls: str | Sequence[str], options: ClientOptions | None = None) -> None:
        super().__init__(urls, options)
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
        subject: str | None = None,
        device: str | None = None,
    ) -> Challenge:
        """See FacegateClient.challenge."""
        return await self._run(self._challenge_call(mirrored, actions, request_id, subject, device), timeout)

    async def verify(
        self,
        id_photo: bytes,
        frames: Sequence[bytes] | str | os.PathLike | None = None,
        token: str | None = None,
        request_id: str | None = None,
        return_embeddings: bool = False,
        timeout: float | None = None,
        video: bytes | None = None,
    ) -> VerificationResult:
        """See FacegateClient.verify."""
        if frames is not None:  # a video file path decodes off the loop
            frames = await asyncio.to_thread(clip_frames, frames, self.options.limits)
        return await self._run(self._verify_call(id_photo, frames, video, token, request_id, return_embeddings),
                               timeout)

    async def health(self, timeout: float | None = None) -> Health:
        """See FacegateClient.health."""
        timeout_s = self._health_timeout(timeout)
        return Health(tuple(await asyncio.gather(*(self._probe(url, timeout_s) for url in self._pool.urls))))

    async def _probe(self, url: str, timeout_s: float) -> EndpointHealth:
        try:
            answer = await self._nodes[url].is_server_ready(headers=self.options.metadata(), client_timeout=timeout_s)
        except InferenceServerException as failure:
            answer = failure
        return self._probed(url, answer)

    def _probe_due_nodes(self) -> None:
        for url in self._pool.due_probes():
            task = asyncio.create_task(self._probe(url, self.options.probe_timeout_s))
            self._probes.add(task)
            task.add_done_callback(self._probes.discard)

    async def _run(self, call: Call, timeout: float | None):
        deadline = self._deadline(timeout)
        try:
            await asyncio.wait_for(self._slots.acquire(), deadline.remaining(call.request_id))
        except asyncio.TimeoutError:
            raise self._no_slot(call) from None
        try:
            if self._resolution_due():  # the system resolver blocks: off the event loop
                for node in self._take_resolution(await asyncio.to_thread(self._resolve)):
                    await node.close()
            self._probe_due_nodes()
            last = None
            for url in self._pool.order(call.model):
                try:
                    arguments = self._infer_arguments(call, deadline)  # past the deadline: raises before the lookup
                    result = await self._nodes[url].infer(**arguments)
                except InferenceServerException as failure:
                    last = self._attempt_failed(url, failure, call)
                    continue
                return self._attempt_succeeded(url, result, call)
            raise no_node_left(call, last)
        finally:
            self._slots.release()
