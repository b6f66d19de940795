// Still images from the live preview: drawn to a canvas (scaled, mirrored like the preview when asked)
// and encoded as JPEG in the browser. Nothing is stored: the blobs live in memory until sent.
export function frameCanvas(video, maxWidth, mirrored) {
  const scale = Math.min(1, maxWidth / video.videoWidth);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (mirrored) {
    context.translate(canvas.width, 0);
    context.scale(-1, 1);
  }
  return { canvas, context, draw: () => context.drawImage(video, 0, 0, canvas.width, canvas.height) };
}

export function jpeg(canvas, quality) {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no frame"))), "image/jpeg", quality));
}

export function base64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1]);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
