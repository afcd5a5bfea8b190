"""Reading JSON request bodies safely: content type, size, UTF-8, syntax and schema, each a clear 4xx."""

from __future__ import annotations

import json
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from handoff.state import SETTINGS

M = TypeVar("M", bound=BaseModel)


def _bad(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=message)


async def read_model(request: web.Request, model: type[M]) -> M:
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="send Content-Type: application/json")
    limit = request.app[SETTINGS].max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)
    raw = await request.read()
    if len(raw) > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(raw))
    if not raw.strip():
        raise _bad("empty body; send a JSON object")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _bad("body is not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise _bad(f"malformed JSON at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(data, dict):
        raise _bad("send a JSON object")
    try:  # "\ud800"-style escapes decode to half a character, which SQLite and UTF-8 output refuse
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise _bad(
            "the text has a broken character (an unpaired \\ud800-\\udfff escape); send valid Unicode"
        ) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
            for err in exc.errors(include_input=False, include_url=False)[:10]
        ]
        raise _bad("invalid request: " + "; ".join(problems)) from None
