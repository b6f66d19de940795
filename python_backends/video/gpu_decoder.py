"""Every frame of a probed clip, decoded on a GPU by NVDEC through DALI (`fn.decoders.video`, mixed).

Written for GPU nodes and NOT RUN on one yet: no GPU was available where this was written. The same
code runs on the CPU with the operator's CPU variant (`dali_device="cpu"`), which decodes VP8/VP9
but refuses H.264 in DALI 2.4: the unit tests run it that way, and `make gpu-check` checks the GPU
run (the `decoder` it answers, the pixels against PyAV's). DALI returns neither the display rotation
nor the frame times, so the rotation comes from PyAV decoding the first frame and the times from the
container's packets (ClipInfo). A clip DALI refuses (e.g. VP8 on GPUs without it) is decoded on the
CPU instead and answered as such (`decoder` ffmpeg); damaged data is then reported there.
"""

from __future__ import annotations

import io

import av
import numpy as np
from nvidia.dali import fn, pipeline_def, types

from python_backends.video.cpu_decoder import decode_cpu
from python_backends.video.frames import DALI_CPU, NVDEC, DecodedClip, analysis_size, upright, upright_size
from python_backends.video.probe import ClipInfo
from python_backends.video.settings import VideoSettings


def _pipeline(device_id: int | None, dali_device: str, width: int, height: int):
    @pipeline_def(batch_size=1, num_threads=1, device_id=device_id, prefetch_queue_depth=1)
    def graph():
        clip = fn.external_source(name="clip", dtype=types.UINT8, device="cpu")
        # [F, H, W, 3] RGB (on the GPU when mixed); affine=False: no pinning of host threads to cores, which
        # every verify process of a node would pin to the same ones (imaging/pipeline.py does the same).
        frames = fn.decoders.video(clip, device=dali_device, affine=False)
        return fn.resize(frames, resize_x=width, resize_y=height)

    pipe = graph()
    pipe.build()
    return pipe


def display_rotation(data: bytes) -> int:
    """The counter-clockwise display rotation of the first frame (DALI does not report it)."""
    with av.open(io.BytesIO(data), mode="r") as container:
        return next(container.decode(video=0)).rotation


def gpu_decoder(device_id: int, dali_device: str = "mixed"):
    """A Decoder (see clip_frames.Decoder) decoding on GPU `device_id` (`dali_device` "cpu": DALI's CPU
    variant, for tests without a GPU)."""
    on_gpu = dali_device == "mixed"

    def decode_gpu(data: bytes, info: ClipInfo, settings: VideoSettings) -> DecodedClip:
        width, height = analysis_size(info.width, info.height, settings.analysis_side)
        try:
            pipe = _pipeline(device_id if on_gpu else None, dali_device, width, height)
            pipe.feed_input("clip", [np.frombuffer(data, dtype=np.uint8)])
            (frames,) = pipe.run()
            rgb = np.asarray(frames.as_cpu()[0])
        except RuntimeError:  # NVDEC refused the codec or the data: the CPU decoder decides which
            return decode_cpu(data, info, settings)
        if len(rgb) != info.frame_count:
            return decode_cpu(data, info, settings)
        rotation = display_rotation(data)
        return DecodedClip(tuple(upright(frame, rotation) for frame in rgb), info.times_s,
                           *upright_size(width, height, rotation), rotation, NVDEC if on_gpu else DALI_CPU)

    return decode_gpu
