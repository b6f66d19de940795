"""`make gpu-check` (`python -m facegate.bench.gpu_check --device gpu`): facegate on a GPU node, in one run.

1. starts `facegate serve --device DEVICE` (with --tensorrt: a copy of the repository whose ONNX models ask
   for the TensorRT execution provider, FP16, engines cached in --engine-cache);
2. placement, from the server's load log: every ONNX model instance runs on the expected execution
   provider (CUDA, or TensorRT, first; the CPU alone with --device cpu) and every preprocessing instance
   decodes where expected (DALI's nvJPEG mixed decoder on the GPU; DALI's CPU decoder with --device cpu);
3. the served outputs (detect, liveness, embed, verify decisions) against the CPU path computed in this
   process (ONNX Runtime CPU provider, DALI CPU decoder), within the tolerances in TOLERANCES;
4. the benchmark's MP4 sent as a VIDEO: decoded where expected (the `decoder` verify answers: nvdec on
   the GPU, ffmpeg on the CPU) and decided as the CPU path decides it; on a GPU, the NVDEC frames
   (video/gpu_decoder.py) against PyAV's in this process, NVDEC decoding in bounded runs against
   one run, and a clip that switches to frames over the pixel limit refused;
5. the benchmark at rising concurrency: verifications/s, frames/s, p50/p99, server CPU s per
   verification and GPU memory in use; then the same for the MP4 (decoded frames/s).

Exit status 0 only when every check passes. `--device cpu` runs the same code without a GPU (CI runs it
with a short load).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from facegate_client.ensembles import ModelsClient

from facegate.bench.inprocess import ONNX_MODELS, InProcessEnsembles
from facegate.bench.inprocess_runs import LocalVerifier
from facegate.bench.local_server import local_server
from facegate.bench.material import GENUINE_ACTIONS, Material, load_material
from facegate.bench.served import measure_served
from facegate.paths import MODEL_REPOSITORY
from facegate.server import Device, RunningServer
from facegate_client import ClientOptions, FacegateClient, VerificationResult
from facegate.testdata import moving_frames, size_switching_clip
from python_backends.decision import Decision, DecisionConfig, Reason
from python_backends.video import VideoProblem, VideoSettings
from python_backends.video.cpu_decoder import decode_cpu
from python_backends.video.frames import DALI_CPU, FFMPEG, NVDEC, DecodedClip
from python_backends.video.probe import probe

PREPROCESSING = ("detect_preprocess", "liveness_preprocess", "embed_preprocess")
TOLERANCES = {
    # nvJPEG and libjpeg-turbo decode the same JPEG a little differently, and GPU kernels sum in another
    # order: the faces must agree to a few pixels and the signals to well below their decision margins.
    "box and landmark px": 4.0,
    "eye opening": 0.03,
    "yaw / pitch deg": 3.0,
    "spoof score": 0.05,
    "embedding 1 - cosine": 0.02,
    # NVDEC and FFmpeg decode H.264 bit-exactly; their YUV -> RGB conversions and scalers differ by a level or two.
    "video pixels, mean grey levels": 2.0,
}
CLIP_DECODER = {Device.GPU: NVDEC, Device.CPU: FFMPEG}
_ORT_LINE = re.compile(r"(\w+_\d+_\d+): \S+ on (\w+) device (\d+), providers \[([^\]]*)\]")
_DECODER_LINE = re.compile(r'(\w+_\d+_\d+): (DALI [^\n"]*decoder[^\n"]*)')


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def tensorrt_repository(source: Path, target: Path, engine_cache: Path) -> Path:
    """`target`: `source` with the ONNX models' configs asking for TensorRT (FP16, engine cache), the
    version directories linked, not copied."""
    accelerator = (
        'optimization { execution_accelerators { gpu_execution_accelerator : [ { name : "tensorrt"\n'
        '  parameters { key: "precision_mode" value: "FP16" }\n'
        '  parameters { key: "trt_engine_cache_enable" value: "true" }\n'
        f'  parameters {{ key: "trt_engine_cache_path" value: "{engine_cache}" }} }} ] }} }}\n')
    for model in sorted(path for path in source.iterdir() if (path / "config.pbtxt").is_file()):
        (target / model.name).mkdir(parents=True)
        config = (model / "config.pbtxt").read_text()
        if model.name in ONNX_MODELS:
            config += accelerator
        (target / model.name / "config.pbtxt").write_text(config)
        for version in (path for path in model.iterdir() if path.is_dir()):
            (target / model.name / version.name).symlink_to(version.resolve())
    return target


def placement_checks(log: str, device: Device, tensorrt: bool) -> list[Check]:
    """Each ONNX model's instances on the expected provider, each preprocessing model's decoder."""
    on_gpu = device is Device.GPU
    expected_provider = ("TensorrtExecutionProvider" if tensorrt else "CUDAExecutionProvider") if on_gpu \
        else "CPUExecutionProvider"
    checks = []
    for model in ONNX_MODELS:
        lines = [m for m in _ORT_LINE.finditer(log) if m.group(1).startswith(model + "_")]
        firsts = [m.group(4).split(",")[0].strip().strip("'") for m in lines]
        ok = bool(lines) and all(first == expected_provider for first in firsts)
        detail = "; ".join(f"{m.group(1)} on {m.group(2)} {m.group(3)}: {m.group(4)}" for m in lines) or "no load line"
        checks.append(Check(f"{model} runs on {expected_provider}", ok, detail))
    expected_decoder = "nvJPEG" if on_gpu else "cpu decoder"
    for model in PREPROCESSING:
        lines = [m for m in _DECODER_LINE.finditer(log) if m.group(1).startswith(model + "_")]
        ok = bool(lines) and all(expected_decoder in m.group(2) for m in lines)
        detail = "; ".join(f"{m.group(1)}: {m.group(2)}" for m in lines) or "no load line"
        checks.append(Check(f"{model} decodes with {expected_decoder}", ok, detail))
    return checks


def _within(name: str, difference: float) -> Check:
    limit = TOLERANCES[name]
    return Check(f"{name}: served vs CPU path", difference <= limit, f"max difference {difference:.4g} (<= {limit})")


def output_checks(url: str, material: Material, local: InProcessEnsembles) -> list[Check]:
    """The served detect / liveness / embed outputs against the same stages run on the CPU in this process,
    on the genuine clip and the ID photo (each stage fed the served faces, so only that stage differs)."""
    images = [material.id_photo, *material.genuine]
    with ModelsClient(url, ClientOptions(timeout_s=120.0)) as models:
        served_faces = models.detect(images)
        local_faces = local.detect_now(images)
        counts = [len(f) for f in served_faces], [f.count for f in local_faces]
        checks = [Check("face counts: served vs CPU path", counts[0] == counts[1], f"{counts[0]} vs {counts[1]}")]
        if counts[0] != counts[1] or 0 in counts[0]:
            return checks
        faces = [found[0] for found in served_faces]
        boxes, landmarks = np.array([f.box for f in faces]), np.stack([f.landmarks for f in faces])
        px = max(np.abs(boxes - np.stack([f.boxes[0] for f in local_faces])).max(),
                 np.abs(landmarks - np.stack([f.landmarks[0] for f in local_faces])).max())
        served_signals = models.liveness(images, faces)
        local_signals = local.signals_now(images, boxes, landmarks)
        local_spoof = local.spoof_now(images, boxes, landmarks)
        served_embeddings = models.embed(images, list(landmarks))
    local_embeddings = local.embed_now(images, landmarks)
    eyes = np.abs(np.array([s.eye_opening for s in served_signals]) - [s.eye_opening for s in local_signals])
    pose = np.abs(np.array([(s.yaw, s.pitch) for s in served_signals])
                  - [(s.yaw_deg, s.pitch_deg) for s in local_signals])
    spoof = np.abs(np.array([s.spoof_score for s in served_signals]) - local_spoof)
    cosine = np.sum(served_embeddings * local_embeddings, axis=1)
    return checks + [_within("box and landmark px", float(px)), _within("eye opening", float(np.nanmax(eyes))),
                     _within("yaw / pitch deg", float(pose.max())), _within("spoof score", float(spoof.max())),
                     _within("embedding 1 - cosine", float(1 - cosine.min()))]


def decision_checks(url: str, material: Material, local: InProcessEnsembles) -> list[Check]:
    """verify's decisions on the genuine, impostor and photo-attack requests: served = CPU path."""
    cases = {"genuine": (material.id_photo, material.genuine),
             "impostor": (material.impostor_id_photo, material.genuine),
             "photo attack": (material.id_photo, material.photo_attack)}
    with FacegateClient(url, ClientOptions(timeout_s=300.0)) as client, \
            LocalVerifier(local, DecisionConfig()) as verifier:
        return [_same_decision(name, _verify(client, id_photo, frames=frames), verifier.decide(id_photo, frames))
                for name, (id_photo, frames) in cases.items()]


