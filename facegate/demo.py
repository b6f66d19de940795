"""`facegate demo`: start the server, send real face images through the gRPC client, print what came back."""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Sequence

from facegate import testdata
from facegate.server import ServerConfig, running_server
from facegate.server.keyring_file import temporary_keyring_file
from facegate.server.ports import free_ports
from facegate_client import FacegateClient, ModelsClient, VerificationResult

PHOTOS = ("obama", "obama2", "obama3", "biden", "su", "multi_face", "landscape")
PEOPLE = ("obama", "obama2", "obama3", "biden", "su", "hao")


def _detections(client: ModelsClient) -> None:
    print("\n== detect: faces and 5 landmarks per photo ==")
    found = client.detect([testdata.read(name) for name in PHOTOS])
    for name, faces in zip(PHOTOS, found):
        print(f"{name:<11} {len(faces)} face(s)")
        for face in faces:
            box = " ".join(f"{v:6.1f}" for v in face.box)
            marks = " ".join(f"({x:.0f},{y:.0f})" for x, y in face.landmarks)
            print(f"    box [{box}]  score {face.score:.3f}  landmarks {marks}")


def _similarities(client: ModelsClient) -> None:
    print("\n== embed: cosine similarity of aligned faces (same person > different people) ==")
    images = [testdata.read(name) for name in PEOPLE]
    faces = [found[0] for found in client.detect(images)]
    vectors = client.embed(images, [face.landmarks for face in faces])
    for i, j in itertools.combinations(range(len(PEOPLE)), 2):
        a, b = PEOPLE[i], PEOPLE[j]
        same = testdata.ASSETS[a].person == testdata.ASSETS[b].person
        print(f"{a:>7} vs {b:<7} {float(vectors[i] @ vectors[j]):+.3f}  {'same person' if same else 'different'}")


def _blink(client: ModelsClient) -> None:
    print("\n== liveness: eye opening and yaw over a real selfie clip (frames 20-33) ==")
    frames = [testdata.encode(f) for f in testdata.video_frames("single_face_video", limit=34)[20:]]
    faces = [found[0] for found in client.detect(frames)]
    for index, signal in enumerate(client.liveness(frames, faces), start=20):
        opening = sum(signal.eye_opening) / 2
        print(f"frame {index:2d}  eye opening {opening:.3f} {'#' * int(opening * 100)}  "
              f"yaw {signal.yaw:+5.1f}  spoof {signal.spoof_score:.2f}")


def _print_result(title: str, result: VerificationResult, seconds: float) -> None:
    """Actions at the frame numbers sent, or for a VIDEO at the numbers of the frames the server decoded."""
    codes = ", ".join(str(getattr(r.code, "value", r.code)) for r in result.reasons) or "-"
    video = result.raw.get("video")
    number = (lambda i: video["frames"][i]) if video else (lambda i: i)
    seen = ", ".join(f"{a['action']}@{number(a['frames'][0])}-{number(a['frames'][-1])}"
                     for a in result.liveness.get("actions", []))
    print(f"{title:<36} {getattr(result.decision, 'value', result.decision):<7} reasons: {codes}")
    print(f"{'':<36} match {result.match_score:+.3f} (threshold {result.match_threshold}), "
          f"spoof {result.spoof_score:.3f}, seen [{seen}], yaw range {result.liveness.get('yaw_range')}, "
          f"{seconds:.2f} s")
    if video:
        print(f"{'':<36} {video['codec']} decoded by {video['decoder']}: {video['decoded_frames']} frames at "
              f"{video['fps']} fps, {len(video['frames'])} of them analysed")


def _verifications(url: str) -> None:
    print("\n== challenge + verify: a real clip against an ID-chip-sized photo ==")
    recording = testdata.genuine_recording()
    impostor_id = testdata.encode(testdata.video_frames("single_face_video", limit=1)[0][:, 140:500],
                                  quality=30, size=(102, 126))
    still = recording.frames[:1] * 16
    frames, clip = {"frames": recording.frames}, {"video": recording.clip}
    cases = [("genuine (same person, actions shown)", recording.id_photo, frames, recording.actions),
             ("impostor (another person's ID)", impostor_id, frames, recording.actions),
             ("wrong order (turn before blink)", recording.id_photo, frames, recording.actions[::-1]),
             ("photo attack (one frame repeated)", recording.id_photo, {"frames": still}, recording.actions),
             (f"genuine, the MP4 ({len(recording.clip) // 1000} kB)", recording.id_photo, clip, recording.actions)]
    with FacegateClient([url]) as client:
        for title, id_photo, sent, actions in cases:
            challenge = client.challenge(mirrored=False, actions=list(actions))
            started = time.monotonic()
            result = client.verify(id_photo, token=challenge.token, **sent)
            _print_result(title, result, time.monotonic() - started)


def main(argv: Sequence[str] | None = None) -> int:
    grpc_port, http_port, metrics_port = free_ports(3)
    print(f"starting Triton on 127.0.0.1:{grpc_port} (demo mode: requested challenge actions allowed) ...", flush=True)
    started = time.monotonic()
    with temporary_keyring_file() as keyring_file:
        config = ServerConfig(grpc_port=grpc_port, http_port=http_port, metrics_port=metrics_port,
                              address="127.0.0.1", keyring_file=keyring_file, allow_requested_actions=True)
        with running_server(config) as server:
            print(f"all {len(server.models)} models READY in {time.monotonic() - started:.1f} s")
            with ModelsClient(server.grpc_url) as client:
                _detections(client)
                _similarities(client)
                _blink(client)
            _verifications(server.grpc_url)
    print("\nserver stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
