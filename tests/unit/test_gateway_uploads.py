import asyncio
import base64
import json

import pytest

from facegate.gateway.uploads import BodyTooLarge, VerifyUpload, parse_challenge, parse_verify, read_capped
from facegate_client import InvalidInput


async def _chunks(*parts: bytes):
    for part in parts:
        yield part


def _read(parts, declared, limit):
    return asyncio.run(read_capped(_chunks(*parts), declared, limit))


def test_a_body_is_read_whole_under_the_cap():
    assert _read([b"ab", b"cd"], None, 4) == b"abcd"


@pytest.mark.parametrize(("parts", "declared"), [([b"ab", b"cde"], None), ([b"a"], "5")])
def test_a_body_over_the_cap_is_refused_as_it_arrives_or_by_its_declared_length(parts, declared):
    with pytest.raises(BodyTooLarge):
        _read(parts, declared, 4)


def _verify_body(**overrides) -> bytes:
    body = {"token": "v1.k.p.m", "id_photo": base64.b64encode(b"id").decode(),
            "clip": {"mode": "frames", "frames": [base64.b64encode(b"f%d" % i).decode() for i in range(2)]}}
    return json.dumps({**body, **overrides}).encode()


def test_a_verify_upload_is_decoded():
    assert parse_verify(_verify_body(), "frames") == VerifyUpload("v1.k.p.m", b"id", (b"f0", b"f1"))


@pytest.mark.parametrize(("body", "message"), [
    (b"not json", "not JSON"),
    (b"[" * 5000, "not JSON"),
    (b"[]", "not a JSON object"),
    (_verify_body(clip={"mode": "video", "video": ""}), "clip: expected"),
    (_verify_body(clip={"mode": "frames"}), "clip.frames"),
    (_verify_body(token=7), "token"),
    (_verify_body(id_photo="%%%"), "id_photo: not valid base64"),
    (_verify_body(clip={"mode": "frames", "frames": ["AA==", 3]}), r"clip.frames\[1\]"),
])
def test_a_malformed_verify_upload_is_invalid_input(body, message):
    with pytest.raises(InvalidInput, match=message):
        parse_verify(body, "frames")


def test_a_video_upload_carries_the_clip_in_video_mode_only():
    video = {"mode": "video", "video": base64.b64encode(b"webm").decode()}
    assert parse_verify(_verify_body(clip=video), "video") == VerifyUpload("v1.k.p.m", b"id", (), b"webm")
    for clip, message in (({"mode": "video", "video": ["AA=="]}, "clip.video: expected a base64 string"),
                          ({"mode": "video", "video": "%%%"}, "clip.video: not valid base64"),
                          ({"mode": "frames", "frames": []}, "clip: expected")):
        with pytest.raises(InvalidInput, match=message):
            parse_verify(_verify_body(clip=clip), "video")


def test_a_challenge_request_carries_mirrored_only():
    assert parse_challenge(b'{"mirrored": true}') is True
    assert parse_challenge(b"") is False
    for body in (b'{"mirrored": "yes"}', b'{"mirrored": true, "actions": ["blink"]}'):
        with pytest.raises(InvalidInput):
            parse_challenge(body)
