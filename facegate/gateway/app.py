"""The gateway's HTTP side (Starlette): the capture page as static files and four JSON calls.

    GET  /api/config     what the page records, the oval and the limits (from GatewayConfig)
    POST /api/guide      one JPEG preview frame -> {"hint"}: placement advice from the server's detector
    POST /api/challenge  {"mirrored"} -> {"token", "actions", "expires_at", "mirrored"}
    POST /api/verify     {"token", "id_photo", "clip"} -> {"decision", "reasons", "request_id"}

Scores, liveness evidence and model versions stay on the gateway's side: the customer sees the decision and
the reason codes, which the page turns into advice. Blocking client calls run in Starlette's thread pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import logging
from collections.abc import Callable
from typing import Any

from PIL import Image, UnidentifiedImageError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from facegate.gateway.config import GatewayConfig
from facegate.gateway.errors import error_answer
from facegate.gateway.guidance import advise
from facegate.gateway.upstream import Upstream
from facegate.gateway.uploads import parse_challenge, parse_verify, read_capped
from facegate_client import FacegateError, InvalidInput
from facegate_client.validation import check_image

log = logging.getLogger("facegate.gateway")

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "permissions-policy": "camera=(self), microphone=()",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
}


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response: the page runs only its own scripts and may use the camera."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []),
                                      *((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items())]
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


def page_config(config: GatewayConfig) -> dict[str, Any]:
    limits = config.client.limits
    return {
        "capture": dataclasses.asdict(config.capture),
        "oval": dataclasses.asdict(config.guidance.oval),
        "limits": {"min_frames": limits.min_frames, "max_frames": limits.max_frames,
                   "max_image_bytes": limits.max_image_bytes, "max_body_bytes": config.max_body_bytes},
    }


def _image_size(image: bytes) -> tuple[int, int]:
    """From the header alone, in memory."""
    try:
        with Image.open(io.BytesIO(image)) as opened:
            return opened.size
    except (UnidentifiedImageError, OSError):
        raise InvalidInput("image: cannot be read") from None


def _name(value: object) -> str:
    """An enum's value, or the raw string of a code or decision this client does not know yet."""
    return str(getattr(value, "value", value))


def create_app(config: GatewayConfig, upstream_factory: Callable[[GatewayConfig], Any] = Upstream) -> Starlette:
    """`upstream_factory`: the object behind the calls (Upstream; unit tests pass a stand-in)."""
    state: dict[str, Any] = {}
    verifying = asyncio.Semaphore(config.max_verifications_in_flight)

    async def body(request: Request, limit: int) -> bytes:
        return await read_capped(request.stream(), request.headers.get("content-length"), limit)

    async def config_endpoint(request: Request) -> JSONResponse:
        return JSONResponse(page_config(config))

    async def guide(request: Request) -> dict[str, Any]:
        image = await body(request, config.max_guide_bytes)
        check_image("image", image, config.client.limits)
        width, height = _image_size(image)
        faces = await run_in_threadpool(state["upstream"].faces, image)
        return {"hint": advise(faces, width, height, config.guidance).value, "faces": len(faces)}

    async def challenge(request: Request) -> dict[str, Any]:
        mirrored = parse_challenge(await body(request, 1024))
        issued = await run_in_threadpool(state["upstream"].challenge, mirrored)
        return {"token": issued.token, "actions": [_name(action) for action in issued.actions],
                "expires_at": issued.expires_at, "mirrored": issued.mirrored}

    async def verify(request: Request) -> dict[str, Any]:
        async with verifying:
            upload = parse_verify(await body(request, config.max_body_bytes), config.capture.mode)
            result = await run_in_threadpool(state["upstream"].verify, upload)
        reasons = [{"code": _name(r.code), "decision": _name(r.decision), "message": r.message} for r in result.reasons]
        return {"decision": _name(result.decision), "reasons": reasons, "request_id": result.request_id}

    def route(path: str, handler: Callable[[Request], Any]) -> Route:
        """A POST call whose client errors are answered as error_answer says, and logged here."""
        async def endpoint(request: Request) -> JSONResponse:
            try:
                return JSONResponse(await handler(request))
            except FacegateError as error:
                status, document = error_answer(error)
                log.warning("%s %s: %s %s (request_id %s)", request.method, request.url.path, document["error"],
                            " ".join(str(error).split()), error.request_id)
                return JSONResponse(document, status_code=status)
        return Route(path, endpoint, methods=["POST"])

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        state["upstream"] = upstream_factory(config)
        try:
            yield
        finally:
            state.pop("upstream").close()

    app = Starlette(
        routes=[Route("/api/config", config_endpoint), route("/api/guide", guide), route("/api/challenge", challenge),
                route("/api/verify", verify), Mount("/", StaticFiles(directory=config.page_directory, html=True))],
        lifespan=lifespan,
    )
    app.add_middleware(SecurityHeaders)
    return app
