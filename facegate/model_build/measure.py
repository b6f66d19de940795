"""Measure the built models on CPU (ONNX Runtime): latency and a sanity check of meaning on real faces.

`python -m facegate.model_build.measure` prints markdown for MODELS.md. Nothing is written to disk.
"""

from __future__ import annotations

import statistics
import time
from itertools import combinations

import numpy as np

from facegate import testdata
from facegate.model_build.contracts import CONTRACTS
from facegate.model_build.face_crops import (Detector, Sample, aligned_crop, decode_image, letterbox, real_faces,
                                          square_crop, upright_crop)
from facegate.paths import MODEL_REPOSITORY

LEFT_EYE = (362, 385, 387, 263, 373, 380)  # subject's left: p1..p6 for the eye-aspect-ratio
RIGHT_EYE = (33, 160, 158, 133, 153, 144)
IDENTITIES = ("obama", "obama2", "obama3", "biden", "single_face", "su", "hao", "anc", "di_yaw45")


def session(name: str):
    import onnxruntime as ort

    return ort.InferenceSession(str(MODEL_REPOSITORY / name / "1" / "model.onnx"), providers=["CPUExecutionProvider"])


def latency_ms(run, batch: np.ndarray, repeats: int) -> float:
    """Median milliseconds per image."""
    run(batch)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(batch)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times) / len(batch)


def model_input(name: str, samples: list[Sample]) -> np.ndarray:
    contract = CONTRACTS[name]
    if name == "face_detector":
        crops = [letterbox(s.rgb)[0] for s in samples]
    elif name == "face_landmarker":
        crops = [upright_crop(s.rgb, s.face, 192) for s in samples]
    elif name == "face_embedder":
        crops = [aligned_crop(s.rgb, s.face.landmarks, 112) for s in samples]
    else:
        crops = [square_crop(s.rgb, s.face.box, 256) for s in samples]
    return contract.preprocessing.to_pixels(np.stack(crops))


def latency_table(samples: list[Sample]) -> list[str]:
    rows = ["| model | input | batch 1 ms/img | batch 16 ms/img |", "| --- | --- | --- | --- |"]
    for name in CONTRACTS:
        sess = session(name)
        inputs = model_input(name, (samples * 16)[:16])

        def run(batch: np.ndarray, sess=sess) -> list:
            return sess.run(None, {"input": batch})

        rows.append(f"| {name} | {list(inputs.shape[1:])} | {latency_ms(run, inputs[:1], 20):.1f} "
                    f"| {latency_ms(run, inputs, 5):.1f} |")
    return rows


def embedding_figures(detector: Detector) -> list[str]:
    sess = session("face_embedder")
    faces = {name: real_faces(detector, (name,), ())[0] for name in IDENTITIES}
    vectors = {name: sess.run(None, {"input": model_input("face_embedder", [s])})[0][0] for name, s in faces.items()}
    person = {name: testdata.ASSETS[name].person or name for name in IDENTITIES}
    genuine, impostor = [], []
    for a, b in combinations(IDENTITIES, 2):
        (genuine if person[a] == person[b] else impostor).append((float(vectors[a] @ vectors[b]), a, b))
    impostor.sort(reverse=True)
    lines = [f"- genuine pairs (obama x3): {', '.join(f'{a}/{b} {c:.2f}' for c, a, b in genuine)}",
             f"- impostor pairs ({len(impostor)}): median {statistics.median(c for c, _, _ in impostor):.2f}, "
             f"worst {', '.join(f'{a}/{b} {c:.2f}' for c, a, b in impostor[:3])}"]
    obama_vs_biden = [c for c, a, b in impostor if "biden" in (a, b) and "obama" in a + b]
    lines.append(f"- obama* vs biden: {', '.join(f'{c:.2f}' for c in obama_vs_biden)}")
    return lines


def antispoof_figures(detector: Detector) -> list[str]:
    sess = session("face_antispoof")

    def scores(samples: list[Sample]) -> np.ndarray:
        return sess.run(None, {"input": model_input("face_antispoof", samples)})[0][:, 0]

    photos = real_faces(detector, IDENTITIES + ("multi_face",), ())
    frames = real_faces(detector, (), (("single_face_video", 1, None), ("turns_video", 8, None)))
    lines = []
    for label, samples in (("video frames", frames), ("still photos", photos)):
        s = scores(samples)
        lines.append(f"- {label}: n={len(s)}, live (< 0.2) {int((s < 0.2).sum())}/{len(s)}, "
                     f"median {np.median(s):.3f}, max {s.max():.3f}")
    return lines


def eye_aspect_ratio(points: np.ndarray, eye: tuple[int, ...]) -> float:
    p = points[list(eye), :2]
    return float((np.linalg.norm(p[1] - p[5]) + np.linalg.norm(p[2] - p[4])) / (2 * np.linalg.norm(p[0] - p[3])))


def landmark_figures(detector: Detector) -> list[str]:
    sess = session("face_landmarker")
    frames = testdata.video_frames("single_face_video")[20:33]
    samples = [Sample(f"frame {20 + i}", rgb, detector.detect(rgb)[0]) for i, rgb in enumerate(frames)]
    landmarks, face_score = sess.run(None, {"input": model_input("face_landmarker", samples)})
    cells = []
    for index, (points, score) in enumerate(zip(landmarks.reshape(-1, 468, 3), face_score[:, 0])):
        ear = (eye_aspect_ratio(points, LEFT_EYE) + eye_aspect_ratio(points, RIGHT_EYE)) / 2
        cells.append(f"{20 + index}: {ear:.2f} ({score:.2f})")
    return ["- single_face_video, mean EAR (face_score) per frame: " + ", ".join(cells)]


def main() -> None:
    detector = Detector(MODEL_REPOSITORY / "face_detector" / "1" / "model.onnx")
    photo = decode_image(testdata.read("obama"))
    samples = [Sample("obama", photo, detector.detect(photo)[0])]
    for line in [*latency_table(samples), "", *embedding_figures(detector), *antispoof_figures(detector),
                 *landmark_figures(detector)]:
        print(line)


if __name__ == "__main__":
    main()
