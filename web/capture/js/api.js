// The gateway's four calls. Every failure becomes an ApiError whose `kind` names a translatable message
// (error.<kind>): the gateway's own kinds, or "unavailable" when the gateway itself cannot be reached.
export class ApiError extends Error {
  constructor(kind, message) {
    super(message || kind);
    this.kind = kind;
  }
}

async function call(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { cache: "no-store", ...options });
  } catch {
    throw new ApiError("unavailable");
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(body?.error || (response.status >= 500 ? "unavailable" : "invalid_input"), body?.message);
  }
  return body;
}

function postJson(path, value) {
  return call(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(value) });
}

export const api = {
  config: () => call("api/config"),
  guide: (jpeg) => call("api/guide", { method: "POST", headers: { "content-type": "image/jpeg" }, body: jpeg }),
  challenge: (mirrored) => postJson("api/challenge", { mirrored }),
  verify: (token, idPhoto, clip) => postJson("api/verify", { token, id_photo: idPhoto, clip }),
};