def video_checks(url: str, material: Material, local: InProcessEnsembles, device: Device) -> list[Check]:
    """The genuine MP4 as a VIDEO: the decoder verify answers, its decision against the CPU path's; on a GPU
    also NVDEC's frames against PyAV's."""
    expected = CLIP_DECODER[device]
    with FacegateClient(url, ClientOptions(timeout_s=300.0)) as client, \
            LocalVerifier(local, DecisionConfig()) as verifier:
        served = _verify(client, material.id_photo, video=material.genuine_video)
        decoder = served.raw.get("video", {}).get("decoder")
        checks = [Check(f"VIDEO decoded by {expected}", decoder == expected, f"verify answered decoder {decoder}"),
                  _same_decision("MP4", served, verifier.decide(material.id_photo, video=material.genuine_video))]
    if device is Device.GPU:
        checks += [nvdec_check(material.genuine_video), nvdec_runs_check(material.genuine_video),
                   nvdec_size_switch_check()]
    return checks


def nvdec_check(video: bytes, dali_device: str = "mixed") -> Check:
    """NVDEC's frames (DALI, GPU 0) against PyAV's: the mean absolute difference, grey levels
    (`dali_device` "cpu": the same code with DALI's CPU variant, for the unit tests)."""
    tolerance, settings = "video pixels, mean grey levels", VideoSettings()
    name = f"{tolerance}: NVDEC vs PyAV"
    info = probe(video, settings)
    gpu, cpu = _nvdec(video, settings, dali_device), decode_cpu(video, info, settings)
    if isinstance(gpu, str):
        return Check(name, False, gpu)
    if len(gpu.frames) != len(cpu.frames):
        return Check(name, False, f"{len(gpu.frames)} vs {len(cpu.frames)} frames")
    difference = float(np.mean([np.abs(a.astype(np.int16) - b).mean() for a, b in zip(gpu.frames, cpu.frames)]))
    limit = TOLERANCES[tolerance]
    return Check(name, difference <= limit, f"mean difference {difference:.3g} (<= {limit})")


