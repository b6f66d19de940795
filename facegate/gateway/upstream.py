"""The facegate servers behind the gateway: FacegateClient (failover, deadlines, limits) for challenge and
verify; for the preview guidance, `detect` on the first node that answers."""

from __future__ import annotations

from facegate.gateway.config import GatewayConfig
from facegate.gateway.uploads import VerifyUpload
from facegate_client import Challenge, Face, FacegateClient, ModelsClient, Unavailable, VerificationResult


class Upstream:
    def __init__(self, config: GatewayConfig) -> None:
        self._demo_actions = config.demo_actions
        self._client = FacegateClient(list(config.servers), config.client)
        self._detectors = [ModelsClient(url, config.client) for url in config.servers]

    def close(self) -> None:
        self._client.close()
        for detector in self._detectors:
            detector.close()

    def challenge(self, mirrored: bool) -> Challenge:
        return self._client.challenge(mirrored, self._demo_actions)

    def verify(self, upload: VerifyUpload) -> VerificationResult:
        if upload.video is not None:
            return self._client.verify(upload.id_photo, token=upload.token, video=upload.video)
        return self._client.verify(upload.id_photo, list(upload.frames), upload.token)

    def faces(self, image: bytes) -> list[Face]:
        failure: Unavailable | None = None
        for detector in self._detectors:
            try:
                return detector.detect([image])[0]
            except Unavailable as error:
                failure = error
        raise failure or Unavailable("no endpoint is available")
