"""Typed keys for everything the app keeps in its state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from handoff.attachment_files import AttachmentFiles
from handoff.database import Database
from handoff.settings import Settings
from handoff.store import Store

if TYPE_CHECKING:
    from handoff.hub import Hub
    from handoff.metrics import Metrics
    from handoff.presence import Presence
    from handoff.rasa import RasaClient

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
STORE = web.AppKey("store", Store)
FILES = web.AppKey("files", AttachmentFiles)
PRESENCE: web.AppKey[Presence] = web.AppKey("presence")
HUB: web.AppKey[Hub] = web.AppKey("hub")
RASA: web.AppKey[RasaClient] = web.AppKey("rasa")
METRICS: web.AppKey[Metrics] = web.AppKey("metrics")

if TYPE_CHECKING:
    from handoff.desk import Desk

DESK: web.AppKey[Desk] = web.AppKey("desk")
