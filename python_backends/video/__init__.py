"""Selfie clips sent as one video (verify's VIDEO input): checked, decoded from memory, screened.

`probe` reads the container (no decoding) and enforces the limits in `settings`; `cpu_decoder`
(PyAV) or `gpu_decoder` (DALI, NVDEC) decodes every frame at its native rate, upright, at the
analysis size; `screening` measures each frame cheaply (faces, eye opening, yaw) and `selection`
picks the few frames the full verify path runs on. `clip_frames.ClipFrames` ties them together:
verify sees the chosen frames as an ordinary frame list (python_backends/verify/pipeline.py).
"""

from python_backends.video.problems import VideoProblem
from python_backends.video.settings import VideoSettings

__all__ = ["VideoProblem", "VideoSettings"]
