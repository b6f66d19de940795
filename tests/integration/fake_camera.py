"""A camera clip for headless Chromium's fake capture device (`--use-file-for-fake-video-capture`), made
from the public turns_video: Y4M (raw I420), written to the test's private temporary directory.

The device starts at the clip's frame 0 when the page opens the camera and then loops, at the clip's own
frame rate; `video.currentTime` in the page is therefore the position in the clip (modulo its length).

Content: turns_video frames 330-471 (blinks at frames 386 and ~427, the second the one the server finds in
the mirrored crop the page sends; the subject's ~13 degree turn to their own right from frame ~445 to the
end), then 470 back to 401 (the turn returning, played backwards, so that a recording running past the
video's end sees the same single turn rather than a jump back to frame 330).
Cropped to the 400x360 region x=240..640, which centres the face the way a customer centres it in the oval.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from facegate import testdata

FIRST, LAST, BACK_TO = 330, 471, 401
CROP_X = slice(240, 640)
RATE = testdata.TURNS_VIDEO_FPS


def clip_indices() -> list[int]:
    return list(range(FIRST, LAST + 1)) + list(range(LAST - 1, BACK_TO - 1, -1))


def seconds_of(video_frame: int) -> float:
    """Where the clip first shows a turns_video frame, in seconds from its start."""
    return clip_indices().index(video_frame) / float(RATE)


def clip_seconds() -> float:
    return len(clip_indices()) / float(RATE)


def write_y4m(path: Path) -> Path:
    video = testdata.video_frames("turns_video", limit=LAST + 1)
    height, width = video[0][:, CROP_X].shape[:2]
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{RATE.numerator}:{RATE.denominator} Ip A1:1 C420\n".encode())
        for index in clip_indices():
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(video[index][:, CROP_X]), format="rgb24")
            out.write(b"FRAME\n" + frame.reformat(format="yuv420p").to_ndarray().tobytes())
    return path
