"""Every frame of a probed clip, decoded on a GPU by NVDEC through DALI (`fn.decoders.video`, mixed).

Written for GPU nodes and NOT RUN on one yet: no GPU was available where this was written. The same
code runs on the CPU with the operator's CPU variant (`dali_device="cpu"`), which decodes VP8/VP9
but refuses H.264 in DALI 2.4: the unit tests run it that way, and `make gpu-check` checks the GPU
run (the `decoder` it answers, the pixels against PyAV's, runs against one run). DALI returns neither
the display rotation nor the frame times, so the rotation comes from PyAV decoding the first frame and
the times from the container's packets (ClipInfo). A clip DALI refuses (e.g. VP8 on GPUs without it)
is decoded on the CPU instead and answered as such (`decoder` ffmpeg); damaged data is then reported
there.

DALI holds the frames a run decodes at their stored size on the GPU before scaling them, and its
memory pool keeps its peak: a whole 300-frame 1080p clip would be 1.9 GB. So a clip is decoded in
runs of frames `[start, end)` of at most `VideoSettings.gpu_decode_mb` at the stored size; each run
after the first decodes again from the key frame before its start (the price of the bound, paid
only by clips over it). Each run is a sample of its own: no decoder state carries over from one
clip (another customer's) to the next. Pipelines are built once and reused, one per decode in flight.
"""

from __future__ import annotations

import queue

import numpy as np
from nvidia.dali import fn, pipeline_def, types

from python_backends.video.cpu_decoder import decode_cpu
from python_backends.video.frames import DALI_CPU, NVDEC, DecodedClip, analysis_size, upright, upright_size
from python_backends.video.probe import ClipInfo, open_clip
from python_backends.video.settings import VideoSettings

INPUTS = ("clip", "start", "end", "size")


def _pipeline(device_id: int | None, dali_device: str):
    @pipeline_def(batch_size=1, num_threads=1, device_id=device_id, prefetch_queue_depth=1)
    def graph():
        clip, start, end, size = (fn.external_source(name=name, device="cpu") for name in INPUTS)
        # [F, H, W, 3] RGB (on the GPU when mixed); affine=False: no pinning of host threads to cores, which
        # every verify process of a node would pin to the same ones (imaging/pipeline.py does the same).
        # pad_mode none: a run past the frames that decode is an error, never frames made up.
        frames = fn.decoders.video(clip, device=dali_device, affine=False, start_frame=start, end_frame=end,
                                   pad_mode="none")
        return fn.resize(frames, size=size)

    pipe = graph()
    pipe.build()
    return pipe


def display_rotation(data: bytes) -> int:
    """The counter-clockwise display rotation of the first frame (DALI does not report it)."""
    with open_clip(data) as container:
        return next(container.decode(video=0)).rotation


def frames_per_run(info: ClipInfo, settings: VideoSettings) -> int:
    """How many frames one decoding run holds at the stored size within `gpu_decode_mb` (at least 1)."""
    return max(1, int(settings.gpu_decode_mb * 2**20 // (info.width * info.height * 3)))


def decoding_runs(info: ClipInfo, settings: VideoSettings) -> list[tuple[int, int]]:
    """The frame ranges `[start, end)` a clip is decoded in, one DALI run each."""
    per_run = frames_per_run(info, settings)
    return [(start, min(start + per_run, info.frame_count)) for start in range(0, info.frame_count, per_run)]


def _decode_runs(pipe, data: bytes, info: ClipInfo, width: int, height: int,
                 runs: list[tuple[int, int]]) -> np.ndarray:
    """[F, height, width, 3] uint8, decoded run by run. Raises RuntimeError (DALI's) when a run fails,
    ValueError when it returns other than the frames asked."""
    rgb = np.empty((info.frame_count, height, width, 3), np.uint8)
    encoded, size = np.frombuffer(data, np.uint8), np.array([height, width], np.float32)
    for start, end in runs:
        for name, value in zip(INPUTS, (encoded, np.int32(start), np.int32(end), size)):
            pipe.feed_input(name, [np.asarray(value)])
        (frames,) = pipe.run()
        run = np.asarray(frames.as_cpu()[0])
        if run.shape != rgb[start:end].shape:
            raise ValueError(f"frames {start}-{end}: got {run.shape}")
        rgb[start:end] = run
    return rgb


def _take(idle: queue.SimpleQueue):
    try:
        return idle.get_nowait()
    except queue.Empty:
        return None


def gpu_decoder(device_id: int, dali_device: str = "mixed"):
    """A Decoder (see clip_frames.Decoder) decoding on GPU `device_id` (`dali_device` "cpu": DALI's CPU
    variant, for tests without a GPU)."""
    on_gpu = dali_device == "mixed"
    idle: queue.SimpleQueue = queue.SimpleQueue()  # built pipelines no decode is using

    def decode_gpu(data: bytes, info: ClipInfo, settings: VideoSettings) -> DecodedClip:
        width, height = analysis_size(info.width, info.height, settings.analysis_side)
        try:
            pipe = _take(idle) or _pipeline(device_id if on_gpu else None, dali_device)
            rgb = _decode_runs(pipe, data, info, width, height, decoding_runs(info, settings))
        except (RuntimeError, ValueError):  # no NVDEC, or it refused the codec or the data: the CPU decoder
            return decode_cpu(data, info, settings)  # decides which (a pipeline whose run failed is dropped)
        idle.put(pipe)
        rotation = display_rotation(data)
        return DecodedClip(tuple(upright(frame, rotation) for frame in rgb), info.times_s,
                           *upright_size(width, height, rotation), rotation, NVDEC if on_gpu else DALI_CPU)

    return decode_gpu
