"""Which decoder a server uses: the `video_decoder` setting (auto: NVDEC when a GPU is visible)."""

from __future__ import annotations

from python_backends.video.clip_frames import Decoder
from python_backends.video.cpu_decoder import decode_cpu
from python_backends.video.settings import VideoSettings


def choose_decoder(settings: VideoSettings, gpus: int) -> Decoder:
    if settings.decoder == "cpu" or (settings.decoder == "auto" and gpus == 0):
        return decode_cpu
    if gpus == 0:
        raise ValueError("video_decoder gpu: no GPU is visible")
    from python_backends.video.gpu_decoder import gpu_decoder

    return gpu_decoder(0)
