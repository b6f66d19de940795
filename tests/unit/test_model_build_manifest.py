from facegate.fetch import sha256_of
from facegate.model_build import manifest
from facegate.model_build.manifest import Manifest, TensorSpec

PREPROCESSING = {"mean": [0.0, 0.0, 0.0], "normalised_in_model": True}
SOURCE = {"registry": "npm", "package": "p", "version": "1.0.0", "archive": "p-1.0.0.tgz",
          "archive_sha256": "ab" * 32, "member": "m.tflite", "licence": "MIT"}


def _built(tmp_path) -> Manifest:
    (tmp_path / manifest.MODEL).write_bytes(b"onnx bytes")
    built = Manifest("m", SOURCE, sha256_of(tmp_path / manifest.MODEL), [TensorSpec("input", "float32", ["batch", 3, 8, 8])],
                     [TensorSpec("out", "float32", ["batch", 1])], dict(PREPROCESSING), {"vs_original": {"out": 1e-6}})
    manifest.write(tmp_path, built)
    return built


def test_round_trip(tmp_path):
    assert manifest.read(tmp_path) is None
    built = _built(tmp_path)
    assert manifest.read(tmp_path) == built


def test_current_only_when_model_hash_source_and_preprocessing_match(tmp_path):
    _built(tmp_path)
    assert manifest.is_current(tmp_path, SOURCE, PREPROCESSING)
    assert not manifest.is_current(tmp_path, SOURCE | {"version": "1.0.1"}, PREPROCESSING)
    assert not manifest.is_current(tmp_path, SOURCE, PREPROCESSING | {"normalised_in_model": False})
    (tmp_path / manifest.MODEL).write_bytes(b"altered")
    assert not manifest.is_current(tmp_path, SOURCE, PREPROCESSING)


def test_unreadable_manifest_is_not_current(tmp_path):
    _built(tmp_path)
    (tmp_path / manifest.MANIFEST).write_text("{not json")
    assert manifest.read(tmp_path) is None and not manifest.is_current(tmp_path, SOURCE, PREPROCESSING)
