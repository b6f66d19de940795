from facegate.fetch import sha256_of
from facegate.model_build import build, manifest
from facegate.model_build.contracts import CONTRACTS
from facegate.model_build.sources import SOURCES


def _install(repository, name: str, source: dict, preprocessing: dict | None = None) -> None:
    version_dir = repository / name / "1"
    version_dir.mkdir(parents=True)
    (version_dir / manifest.MODEL).write_bytes(b"model")
    manifest.write(version_dir, manifest.Manifest(name, source, sha256_of(version_dir / manifest.MODEL), [], [],
                                                  preprocessing or CONTRACTS[name].preprocessing.to_dict()))


def test_second_run_is_a_no_op_when_outputs_match(tmp_path):
    for name in build.ORDER:
        _install(tmp_path, name, build.source_record(SOURCES[name]))
    assert build.main(["--repository", str(tmp_path), "--build-python", str(tmp_path / "absent")]) == 0


def test_changed_pin_triggers_a_rebuild(tmp_path, capsys):
    stale = build.source_record(SOURCES["face_embedder"]) | {"version": "0.0.1"}
    _install(tmp_path, "face_embedder", stale)
    code = build.main(["--only", "face_embedder", "--repository", str(tmp_path),
                       "--build-python", str(tmp_path / "absent")])
    assert code == 1 and "build environment missing" in capsys.readouterr().err


def test_a_model_built_for_another_input_is_built_again(tmp_path, capsys):
    source = build.source_record(SOURCES["face_embedder"])
    _install(tmp_path, "face_embedder", source, CONTRACTS["face_embedder"].preprocessing.to_dict()
             | {"normalised_in_model": False})
    code = build.main(["--only", "face_embedder", "--repository", str(tmp_path),
                       "--build-python", str(tmp_path / "absent")])
    assert code == 1 and "build environment missing" in capsys.readouterr().err
