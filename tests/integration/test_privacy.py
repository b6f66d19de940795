"""The product promise: nothing biometric reaches the server's logs or its disk.

After a run of verifications (with verbose server logging), the server's log output and every
file created or changed anywhere on the machine (all of / but /proc, /sys and /dev, and the host's
/dev/shm) must hold no image bytes and no embedding values, and no file under the temp directory
and the server's private directories an image-file signature.
"""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
import tritonclient.grpc as grpcclient

from facegate import testdata
from facegate_client import ModelsClient
from tests.integration.file_scan import fragments, machine_files_changed_since, without_log_prefixes

pytestmark = pytest.mark.integration

SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"JFIF", b"Exif")


def _bytes_input(name: str, blobs: list[bytes]) -> grpcclient.InferInput:
    data = np.array(blobs, dtype=np.object_)
    tensor = grpcclient.InferInput(name, list(data.shape), "BYTES")
    tensor.set_data_from_numpy(data)
    return tensor


def _call(client: grpcclient.InferenceServerClient, model: str, inputs: dict[str, list[bytes]], output: str) -> dict:
    result = client.infer(model, [_bytes_input(k, v) for k, v in inputs.items()])
    return json.loads(result.as_numpy(output)[0])


def test_no_biometric_data_in_logs_or_files(triton_server):
    frames = [testdata.encode(f) for f in testdata.video_frames("single_face_video", step=3, limit=16)]
    video = testdata.read("single_face_video")  # a VIDEO upload: decoded by the server, from memory
    id_photo = testdata.read("obama")
    started = time.time()
    log_mark = triton_server.log.mark()

    client = grpcclient.InferenceServerClient(triton_server.grpc_url)
    with ModelsClient(triton_server.grpc_url) as models:
        faces = [found[0] for found in models.detect(frames)]
        embeddings = models.embed(frames, [f.landmarks for f in faces])
        models.liveness(frames, faces)
    for clip in ({"FRAMES": frames}, {"FRAMES": frames}, {"VIDEO": [video]}):
        challenge = _call(client, "challenge", {"REQUEST": [b'{"mirrored": false}']}, "CHALLENGE")
        result = _call(client, "verify", {"ID_PHOTO": [id_photo], **clip,
                                          "TOKEN": [challenge["token"].encode()]}, "RESULT")
        assert result["decision"] in ("ACCEPT", "REJECT", "RETRY")
        assert "embedding" not in json.dumps(result).lower(), "embeddings returned without being asked for"

    log = triton_server.log.text_since(log_mark).encode()
    assert len(log) > 1000, "verbose log expected: the scan must have something to scan"
    secrets_sent = [frag for blob in (id_photo, *frames, video) for frag in fragments(blob)]
    assert not [s for s in SIGNATURES + tuple(secrets_sent) if s in log]
    values = [f"{v:.5f}".encode() for v in embeddings[:, :8].ravel() if abs(v) > 0.01]
    messages = without_log_prefixes(log)
    assert not re.search(rb"\d\d:\d\d:\d\d\.\d{6}", messages), "a log prefix the scan does not know"
    assert not [v for v in values if v in messages], "embedding values appear in the server log"

    no_images_at_all = (Path(tempfile.gettempdir()), triton_server.workdir)  # not even an image-file signature
    embedding = embeddings[0, :4].astype(np.float32).tobytes()
    scanned = machine_files_changed_since(started)
    assert any(path.is_relative_to(no_images_at_all[0]) for path in scanned), "the scan must see the test's files"
    for path in scanned:
        with contextlib.suppress(OSError):  # removed since
            content = path.read_bytes()
            assert not any(frag in content for frag in secrets_sent), f"{path} holds image bytes"
            assert embedding not in content, f"{path} holds an embedding"
            if any(path.is_relative_to(root) for root in no_images_at_all):
                assert not any(sig in content for sig in SIGNATURES), f"{path} holds an image signature"
