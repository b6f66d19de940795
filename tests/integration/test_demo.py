"""`make demo` (`facegate demo`), the README's first command, end to end: its own real server, real images,
the decisions its worked example shows."""

from __future__ import annotations

import re

import pytest

from facegate.demo import main

pytestmark = pytest.mark.integration


def test_the_demo_prints_the_decisions_of_the_readme_example(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert re.search(r"all \d+ models READY", out) and out.rstrip().endswith("server stopped")
    assert re.search(r"multi_face\s+5 face\(s\)", out) and re.search(r"landscape\s+0 face\(s\)", out)
    decisions = re.findall(r"^(\S.{35}) (ACCEPT|REJECT|RETRY)\s+reasons: (.*)$", out, flags=re.MULTILINE)
    assert [(title.strip(), decision, reasons) for title, decision, reasons in decisions] == [
        ("genuine (same person, actions shown)", "ACCEPT", "-"),
        ("impostor (another person's ID)", "REJECT", "FACE_MISMATCH"),
        ("wrong order (turn before blink)", "RETRY", "ACTION_ORDER"),
        ("photo attack (one frame repeated)", "REJECT", "STATIC_SEQUENCE, NO_BLINK, ACTION_MISSING"),
        (re.search(r"genuine, the MP4 \(\d+ kB\)", out).group(0), "ACCEPT", "-"),
    ]
    assert re.search(r"h264 decoded by ffmpeg: 96 frames at 23.98 fps, \d+ of them analysed", out)
