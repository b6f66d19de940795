// The capture flow: ID photo -> camera and placement advice -> challenge -> recording with the prompts
// one at a time -> sending -> the decision, with advice for a RETRY. Every step is a native control or
// a live region, so it works with a keyboard and a screen reader.
import { api, ApiError } from "./api.js";
import { CameraError, openCamera } from "./camera.js";
import { base64 } from "./frames.js";
import { startGuidance } from "./guidance.js";
import { initialLanguage, known, setText, useLanguage } from "./i18n.js";
import { promptAt, showPrompt } from "./prompts.js";
import { recorderFor } from "./recorder.js";

const $ = (id) => document.getElementById(id);
const SECTIONS = ["intro", "capture", "sending", "result", "error"];
let config = null;
let camera = null;
let stopGuidance = () => {};

function show(section, focus) {
  SECTIONS.forEach((name) => { $(name).hidden = name !== section; });
  if (focus) focus.focus();
}

function fail(error) {
  stopGuidance();
  camera?.stop();
  camera = null;
  const kind = error instanceof ApiError || error instanceof CameraError ? error.kind : "server_error";
  $("error").dataset.error = kind;
  setText($("error-text"), `error.${kind}`);
  show("error", $("error-heading"));
}

function drawOval(video) {
  const [width, height] = [video.videoWidth, video.videoHeight];
  const { height_fraction, aspect, max_width_fraction } = config.oval;
  const ry = (height_fraction * height) / 2;
  const rx = Math.min(aspect * ry, (max_width_fraction * width) / 2);
  const [cx, cy] = [width / 2, height / 2];
  const oval = $("oval");
  oval.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const ellipse = oval.querySelector(".outline");
  Object.entries({ cx, cy, rx, ry }).forEach(([name, value]) => ellipse.setAttribute(name, value));
  oval.querySelector(".mask").setAttribute("d",
    `M0 0H${width}V${height}H0Z M${cx - rx} ${cy} a${rx} ${ry} 0 1 0 ${2 * rx} 0 a${rx} ${ry} 0 1 0 ${-2 * rx} 0Z`);
  $("stage").style.aspectRatio = `${width} / ${height}`;
}

async function startCamera() {
  const file = $("id-photo").files[0];
  if (!file) return;
  if (file.size > config.limits.max_image_bytes) return fail(new ApiError("id_photo_too_large"));
  const idPhoto = await base64(file);
  try {
    camera = await openCamera();
  } catch (error) {
    return fail(error);
  }
  const video = $("preview");
  video.srcObject = camera.stream;
  await new Promise((resolve) => { video.onloadedmetadata = resolve; });
  await video.play();
  $("stage").classList.toggle("mirrored", camera.mirrored);
  drawOval(video);
  $("prompt").hidden = true;
  $("progress").hidden = true;
  $("start-recording").disabled = true;
  $("start-recording").hidden = false;
  setText($("guidance"), "hint.starting");
  show("capture", $("capture-heading"));
  stopGuidance = startGuidance(video, config.capture, (hint) => {
    $("guidance").dataset.hint = hint;
    setText($("guidance"), `hint.${hint}`);
    $("stage").classList.toggle("ready", hint === "ok");
    if (hint === "ok") $("start-recording").disabled = false; // stays enabled: the advice is not a gate
  }, fail);
  $("start-recording").onclick = () => record(video, idPhoto).catch(fail);
}

async function record(video, idPhoto) {
  const recorder = recorderFor(config.capture.mode);
  if (!recorder?.supported()) throw new ApiError("capture_mode");
  stopGuidance();
  $("start-recording").hidden = true;
  const challenge = await api.challenge(camera.mirrored && recorder.mirrorsPreview);
  const seconds = recorder.seconds(config.capture, config.limits);
  $("guidance").removeAttribute("data-hint");
  setText($("guidance"), "capture.recording");
  $("prompt").hidden = false;
  $("progress").hidden = false;
  let shown = null;
  const previewMirrored = camera.mirrored; // the arrows follow the preview, whatever the clip sent
  const clip = await recorder.record(video, config.capture, config.limits, challenge.mirrored, (elapsed) => {
    $("progress").value = elapsed / seconds;
    const step = promptAt(elapsed, challenge.actions, config.capture.lead_s, seconds);
    if (step !== shown) showPrompt($("prompt"), (shown = step), previewMirrored, setText);
  });
  camera.stop();
  camera = null;
  show("sending", $("sending-heading"));
  showResult(await api.verify(challenge.token, idPhoto, clip));
}

function showResult(result) {
  const section = $("result");
  section.dataset.decision = result.decision;
  const heading = $("result-heading");
  heading.querySelector("use").setAttribute("href", `#icon-${result.decision.toLowerCase()}`);
  setText(heading.querySelector(".words"), `decision.${result.decision}`);
  setText($("result-help"), `decision.${result.decision}.help`);
  const codes = result.decision === "RETRY"
    ? [...new Set(result.reasons.filter((r) => r.decision === "RETRY").map((r) => r.code))] : [];
  $("advice").replaceChildren(...codes.map((code) => {
    const item = document.createElement("li");
    item.dataset.code = code;
    setText(item, known(`advice.${code}`) ? `advice.${code}` : "advice.default");
    return item;
  }));
  $("request-id").textContent = result.request_id;
  show("result", heading);
}

function restart() {
  stopGuidance();
  camera?.stop();
  camera = null;
  show("intro", $("start-camera"));
}

async function main() {
  const language = initialLanguage();
  $("language").value = language;
  await useLanguage(language);
  $("language").onchange = () => useLanguage($("language").value);
  try {
    config = await api.config();
  } catch (error) {
    return fail(error);
  }
  $("id-photo").onchange = () => { $("start-camera").disabled = !$("id-photo").files.length; };
  $("start-camera").onclick = () => startCamera().catch(fail);
  $("again").onclick = restart;
  $("error-again").onclick = restart;
}

main();
