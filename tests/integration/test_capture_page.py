"""The capture page (web/capture/) in a real browser: Debian's Chromium, headless, driven through
chromium-driver, with a fake camera fed from a real clip, through `facegate gateway` to the real Triton
server and models. Screenshots of every step go to build/capture-page/<case>/.

How a fixed clip meets the challenge: the server allows requested challenge actions (the suite's server,
as in the verify tests) and the gateway runs with `--demo-actions blink,turn_right`, the order the clip
shows. Chromium's fake camera starts the clip (tests/integration/fake_camera.py) when the page opens the
camera and loops it, so the page's `video.currentTime` is the position in the clip. The page records 64
frames at 15 fps (4.3 s) from when Start is pressed; the test presses it (with the keyboard) when the clip
is about to show turns_video frame 372, so the recording holds a blink and then the turn (from frame ~445,
then its return). Measured by sending the same 15 fps samplings of the clip, mirrored as the page sends
them, straight to the real server: starts at frames 352, 358, 378, 388 and 392 were ACCEPTed (the blink
found at frame ~427 of these mirrored crops; at 386 in the unmirrored full frames), 345 was a RETRY
(ACTION_MISSING: the turn not reached). The assertion message names the start the recording really had.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from facegate import testdata
from facegate.gateway.config import CAPTURE_PAGE
from facegate.paths import REPO_ROOT
from facegate.server.ports import free_ports
from tests.integration import fake_camera
from tests.integration.gateway_process import running_gateway

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREENSHOTS = REPO_ROOT / "build" / "capture-page"
START_AT_FRAME = 372  # the clip frame the recording should start on (352-392 measured to ACCEPT)
START_LATENCY_S = 0.15  # from the key press to the first recorded frame: the challenge call, about
STRINGS = {language: json.loads((CAPTURE_PAGE / "i18n" / f"{language}.json").read_text(encoding="utf-8"))
           for language in ("en", "zh-CN")}


@pytest.fixture(scope="module")
def material(tmp_path_factory) -> dict[str, Path]:
    """The camera clip and two ID photos (ID-chip stand-ins, as in the demo), in a private temporary folder."""
    folder = tmp_path_factory.mktemp("capture-page")
    turns = testdata.video_frames("turns_video", limit=261)
    other = testdata.video_frames("single_face_video", limit=1)[0]
    (folder / "genuine-id.jpg").write_bytes(testdata.chip_photo(turns[260], left=295))
    (folder / "other-person-id.jpg").write_bytes(testdata.encode(other[:, 140:500], quality=30, size=(102, 126)))
    return {"camera": fake_camera.write_y4m(folder / "camera.y4m"), "genuine": folder / "genuine-id.jpg",
            "other": folder / "other-person-id.jpg"}


@pytest.fixture
def browser(material):
    """A fresh Chromium per test: a crashed tab fails one test only, and each camera starts at the clip's start."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("Debian's chromium and chromium-driver are needed: `make browser` installs them "
                    "(or deselect these tests with -m 'not browser')")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--window-size=820,1180", "--mute-audio",
                     "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={material['camera']}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def gateway(triton_server):
    with running_gateway([triton_server.grpc_url], "--demo-actions", "blink,turn_right") as url:
        yield url


class Steps:
    """Screenshots of one case, numbered in order."""

    def __init__(self, driver, case: str) -> None:
        self.driver, self.folder, self.count = driver, SCREENSHOTS / case, 0
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()

    def shot(self, name: str) -> None:
        self.count += 1
        self.driver.save_screenshot(str(self.folder / f"{self.count:02d}-{name}.png"))


def open_page(driver, url: str, camera: str, language: str = "en") -> None:
    origin = url.rstrip("/")
    driver.execute_cdp_cmd("Browser.setPermission",
                           {"permission": {"name": "camera"}, "setting": camera, "origin": origin})
    driver.get(f"{url}?lang={language}")
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "intro-heading").text)


def visible(driver, element_id: str) -> bool:
    return driver.execute_script("return !document.getElementById(arguments[0]).hidden", element_id)


