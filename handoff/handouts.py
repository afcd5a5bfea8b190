"""Diagnostic scripts as handouts a customer can follow on their own (`/help/scripts/{script_id}`).

The scripts' code lives in the action server, which the handoff service must not import; the launcher writes
each script's handout as JSON (`python -m actions.diagnostics handouts`) and this module serves it. Agents
send a handout link from the console when a customer would rather work through the steps at their own pace.
"""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, ValidationError

log = logging.getLogger(__name__)


class HandoutStep(BaseModel):
    number: int
    heading: str
    text: str
    why: str | None = None
    help: list[str] = []
    kb: str | None = None
    go: list[tuple[str, int]] = []
    end: bool = False


class Handout(BaseModel):
    id: str
    title: str
    summary: str = ""
    products: list[str] = []
    steps: list[HandoutStep]

    @property
    def link(self) -> str:
        return f"/help/scripts/{self.id}"


class Handouts(BaseModel):
    by_id: dict[str, Handout] = {}

    @classmethod
    def load(cls, folder: Path) -> Handouts:
        """Every readable handout in `folder`; a missing folder or a broken file is logged, never fatal."""
        found: dict[str, Handout] = {}
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                handout = Handout.model_validate_json(path.read_bytes())
            except (OSError, ValidationError) as exc:
                log.warning("handout %s skipped: %s", path, exc)
                continue
            found[handout.id] = handout
        if not found:
            log.warning("no script handouts in %s: the console suggests articles only", folder)
        return cls(by_id=found)

    def get(self, script_id: str) -> Handout:
        try:
            return self.by_id[script_id]
        except KeyError:
            raise web.HTTPNotFound(text="There is no step-by-step guide with that name.") from None


HANDOUTS = web.AppKey("handouts", Handouts)


async def handout_page(request: web.Request) -> web.StreamResponse:
    handout = request.app[HANDOUTS].get(request.match_info["script_id"])
    return aiohttp_jinja2.render_template("help_handout.html", request, {"handout": handout})