def nvdec_runs_check(video: bytes, run_mb: int = 16, dali_device: str = "mixed") -> Check:
    """NVDEC decoding the clip in runs of `run_mb` (VideoSettings.gpu_decode_mb: several runs for the
    benchmark's MP4) gives the very frames of one run (`dali_device` as for nvdec_check)."""
    from python_backends.video.gpu_decoder import decoding_runs

    name, bounded = f"video pixels: NVDEC in runs of {run_mb} MB = in one run", VideoSettings(gpu_decode_mb=run_mb)
    whole, in_runs = _nvdec(video, VideoSettings(), dali_device), _nvdec(video, bounded, dali_device)
    for clip in (whole, in_runs):
        if isinstance(clip, str):
            return Check(name, False, clip)
    if len(in_runs.frames) != len(whole.frames):
        return Check(name, False, f"{len(in_runs.frames)} vs {len(whole.frames)} frames")
    runs = len(decoding_runs(probe(video, bounded), bounded))
    differing = sum(not np.array_equal(a, b) for a, b in zip(in_runs.frames, whole.frames))
    return Check(name, runs > 1 and differing == 0, f"{runs} runs, {differing} of {len(whole.frames)} frames differ")


def nvdec_size_switch_check(dali_device: str = "mixed") -> Check:
    """A clip whose first key frame is 320x240 and a later one 2048x2048 is refused (VIDEO_TOO_LARGE), not
    decoded at the size the probe never saw (on the CPU: 50 MB frames at 4096x4096); GPU memory after it."""
    from python_backends.video.gpu_decoder import gpu_decoder

    name = "video: a clip switching to frames over the pixel limit is refused"
    clip, settings = size_switching_clip(moving_frames(30, 320, 240), moving_frames(6, 2048, 2048)), VideoSettings()
    try:
        decoded = gpu_decoder(0, dali_device)(clip, probe(clip, settings), settings)
    except VideoProblem as problem:
        return Check(name, problem.reason is Reason.VIDEO_TOO_LARGE, f"{problem}; GPU memory {gpu_memory_mib()} MiB")
    return Check(name, False, f"decoded by {decoded.decoder}: {len(decoded.frames)} frames")


def _nvdec(video: bytes, settings: VideoSettings, dali_device: str) -> DecodedClip | str:
    """The clip as NVDEC decodes it (GPU 0; DALI's CPU variant with `dali_device` "cpu"), or why it did not."""
    from python_backends.video.gpu_decoder import gpu_decoder

    clip = gpu_decoder(0, dali_device)(video, probe(video, settings), settings)
    expected = NVDEC if dali_device == "mixed" else DALI_CPU
    return clip if clip.decoder == expected else f"NVDEC did not decode the clip ({clip.decoder} did)"


def _verify(client: FacegateClient, id_photo: bytes, **clip: object) -> VerificationResult:
    token = client.challenge(mirrored=False, actions=list(GENUINE_ACTIONS)).token
    return client.verify(id_photo, token=token, **clip)


