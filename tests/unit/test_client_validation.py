import pytest

from facegate_client.errors import InvalidInput
from facegate_client.validation import (
    Limits,
    check_actions,
    check_reference,
    check_frames,
    check_image,
    check_request_id,
    check_token,
    check_verify_request,
)

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 16
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
BMP = b"BM" + b"\0" * 16
TOKEN = "v1.key-1.eyJhIjpbXX0.c2lnbmF0dXJl_-"
LIMITS = Limits()


@pytest.mark.parametrize("image", [JPEG, PNG, BMP, bytearray(JPEG)])
def test_jpeg_png_and_bmp_pass(image):
    check_image("id_photo", image, LIMITS)


@pytest.mark.parametrize(
    "image, message",
    [
        (b"", "id_photo: empty"),
        (b"GIF89a" + b"\0" * 10, "id_photo: not a JPEG, PNG or BMP image"),
        ("string", "id_photo: expected encoded image bytes, got str"),
        (None, "id_photo: expected encoded image bytes, got NoneType"),
        (JPEG + b"\0" * 100, "id_photo: 120 bytes, more than the 100 allowed"),
    ],
)
def test_bad_images_are_named(image, message):
    with pytest.raises(InvalidInput, match=f"^{message}$"):
        check_image("id_photo", image, Limits(max_image_bytes=100))


def test_the_bad_frame_is_named_by_index():
    frames = [JPEG] * 3 + [b"nope"] + [JPEG] * 6
    with pytest.raises(InvalidInput, match=r"^frames\[3\]: not a JPEG, PNG or BMP image$"):
        check_frames(frames, LIMITS)


@pytest.mark.parametrize("count", [0, 7, 65])
def test_frame_count_is_bounded(count):
    with pytest.raises(InvalidInput, match=f"frames: {count} frames, 8 to 64 required"):
        check_frames([JPEG] * count, LIMITS)


@pytest.mark.parametrize("frames", [JPEG, "frames", None])
def test_frames_must_be_a_list(frames):
    with pytest.raises(InvalidInput, match="frames: expected a list"):
        check_frames(frames, LIMITS)


def test_frame_bounds_accept_the_limits():
    check_frames([PNG] * 8, LIMITS)
    check_frames([PNG] * 64, LIMITS)


@pytest.mark.parametrize(
    "token",
    ["", "v2.k.p.m", "v1.k.p", "v1.k.p.m.x", "v1.k.p+.m", "v1.k.p.m=", "v1." + "k" * 33 + ".p.m", b"v1.k.p.m", None],
)
def test_malformed_tokens_are_refused(token):
    with pytest.raises(InvalidInput, match="^token: "):
        check_token(token, LIMITS)


def test_token_length_is_bounded():
    check_token(TOKEN, LIMITS)
    with pytest.raises(InvalidInput, match="token: 1025 characters"):
        check_token("v1.k." + "p" * 1018 + ".m", LIMITS)


def test_actions_come_from_the_allowed_set():
    check_actions(None)
    check_actions(["blink", "turn_left", "turn_right"])
    with pytest.raises(InvalidInput, match=r"^actions\[1\]: 'nod' is not one of blink, turn_left, turn_right$"):
        check_actions(["blink", "nod"])
    with pytest.raises(InvalidInput, match="non-empty list"):
        check_actions([])
    with pytest.raises(InvalidInput, match="non-empty list"):
        check_actions("blink")


@pytest.mark.parametrize("request_id", ["", "has space", "x" * 65, "line\nbreak", 7])
def test_request_ids_are_metadata_safe(request_id):
    with pytest.raises(InvalidInput, match="request_id"):
        check_request_id(request_id)


def test_a_well_formed_request_passes_and_the_photo_is_checked_first():
    check_verify_request(JPEG, [JPEG] * 8, None, TOKEN, LIMITS)
    with pytest.raises(InvalidInput, match="^id_photo: empty$"):
        check_verify_request(b"", [], None, "", LIMITS)


@pytest.mark.parametrize("value", ["", "x" * 257, "line\nbreak", 42])
def test_subject_and_device_references_are_bounded_printable_text(value):
    with pytest.raises(InvalidInput, match="subject"):
        check_reference("subject", value)
    check_reference("device", None)
    check_reference("device", "x" * 256)
