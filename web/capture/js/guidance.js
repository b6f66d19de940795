// Live placement advice before recording. Light is judged here (mean brightness of a tiny copy of the
// preview); the face (found, one only, distance, centred, looking at the camera) by the server's
// detector through the gateway (/api/guide), one small frame every `guide_interval_s`.
import { api } from "./api.js";
import { frameCanvas, jpeg } from "./frames.js";

const DARK_BRIGHTNESS = 50; // mean of 0..255 below which faces lose detail

function brightness(sample) {
  sample.draw();
  const { data } = sample.context.getImageData(0, 0, sample.canvas.width, sample.canvas.height);
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  return sum / (data.length / 4);
}

// Calls onHint(hint) after each check until stop(); onError(apiError) ends the loop.
export function startGuidance(video, capture, onHint, onError) {
  const tiny = frameCanvas(video, 32, false);
  const frame = frameCanvas(video, capture.guide_width, false);
  let running = true;
  let timer = null;
  const check = async () => {
    try {
      let hint = "too_dark";
      if (brightness(tiny) >= DARK_BRIGHTNESS) {
        frame.draw();
        hint = (await api.guide(await jpeg(frame.canvas, 0.8))).hint;
      }
      if (running) onHint(hint);
    } catch (error) {
      if (running && error.kind !== "invalid_input") {
        running = false;
        onError(error);
        return;
      }
    }
    if (running) timer = setTimeout(check, capture.guide_interval_s * 1000);
  };
  check();
  return () => {
    running = false;
    clearTimeout(timer);
  };
}
