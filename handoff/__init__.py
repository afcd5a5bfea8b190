"""Human handoff service: tickets, queue, agent console and the bot's client for it."""

from __future__ import annotations

from handoff.app import create_app
from handoff.settings import Settings, load_settings

__all__ = ["Settings", "create_app", "load_settings"]
