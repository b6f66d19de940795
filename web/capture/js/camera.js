// The camera, and why it could not be opened (each reason has its own message: error.camera_*).
export class CameraError extends Error {
  constructor(kind) {
    super(kind);
    this.kind = kind;
  }
}

const KINDS = {
  NotAllowedError: "camera_denied",
  SecurityError: "camera_denied",
  NotFoundError: "camera_missing",
  OverconstrainedError: "camera_missing",
  NotReadableError: "camera_busy",
  AbortError: "camera_busy",
};

// The front camera's preview is shown mirrored, like a mirror; the frames are sent as shown and the
// challenge says so (`mirrored`), so the server undoes it. A rear camera is neither mirrored nor flipped.
export async function openCamera() {
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraError("camera_unsupported");
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } },
      audio: false,
    });
  } catch (error) {
    throw new CameraError(KINDS[error?.name] || "camera_failed");
  }
  const facing = stream.getVideoTracks()[0]?.getSettings().facingMode;
  return {
    stream,
    mirrored: facing !== "environment",
    stop: () => stream.getTracks().forEach((track) => track.stop()),
  };
}
