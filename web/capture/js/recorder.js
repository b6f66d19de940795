// Recording the clip for /api/verify, by the gateway's capture mode:
// - "frames": `max_frames` JPEG frames at `fps` drawn from the preview, mirrored as the preview shows them;
// - "video": the camera's own stream for `video_seconds`, encoded by the browser's MediaRecorder (WebM
//   VP9/VP8, or MP4 H.264 where WebM is not offered), not mirrored: the server decodes every frame.
// `mirrorsPreview`: whether the clip is sent as the (mirrored) preview shows it; the challenge says so.
// `supported`: whether this browser can record so (else the page shows error.capture_mode before a challenge);
// `seconds`: how long the recording lasts (the prompts share it).
import { base64, frameCanvas, jpeg } from "./frames.js";

const sleepUntil = (time) => new Promise((resolve) => setTimeout(resolve, Math.max(0, time - performance.now())));
const VIDEO_TYPES = ["video/webm;codecs=vp9", "video/webm;codecs=vp8", "video/webm", "video/mp4;codecs=avc1",
  "video/mp4"];
const TICK_MS = 100;

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

// The first type this browser records that the server decodes; none without MediaRecorder.
const videoType = () => window.MediaRecorder && VIDEO_TYPES.find((type) => MediaRecorder.isTypeSupported(type));

async function recordVideo(video, capture, limits, mirrored, onTick) {
  const mimeType = videoType();
  const recorder = new MediaRecorder(video.srcObject, { mimeType, videoBitsPerSecond: capture.video_bits_per_second });
  const parts = [];
  recorder.ondataavailable = (event) => { if (event.data.size) parts.push(event.data); };
  const stopped = new Promise((resolve, reject) => {
    recorder.onstop = resolve;
    recorder.onerror = (event) => reject(event.error || new Error("recording failed"));
  });
  recorder.start();
  const start = performance.now();
  for (let tick = 1; (tick * TICK_MS) / 1000 < capture.video_seconds; tick += 1) {
    await sleepUntil(start + tick * TICK_MS);
    onTick((performance.now() - start) / 1000);
  }
  await sleepUntil(start + capture.video_seconds * 1000);
  recorder.stop();
  await stopped;
  onTick(capture.video_seconds);
  return { mode: "video", video: await base64(new Blob(parts, { type: mimeType })) };
}

const RECORDERS = {
  frames: { record: recordFrames, mirrorsPreview: true, supported: () => true,
            seconds: (capture, limits) => limits.max_frames / capture.fps },
  video: { record: recordVideo, mirrorsPreview: false, supported: () => Boolean(videoType()),
           seconds: (capture) => capture.video_seconds },
};

export function recorderFor(mode) {
  return RECORDERS[mode];
}
