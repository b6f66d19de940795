import builtins

import pytest

from facegate import testdata
from facegate_client import InvalidInput
from facegate_client.validation import Limits
from facegate_client.video import clip_frames, frames_from_video


def test_a_clip_is_sampled_at_about_10_fps_as_jpegs():
    frames = frames_from_video(testdata.path("single_face_video"))  # 72 frames at 30 fps
    assert len(frames) == 24
    assert all(frame.startswith(b"\xff\xd8\xff") for frame in frames)


def test_a_long_clip_is_thinned_to_the_frame_limit():
    assert len(frames_from_video(testdata.path("single_face_video"), max_frames=10)) == 10


def test_an_undecodable_file_is_invalid_input(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"not a video")
    with pytest.raises(InvalidInput, match="cannot decode"):
        frames_from_video(path)


def test_without_pyav_the_message_says_what_to_install(monkeypatch):
    real_import = builtins.__import__
    monkeypatch.setattr(builtins, "__import__",
                        lambda name, *a, **k: (_ for _ in ()).throw(ImportError(name)) if name == "av"
                        else real_import(name, *a, **k))
    with pytest.raises(InvalidInput, match="pip install av"):
        frames_from_video("clip.mp4")


def test_a_path_is_a_video_and_a_list_is_frames(tmp_path):
    frames = [b"\xff\xd8\xff"] * 8
    assert clip_frames(frames, Limits()) is frames
    assert len(clip_frames(str(testdata.path("single_face_video")), Limits(max_frames=12))) == 12
