"""ClientCore: what FacegateClient and AsyncFacegateClient share, so that the two differ only in how
they wait (blocking or awaited): options, the node rotation, request checks, and the bookkeeping of
each attempt on a node (InsightFace-REST keeps its sync and async clients side by side the same way)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from facegate_client.calls import (
    Call,
    Deadline,
    challenge_call,
    first_output,
    headers,
    judge_failure,
    request_id_or_new,
    verify_call,
)
from facegate_client.endpoints import Clock, EndpointPool
from facegate_client.errors import DeadlineExceeded, FacegateError, Unavailable
from facegate_client.health import EndpointHealth
from facegate_client.options import ClientOptions, endpoint_list
from facegate_client.resolution import DnsName
from facegate_client.results import Action
from facegate_client.validation import check_actions, check_reference, check_verify_request


class ClientCore:
    """Subclasses name the tritonclient class their nodes use (blocking or asyncio)."""

    node_class: type

    def __init__(self, urls: str | Sequence[str], options: ClientOptions | None = None,
                 clock: Clock = time.monotonic) -> None:
        self.options = options or ClientOptions()
        entries = endpoint_list(urls)
        self._names = [name for name in map(DnsName.parse, entries) if name is not None]
        self._static = [url for url in entries if DnsName.parse(url) is None]
        self._tls_hosts: dict[str, str] = {}
        self._clock = clock
        self._resolved_at = clock()
        self._retired: dict[str, float] = {}
        self._longest_timeout_s = self.options.timeout_s
        self._resolution_lock = threading.Lock()
        nodes = self._static + self._resolve()
        if not nodes:
            raise Unavailable(f"{', '.join(entries)}: no address resolved")
        self._pool = EndpointPool(
            nodes,
            probe_interval_s=self.options.probe_interval_s,
            max_probe_interval_s=self.options.max_probe_interval_s,
        )
        self._nodes = {url: self._connect(url) for url in self._pool.urls}

    def _connect(self, url: str) -> Any:
        return self.node_class(url, **self.options.connection_arguments(self._tls_hosts.get(url)))

    def _resolve(self) -> list[str]:
        """The addresses of every DNS name now, not already a static node; a name that fails to resolve adds none."""
        addresses: dict[str, None] = {}
        for name in self._names:
            try:
                resolved = name.resolve()
            except OSError:
                continue
            for url in resolved:
                self._tls_hosts[url] = name.host
                addresses[url] = None
        return [url for url in addresses if url not in self._static]

    def _resolution_due(self) -> bool:
        """True once per `resolve_interval_s` (to one caller) when there are DNS names to resolve again."""
        with self._resolution_lock:
            now = self._clock()
            if not self._names or now - self._resolved_at < self.options.resolve_interval_s:
                return False
            self._resolved_at = now
            return True

    def _take_resolution(self, resolved: list[str]) -> list[Any]:
        """New addresses join the rotation, gone ones leave it. A node that left stays connected for the
        longest deadline any call has had (calls in flight on it finish), then is returned for the caller
        to close. No address at all keeps the last ones."""
        with self._resolution_lock:
            now = self._clock()
            if resolved:
                added, removed = self._pool.replace(self._static + resolved)
                for url in added:
                    if self._retired.pop(url, None) is None:
                        self._nodes[url] = self._connect(url)
                self._retired.update((url, now) for url in removed)
            expired = [url for url, since in self._retired.items() if now - since > self._longest_timeout_s]
            for url in expired:
                del self._retired[url]
            return [self._nodes.pop(url) for url in expired]

    def _challenge_call(self, mirrored: bool, actions: Sequence[Action | str] | None, request_id: str | None,
                        subject: str | None = None, device: str | None = None) -> Call:
        check_actions(actions)
        check_reference("subject", subject)
        check_reference("device", device)
        return challenge_call(mirrored, actions, request_id_or_new(request_id), subject, device)

    def _verify_call(
        self, id_photo: bytes, frames: Sequence[bytes] | None, video: bytes | None, token: str,
        request_id: str | None, return_embeddings: bool
    ) -> Call:
        check_verify_request(id_photo, frames, video, token, self.options.limits)
        return verify_call(id_photo, frames, video, token, request_id_or_new(request_id), return_embeddings)

    def _health_timeout(self, timeout: float | None) -> float:
        return min(timeout or self.options.probe_timeout_s, self.options.timeout_s)

    def _probed(self, url: str, answer: bool | InferenceServerException) -> EndpointHealth:
        """Takes a node in or out of rotation by its answer to a readiness probe."""
        if isinstance(answer, InferenceServerException):
            ready, error = False, answer.message() or str(answer)
        else:
            ready, error = answer, None if answer else "not ready"
        (self._pool.report_success if ready else self._pool.report_failure)(url)
        return EndpointHealth(url, ready, error)

    def _deadline(self, timeout: float | None) -> Deadline:
        self._longest_timeout_s = max(self._longest_timeout_s, timeout or 0.0)
        return Deadline(timeout or self.options.timeout_s)

    def _no_slot(self, call: Call) -> DeadlineExceeded:
        return DeadlineExceeded(f"{self.options.max_in_flight} calls were in flight until the deadline; "
                                "nothing was sent", request_id=call.request_id)

    def _infer_arguments(self, call: Call, deadline: Deadline) -> dict[str, Any]:
        return {
            "model_name": call.model,
            "inputs": call.inputs,
            "outputs": [grpcclient.InferRequestedOutput(call.output)],
            "request_id": call.request_id,
            "headers": headers(call.request_id, self.options.metadata()),
            "client_timeout": deadline.remaining(call.request_id),
        }

    def _attempt_failed(self, url: str, failure: InferenceServerException, call: Call) -> FacegateError:
        """The error to raise if no other node takes the call; raises it now if none may."""
        outcome = judge_failure(failure, call)
        if outcome.node_failed:
            self._pool.report_failure(url)
        if not outcome.try_next:
            raise outcome.error from None
        return outcome.error

    def _attempt_succeeded(self, url: str, result: grpcclient.InferResult, call: Call) -> Any:
        self._pool.report_success(url)
        return call.parse(first_output(result, call.output))