def turn_on_camera(driver, id_photo: Path) -> None:
    driver.find_element(By.ID, "id-photo").send_keys(str(id_photo))
    driver.find_element(By.ID, "start-camera").send_keys(Keys.ENTER)


def clip_position(driver) -> float:
    return driver.execute_script("return document.getElementById('preview').currentTime") % fake_camera.clip_seconds()


def press_start_on_cue(driver) -> float:
    """Presses Start so that recording begins near START_AT_FRAME; returns the clip second it began at."""
    cue = fake_camera.seconds_of(START_AT_FRAME) - START_LATENCY_S
    deadline = time.monotonic() + 2 * fake_camera.clip_seconds()
    while not cue - 0.1 <= clip_position(driver) <= cue:
        assert time.monotonic() < deadline, "the fake camera's clip does not advance"
        time.sleep(0.02)
    driver.find_element(By.ID, "start-recording").send_keys(Keys.ENTER)
    WebDriverWait(driver, 10, poll_frequency=0.02).until(lambda d: visible(d, "prompt"))
    return clip_position(driver)


def follow_prompts(driver, steps: Steps) -> list[tuple[str, str | None, str]]:
    """(action, arrow direction, words) of each prompt the page showed, in order, until it sends the clip."""
    seen: list[tuple[str, str | None, str]] = []
    deadline = time.monotonic() + 30
    while not visible(driver, "sending") and not visible(driver, "result") and not visible(driver, "error"):
        prompt = driver.find_element(By.ID, "prompt")
        shown = (prompt.get_attribute("data-action"), prompt.get_attribute("data-direction"), prompt.text)
        if shown[0] and (not seen or seen[-1][0] != shown[0]):
            seen.append(shown)
            steps.shot(f"prompt-{shown[0]}")
        assert time.monotonic() < deadline, "the recording did not end"
        time.sleep(0.05)
    return seen


def verify_with_the_page(driver, url: str, id_photo: Path, steps: Steps, language: str):
    open_page(driver, url, "granted", language)
    steps.shot("intro")
    turn_on_camera(driver, id_photo)
    WebDriverWait(driver, 60).until(lambda d: d.find_element(By.ID, "start-recording").is_enabled())
    steps.shot("placed-in-oval")
    started_at = press_start_on_cue(driver)
    prompts = follow_prompts(driver, steps)
    if visible(driver, "sending"):
        steps.shot("sending")
    try:
        WebDriverWait(driver, 120).until(lambda d: visible(d, "result") or visible(d, "error"))
    finally:
        steps.shot("decision")
    if visible(driver, "error"):
        pytest.fail(f"the page showed {driver.find_element(By.ID, 'error').get_attribute('data-error')}: "
                    f"{driver.find_element(By.ID, 'error-text').text}")
    started_frame = fake_camera.clip_indices()[int(started_at * float(fake_camera.RATE))]
    return driver.find_element(By.ID, "result"), prompts, started_frame


def test_a_genuine_customer_following_the_prompts_is_accepted(browser, gateway, material):
    result, prompts, started = verify_with_the_page(browser, gateway, material["genuine"],
                                                    Steps(browser, "genuine-accept"), "en")
    en = STRINGS["en"]
    # One prompt at a time, in the challenge's order, in words; the preview is mirrored (front camera),
    # so the arrow of the customer's own right turn points right on screen.
    assert prompts == [("look", None, en["action.look"]), ("blink", None, en["action.blink"]),
                       ("turn_right", "right", en["action.turn_right"])]
    assert result.get_attribute("data-decision") == "ACCEPT", f"recording started at clip frame {started}"
    assert browser.find_element(By.ID, "result-heading").text == en["decision.ACCEPT"]
    assert browser.find_elements(By.CSS_SELECTOR, "#advice li") == []


