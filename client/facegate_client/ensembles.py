"""Direct calls to facegate's `detect`, `embed` and `liveness` ensembles on one endpoint."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from facegate_client.errors import map_error
from facegate_client.options import ClientOptions
from facegate_client.types import Face, LivenessSignals


def _bytes_input(name: str, blobs: Sequence[bytes]) -> grpcclient.InferInput:
    data = np.array([[blob] for blob in blobs], dtype=np.object_)
    tensor = grpcclient.InferInput(name, list(data.shape), "BYTES")
    tensor.set_data_from_numpy(data)
    return tensor


def _fp32_input(name: str, array: np.ndarray) -> grpcclient.InferInput:
    data = np.ascontiguousarray(array, dtype=np.float32)
    tensor = grpcclient.InferInput(name, list(data.shape), "FP32")
    tensor.set_data_from_numpy(data)
    return tensor


class ModelsClient:
    """Low-level access to the per-stage ensembles (the verification API builds on these). `options`: TLS,
    API key and deadline as for FacegateClient (no failover: one endpoint). Errors are FacegateErrors."""

    def __init__(self, url: str, options: ClientOptions | None = None) -> None:
        self._options = options or ClientOptions()
        self._client = grpcclient.InferenceServerClient(url, **self._options.connection_arguments())

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> ModelsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _infer(self, model: str, inputs: list[grpcclient.InferInput], outputs: Sequence[str]) -> dict[str, np.ndarray]:
        try:
            result = self._client.infer(model, inputs, outputs=[grpcclient.InferRequestedOutput(o) for o in outputs],
                                        headers=self._options.metadata(), client_timeout=self._options.timeout_s)
        except InferenceServerException as error:
            raise map_error(error) from None
        return {name: result.as_numpy(name) for name in outputs}

    def detect(self, images: Sequence[bytes]) -> list[list[Face]]:
        """Faces in each encoded image (JPEG, PNG or BMP), best first."""
        out = self._infer("detect", [_bytes_input("IMAGE", images)], ("BOXES", "SCORES", "LANDMARKS", "NUM_FACES"))
        faces = []
        for boxes, scores, marks, count in zip(out["BOXES"], out["SCORES"], out["LANDMARKS"], out["NUM_FACES"]):
            faces.append([Face(tuple(float(v) for v in boxes[i]), float(scores[i]), marks[i])
                          for i in range(int(count[0]))])
        return faces

    def embed(self, images: Sequence[bytes], landmarks: Sequence[np.ndarray]) -> np.ndarray:
        """L2-normalised embedding of one face per image, given its 5 landmarks."""
        out = self._infer("embed", [_bytes_input("IMAGE", images), _fp32_input("LANDMARKS", np.stack(landmarks))],
                          ("EMBEDDING",))
        vectors = out["EMBEDDING"].astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def liveness(self, images: Sequence[bytes], faces: Sequence[Face]) -> list[LivenessSignals]:
        """Eye opening, head pose, passive anti-spoofing score and sharpness of one face per image."""
        inputs = [_bytes_input("IMAGE", images),
                  _fp32_input("BOX", np.array([f.box for f in faces])),
                  _fp32_input("LANDMARKS", np.stack([f.landmarks for f in faces]))]
        names = ("EYE_OPENING", "YAW", "PITCH", "SPOOF_SCORE", "FACE_SCORE", "SHARPNESS")
        out = self._infer("liveness", inputs, names)
        return [LivenessSignals((float(e[0]), float(e[1])), float(y[0]), float(p[0]), float(s[0]), float(f[0]),
                                float(q[0]))
                for e, y, p, s, f, q in zip(*(out[name] for name in names))]