def _same_decision(name: str, served: VerificationResult, decision: Decision) -> Check:
    served_codes = (_text(served.decision), [_text(code) for code in served.codes])
    local_codes = (decision.verdict.value, [reason.value for reason in decision.reasons])
    return Check(f"verify decision ({name}): served vs CPU path", served_codes == local_codes,
                 f"{served_codes} vs {local_codes}")


def _text(value: object) -> str:
    """A client enum's value, or the raw string the client keeps for a code it does not know."""
    return str(getattr(value, "value", value))


def gpu_memory_mib() -> str:
    """Memory in use on each GPU (nvidia-smi), or '-' without one."""
    if shutil.which("nvidia-smi") is None:
        return "-"
    out = subprocess.run(["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits"],
                         capture_output=True, text=True, timeout=30)
    return "/".join(out.stdout.split()) if out.returncode == 0 else "-"


def bench(server: RunningServer, material: Material, concurrency: Sequence[int], seconds: float,
          warmup: float, video: bool = False) -> None:
    """Prints one table row per concurrency level as it is measured; `video`: the clip sent as the MP4
    (frames/s then counts the frames the server decoded)."""
    frames = probe(material.genuine_video, VideoSettings()).frame_count if video else material.frames
    print("| users | verifications/s | frames/s | p50 s | p99 s | server CPU s / verification | GPU memory MiB | "
          "failed |\n| --- | --- | --- | --- | --- | --- | --- | --- |", flush=True)
    for users in concurrency:
        run = measure_served(server.grpc_url, server.pid, material, users, seconds, warmup, video=video)
        print(f"| {users} | {run.verifications_per_s:.3f} | {run.verifications_per_s * frames:.1f} | "
              f"{run.latency.p50_s:.3f} | {run.latency.p99_s:.3f} | {run.server_cpu_s_per_verification:.2f} | "
              f"{gpu_memory_mib()} | {run.failures} |", flush=True)


def checked(group: str, run: Callable[[], list[Check]]) -> list[Check]:
    """The group's checks, or one failed check naming the error that stopped it: a first GPU run should
    still reach the bench and print every other figure."""
    try:
        return run()
    except Exception as error:  # noqa: BLE001 - reported as a failed check, the run goes on
        return [Check(f"{group} checks ran", False, f"{type(error).__name__}: {error}")]


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m facegate.bench.gpu_check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", choices=[Device.GPU.value, Device.CPU.value], default=Device.GPU.value)
    parser.add_argument("--tensorrt", action="store_true", help="TensorRT execution provider, FP16 (GPU only)")
    parser.add_argument("--engine-cache", type=Path, default=Path.home() / ".cache" / "facegate" / "trt-engines",
                        help="TensorRT engine cache directory (built engines are reused by later runs)")
    parser.add_argument("--frames", type=int, default=16, help="frames per verification (8..48)")
    parser.add_argument("--concurrency", type=_ints, default=[1, 2, 4, 8, 16, 32], help="users per bench level")
    parser.add_argument("--video-concurrency", type=_ints, default=[1, 4, 16],
                        help="users per bench level with the clip sent as the MP4 (empty: none)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per level")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured load before each level")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    device = Device(args.device)
    material, local = load_material(args.frames), InProcessEnsembles()
    with tempfile.TemporaryDirectory(prefix="facegate-gpu-check-") as scratch:
        repository = MODEL_REPOSITORY
        if args.tensorrt:
            args.engine_cache.mkdir(parents=True, exist_ok=True)
            repository = tensorrt_repository(MODEL_REPOSITORY, Path(scratch) / "models", args.engine_cache)
        print(f"starting facegate serve --device {device.value}{' (TensorRT FP16)' if args.tensorrt else ''} ...",
              flush=True)
        with local_server(repository, device) as server:
            checks = placement_checks(server.log.text(), device, args.tensorrt)
            checks += checked("outputs", lambda: output_checks(server.grpc_url, material, local))
            checks += checked("decisions", lambda: decision_checks(server.grpc_url, material, local))
            checks += checked("video", lambda: video_checks(server.grpc_url, material, local, device))
            for check in checks:
                print(f"{'PASS' if check.passed else 'FAIL'}  {check.name}: {check.detail}", flush=True)
            print(f"\nbench, {args.frames} frames + ID photo per verification, {args.seconds:.0f} s per level:",
                  flush=True)
            bench(server, material, args.concurrency, args.seconds, args.warmup)
            if args.video_concurrency:
                print(f"\nbench, the {len(material.genuine_video):,}-byte MP4 + ID photo per verification:", flush=True)
                bench(server, material, args.video_concurrency, args.seconds, args.warmup, video=True)
    failed = [check.name for check in checks if not check.passed]
    print(f"\n{len(checks) - len(failed)}/{len(checks)} checks passed" + (f"; FAILED: {failed}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