def spy_on_the_upload(driver) -> None:
    """Keeps what the page's verify call sent: the clip's mode and, for a video, its size and first bytes."""
    driver.execute_script("""
        window.sentClips = [];
        const send = window.fetch;
        window.fetch = (path, options) => {
          if (String(path).endsWith("api/verify")) {
            const { clip } = JSON.parse(options.body);
            const head = clip.video ? Array.from(atob(clip.video.slice(0, 8)).slice(0, 4),
                                                 (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("") : null;
            window.sentClips.push({ mode: clip.mode, bytes: clip.video ? clip.video.length * 3 / 4 : 0, head });
          }
          return send(path, options);
        };""")


def test_in_video_mode_the_page_sends_the_recorded_clip_and_is_accepted(browser, triton_server, material):
    """`--capture-mode video`: the camera's stream as the browser's MediaRecorder encodes it (Chromium: WebM),
    not mirrored (the challenge says so), decoded by the server at the camera's full frame rate."""
    with running_gateway([triton_server.grpc_url], "--demo-actions", "blink,turn_right",
                         "--capture-mode", "video") as url:
        steps = Steps(browser, "video-accept")
        open_page(browser, url, "granted")
        spy_on_the_upload(browser)
        turn_on_camera(browser, material["genuine"])
        WebDriverWait(browser, 60).until(lambda d: d.find_element(By.ID, "start-recording").is_enabled())
        started_at = press_start_on_cue(browser)
        prompts = follow_prompts(browser, steps)
        WebDriverWait(browser, 120).until(lambda d: visible(d, "result") or visible(d, "error"))
        steps.shot("decision")
    started = fake_camera.clip_indices()[int(started_at * float(fake_camera.RATE))]
    assert not visible(browser, "error"), browser.find_element(By.ID, "error-text").text
    (sent,) = browser.execute_script("return window.sentClips")
    assert sent["mode"] == "video" and sent["head"] == "1a45dfa3", sent  # WebM's EBML signature
    assert 50_000 < sent["bytes"] < 2_000_000, sent  # ~4.5 s at about 1 Mbit/s
    # The arrows follow the mirrored preview although the clip is sent unmirrored.
    assert [(action, direction) for action, direction, _ in prompts] == [
        ("look", None), ("blink", None), ("turn_right", "right")]
    result = browser.find_element(By.ID, "result")
    assert result.get_attribute("data-decision") == "ACCEPT", f"recording started at clip frame {started}"


def test_in_video_mode_a_browser_without_mediarecorder_says_it_cannot_record(browser, triton_server, material):
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": "delete window.MediaRecorder;"})
    with running_gateway([triton_server.grpc_url], "--capture-mode", "video") as url:
        open_page(browser, url, "granted")
        turn_on_camera(browser, material["genuine"])
        WebDriverWait(browser, 60).until(lambda d: d.find_element(By.ID, "start-recording").is_enabled())
        browser.find_element(By.ID, "start-recording").send_keys(Keys.ENTER)
        WebDriverWait(browser, 30).until(lambda d: visible(d, "error"))
        Steps(browser, "video-unsupported").shot("error")
    assert browser.find_element(By.ID, "error").get_attribute("data-error") == "capture_mode"
    assert browser.find_element(By.ID, "error-text").text == STRINGS["en"]["error.capture_mode"]


def test_another_persons_id_photo_is_rejected_in_chinese(browser, gateway, material):
    result, prompts, started = verify_with_the_page(browser, gateway, material["other"],
                                                    Steps(browser, "other-person-reject"), "zh-CN")
    zh = STRINGS["zh-CN"]
    assert [words for _, _, words in prompts] == [zh["action.look"], zh["action.blink"], zh["action.turn_right"]]
    assert result.get_attribute("data-decision") == "REJECT", f"recording started at clip frame {started}"
    assert browser.find_element(By.ID, "result-heading").text == zh["decision.REJECT"]
    assert browser.find_element(By.ID, "result-help").text == zh["decision.REJECT.help"]
    assert browser.find_element(By.ID, "request-id").text  # the reference staff can look up


