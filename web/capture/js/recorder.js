// Recording the clip for /api/verify, by the gateway's capture mode. "frames": `max_frames` JPEG frames at
// `fps` from the preview. A "video" mode (MediaRecorder) goes in RECORDERS once the server takes video;
// the page then sends {mode: "video", ...} and nothing else changes.
import { base64, frameCanvas, jpeg } from "./frames.js";

const sleepUntil = (time) => new Promise((resolve) => setTimeout(resolve, Math.max(0, time - performance.now())));

async function recordFrames(video, capture, limits, mirrored, onTick) {
  const { canvas, draw } = frameCanvas(video, capture.max_width, mirrored);
  const encoded = [];
  const start = performance.now();
  for (let index = 0; index < limits.max_frames; index += 1) {
    await sleepUntil(start + (index * 1000) / capture.fps);
    draw();
    encoded.push(jpeg(canvas, capture.jpeg_quality).then(base64));
    onTick((performance.now() - start) / 1000);
  }
  return { mode: "frames", frames: await Promise.all(encoded) };
}

const RECORDERS = { frames: recordFrames };

export function clipSeconds(capture, limits) {
  return limits.max_frames / capture.fps;
}

export function recorderFor(mode) {
  return RECORDERS[mode];
}
