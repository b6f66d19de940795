"""Locust user for facegate: the real client (challenge, then verify with real frames or the recorded
clip as a video) in a realistic mix.

Run through `make loadtest` / `python -m facegate.bench.loadtest`, which sets the host (gRPC
`host:port`, or several separated by commas: the client fails over between them),
FACEGATE_LOADTEST_FRAMES and FACEGATE_LOADTEST_SUMMARY (where the final statistics go). Each call
type is its own row in locust's statistics; a verify whose decision is not the one its material
must get counts as a failure of that row.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from grpc.experimental import gevent as grpc_gevent

grpc_gevent.init_gevent()  # grpcio under locust's gevent: without it calls block the other users

from facegate_client import ClientOptions, FacegateClient  # noqa: E402
from locust import User, between, events  # noqa: E402

from facegate.bench.loadmix import CASES, LoadCase, unexpected  # noqa: E402
from facegate.bench.loadtest import SUMMARY_ENV, write_summary  # noqa: E402
from facegate.bench.material import GENUINE_ACTIONS, Material, load_material  # noqa: E402

_material: Material | None = None


@events.init.add_listener
def _set_up(environment, **_kwargs) -> None:
    global _material
    _material = load_material(int(os.environ.get("FACEGATE_LOADTEST_FRAMES", "16")))
    if summary_path := os.environ.get(SUMMARY_ENV):
        environment.events.quit.add_listener(lambda **_: write_summary(environment.stats, Path(summary_path)))


def _case_task(case: LoadCase):
    """A locust task (called with the user) verifying `case`'s material; picked by the case's weight."""
    def verify_case(user: FacegateUser) -> None:
        user._verify(case)

    verify_case.__name__ = case.name
    return verify_case


class FacegateUser(User):
    wait_time = between(0.5, 2.0)
    tasks = {_case_task(case): case.weight for case in CASES.values()}

    def on_start(self) -> None:
        self.client = FacegateClient(self.host, ClientOptions(timeout_s=120.0))

    def on_stop(self) -> None:
        self.client.close()

    def _timed(self, name: str, call):
        started, error, result = time.perf_counter(), None, None
        try:
            result = call()
        except Exception as failure:  # noqa: BLE001 - reported to locust as this call's failure
            error = failure
        self.environment.events.request.fire(request_type="grpc", name=name, context={}, response_length=0,
                                             response_time=1000 * (time.perf_counter() - started),
                                             exception=error)
        return result

    def _verify(self, case: LoadCase) -> None:
        challenge = self._timed("challenge", lambda: self.client.challenge(mirrored=False,
                                                                           actions=list(GENUINE_ACTIONS)))
        if challenge is None:
            return
        id_photo, clip = case.inputs(_material)

        def verify():
            result = self.client.verify(id_photo, token=challenge.token, **clip)
            if problem := unexpected(case, result):
                raise AssertionError(problem)
            return result

        self._timed(f"verify {case.name}", verify)