def test_a_customer_asked_for_another_order_is_told_what_to_do_differently(browser, triton_server, material):
    """The gateway asks for turn-then-blink; the clip blinks first: RETRY with the ACTION_ORDER advice."""
    with running_gateway([triton_server.grpc_url], "--demo-actions", "turn_right,blink") as url:
        result, prompts, started = verify_with_the_page(browser, url, material["genuine"],
                                                        Steps(browser, "wrong-order-retry"), "en")
    en = STRINGS["en"]
    assert [action for action, _, _ in prompts] == ["look", "turn_right", "blink"]
    assert result.get_attribute("data-decision") == "RETRY", f"recording started at clip frame {started}"
    assert browser.find_element(By.ID, "result-heading").text == en["decision.RETRY"]
    items = browser.find_elements(By.CSS_SELECTOR, "#advice li")
    advice = {item.get_attribute("data-code"): item.text for item in items}
    assert advice.get("ACTION_ORDER") == en["advice.ACTION_ORDER"]


def error_on_turning_the_camera_on(driver, url: str, camera: str, id_photo: Path, case: str) -> tuple[str, str]:
    """(kind, message) of the error the page shows; one screenshot."""
    open_page(driver, url, camera)
    turn_on_camera(driver, id_photo)
    WebDriverWait(driver, 30).until(lambda d: visible(d, "error"))
    Steps(driver, case).shot(case)
    error = driver.find_element(By.ID, "error")
    return error.get_attribute("data-error"), driver.find_element(By.ID, "error-text").text


def test_a_denied_camera_says_how_to_allow_it(browser, gateway, material):
    shown = error_on_turning_the_camera_on(browser, gateway, "denied", material["genuine"], "camera-denied")
    assert shown == ("camera_denied", STRINGS["en"]["error.camera_denied"])
    browser.switch_to.active_element.send_keys(Keys.TAB)  # focus went to the message; Try again is next
    assert browser.switch_to.active_element.get_attribute("id") == "error-again"


def test_a_server_that_is_down_gives_a_clear_message(browser, material):
    with running_gateway([f"127.0.0.1:{free_ports(1)[0]}"]) as url:  # nothing listens there
        shown = error_on_turning_the_camera_on(browser, url, "granted", material["genuine"], "server-down")
    assert shown == ("unavailable", STRINGS["en"]["error.unavailable"])


def test_keyboard_order_and_live_regions(browser, gateway, material):
    open_page(browser, gateway, "granted")
    browser.find_element(By.ID, "id-photo").send_keys(str(material["genuine"]))
    browser.execute_script("document.getElementById('language').focus()")
    order = []
    for _ in range(2):
        ActionChains(browser).send_keys(Keys.TAB).perform()  # not element.send_keys: a file input takes paths
        order.append(browser.switch_to.active_element.get_attribute("id"))
    assert order == ["id-photo", "start-camera"]
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, 20).until(lambda d: visible(d, "capture"))
    assert browser.switch_to.active_element.get_attribute("id") == "capture-heading"  # focus follows the step
    live = {element_id: browser.find_element(By.ID, element_id).get_attribute("aria-live")
            for element_id in ("prompt", "guidance")}
    assert live == {"prompt": "assertive", "guidance": "polite"}
    assert browser.find_element(By.ID, "error").get_attribute("role") == "alert"


def test_turn_arrows_follow_the_preview_mirroring(browser, gateway):
    """The page's own prompt code: in a mirrored preview a turn to the customer's left moves left on screen;
    unmirrored (a rear camera held by staff) it moves right. The words name the customer's own side."""
    open_page(browser, gateway, "granted")
    directions = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import("./js/prompts.js").then(({ showPrompt }) => {
          const prompt = document.getElementById("prompt");
          const seen = [];
          for (const mirrored of [true, false]) {
            for (const step of ["turn_left", "turn_right"]) {
              showPrompt(prompt, step, mirrored, () => {});
              seen.push(prompt.dataset.direction);
            }
          }
          done(seen);
        });""")
    assert directions == ["left", "right", "right", "left"]
