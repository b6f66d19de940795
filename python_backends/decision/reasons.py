"""Stable reason codes, the verdict each implies, and the generated docs/reason-codes.md.

Codes are part of the public API: carriers branch on them. Add new members, never rename one.
The members are listed in precedence order (see `python_backends.decision.rules`).
"""

from __future__ import annotations

import enum


class Verdict(str, enum.Enum):
    ACCEPT = "ACCEPT"  # same person, live, challenge performed
    RETRY = "RETRY"  # could not be assessed: capture again with a new challenge
    REJECT = "REJECT"  # evidence of an attack, a mismatch or a misused token


class Reason(str, enum.Enum):
    """A reason code; `.verdict` and `.description` come from the table below."""

    verdict: Verdict
    description: str

    def __new__(cls, code: str, verdict: Verdict, description: str) -> "Reason":
        member = str.__new__(cls, code)
        member._value_ = code
        member.verdict = verdict
        member.description = description
        return member

    TOKEN_MALFORMED = ("TOKEN_MALFORMED", Verdict.REJECT, "The challenge token is not a well-formed facegate token.")
    TOKEN_FORGED = ("TOKEN_FORGED", Verdict.REJECT, "The challenge token's signature does not verify.")
    TOKEN_UNKNOWN_KEY = ("TOKEN_UNKNOWN_KEY", Verdict.RETRY, "The token was signed with a key that is no longer (or never was) accepted.")
    TOKEN_EXPIRED = ("TOKEN_EXPIRED", Verdict.RETRY, "The challenge expired before verification.")
    TOKEN_REPLAYED = ("TOKEN_REPLAYED", Verdict.REJECT, "The challenge token was already used once.")
    SERVICE_UNAVAILABLE = ("SERVICE_UNAVAILABLE", Verdict.RETRY, "The one-use token store could not be reached; nothing was assessed.")
    LOCKED_OUT = ("LOCKED_OUT", Verdict.RETRY, "The subscriber or device the token is bound to is locked out after too many failed attempts.")
    IMAGE_CORRUPT = ("IMAGE_CORRUPT", Verdict.RETRY, "An image is empty or cannot be decoded.")
    IMAGE_TOO_LARGE = ("IMAGE_TOO_LARGE", Verdict.RETRY, "An image exceeds the byte or pixel limit.")
    IMAGE_TOO_SMALL = ("IMAGE_TOO_SMALL", Verdict.RETRY, "An image is smaller than the minimum size on a side.")
    REQUEST_TOO_LARGE = ("REQUEST_TOO_LARGE", Verdict.RETRY, "The images together exceed the request's decoded-pixel budget.")
    VIDEO_INVALID = ("VIDEO_INVALID", Verdict.RETRY, "The selfie video is empty or not a video container (MP4 or WebM).")
    VIDEO_CODEC_UNSUPPORTED = ("VIDEO_CODEC_UNSUPPORTED", Verdict.RETRY, "The selfie video's codec is not accepted (H.264, VP8 or VP9).")
    VIDEO_TRUNCATED = ("VIDEO_TRUNCATED", Verdict.RETRY, "The selfie video is cut short or damaged: it cannot be decoded to its end.")
    VIDEO_TOO_LARGE = ("VIDEO_TOO_LARGE", Verdict.RETRY, "The selfie video exceeds the byte limit or its frames the pixel limit.")
    VIDEO_TOO_LONG = ("VIDEO_TOO_LONG", Verdict.RETRY, "The selfie video is longer than allowed.")
    VIDEO_TOO_SHORT = ("VIDEO_TOO_SHORT", Verdict.RETRY, "The selfie video is shorter than required.")
    TOO_FEW_FRAMES = ("TOO_FEW_FRAMES", Verdict.RETRY, "The selfie clip has fewer frames than required.")
    TOO_MANY_FRAMES = ("TOO_MANY_FRAMES", Verdict.RETRY, "The selfie clip has more frames than allowed.")
    NO_FACE_ID_PHOTO = ("NO_FACE_ID_PHOTO", Verdict.RETRY, "No face was found in the ID photo.")
    NO_FACE_FRAMES = ("NO_FACE_FRAMES", Verdict.RETRY, "Too many selfie frames show no face.")
    MULTIPLE_FACES = ("MULTIPLE_FACES", Verdict.REJECT, "The ID photo or a selfie frame shows more than one face (someone else is in the picture).")
    FACE_TOO_SMALL = ("FACE_TOO_SMALL", Verdict.RETRY, "The face is too small in the selfie frames.")
    IMAGE_BLURRY = ("IMAGE_BLURRY", Verdict.RETRY, "The face is too blurry in the selfie frames (a blurry ID photo only lowers the match score).")
    IDENTITY_CHANGED = ("IDENTITY_CHANGED", Verdict.REJECT, "The face in the clip changed to another person mid-clip.")
    SPOOF_SUSPECTED = ("SPOOF_SUSPECTED", Verdict.REJECT, "Passive anti-spoofing scores the clip as a presentation attack.")
    STATIC_SEQUENCE = ("STATIC_SEQUENCE", Verdict.REJECT, "Nothing in the face moves across the clip (photo attack).")
    NO_BLINK = ("NO_BLINK", Verdict.RETRY, "A challenged blink was not detected.")
    ACTION_MISSING = ("ACTION_MISSING", Verdict.RETRY, "A challenged head turn was not detected.")
    ACTION_ORDER = ("ACTION_ORDER", Verdict.RETRY, "The actions were performed out of the challenged order, or extra turns were made.")
    FACE_MISMATCH = ("FACE_MISMATCH", Verdict.REJECT, "The selfie face does not match the ID photo.")


def reason_codes_markdown() -> str:
    """The content of docs/reason-codes.md (regenerate with `python -m python_backends.decision`)."""
    lines = [
        "# Reason codes",
        "",
        "Generated from `python_backends/decision/reasons.py`; do not edit by hand:",
        "`python -m python_backends.decision > docs/reason-codes.md`.",
        "",
        "`verify` answers ACCEPT (no reasons), RETRY (capture again with a new challenge) or REJECT.",
        "Codes are listed in precedence order. Token errors stop the request, then request errors, then",
        "quality problems (RETRY, except MULTIPLE_FACES: a second person in the picture is REJECT);",
        "liveness and match findings are reported together and the decision is REJECT if any of them",
        "implies REJECT. The reasons that imply the decision come first.",
        "",
        "| code | decision | meaning |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{reason.value}` | {reason.verdict.value} | {reason.description} |" for reason in Reason]
    return "\n".join(lines) + "\n"
