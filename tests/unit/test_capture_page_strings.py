"""The capture page's translations cover everything the page can show: a drift test against the server's
reason codes and actions, the gateway's error kinds and guidance hints, and the keys the page's files use."""

import json
import re

import pytest

from facegate.gateway.config import CAPTURE_PAGE
from facegate.gateway.errors import _ANSWERS
from facegate.gateway.guidance import Hint
from python_backends.decision.challenge import Action
from python_backends.decision.reasons import Reason, Verdict

LANGUAGES = ("en", "zh-CN")
STRINGS = {language: json.loads((CAPTURE_PAGE / "i18n" / f"{language}.json").read_text(encoding="utf-8"))
           for language in LANGUAGES}
SCRIPTS = "\n".join(path.read_text() for path in sorted((CAPTURE_PAGE / "js").glob("*.js")))


def needed_keys() -> set[str]:
    keys = {f"advice.{reason.value}" for reason in Reason if reason.verdict == Verdict.RETRY}
    keys |= {f"error.{answer.kind}" for answer in _ANSWERS.values()}
    keys |= {f"error.{kind}" for kind in re.findall(r'(?:ApiError|CameraError)\("(\w+)"\)', SCRIPTS)}
    keys |= {f"error.{kind}" for kind in re.findall(r'"(camera_\w+)"', SCRIPTS)}
    keys |= {f"hint.{hint.value}" for hint in Hint} | {"hint.too_dark", "hint.starting"}
    keys |= {f"action.{action.value}" for action in Action} | {"action.look"}
    keys |= {f"decision.{verdict.value}{suffix}" for verdict in Verdict for suffix in ("", ".help")}
    keys |= set(re.findall(r'data-i18n="([\w.]+)"', (CAPTURE_PAGE / "index.html").read_text()))
    keys |= set(re.findall(r'setText\([^,]+, "([\w.]+)"\)', SCRIPTS)) | {"advice.default", "missing"}
    return keys


def test_every_language_has_the_same_keys():
    assert STRINGS["en"].keys() == STRINGS["zh-CN"].keys()


@pytest.mark.parametrize("language", LANGUAGES)
def test_everything_the_page_can_show_is_translated(language):
    missing = sorted(needed_keys() - STRINGS[language].keys())
    assert not missing
    assert all(text.strip() for text in STRINGS[language].values())


def test_the_page_shows_no_reason_code_it_has_no_advice_for():
    assert not {key for key in STRINGS["en"] if key.startswith("advice.")} - {
        f"advice.{reason.value}" for reason in Reason} - {"advice.default"}
