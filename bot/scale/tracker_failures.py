"""A tracker store that fails says so, instead of quietly starting the conversation over.

Rasa wraps every tracker store in ``FailSafeTrackerStore``: when reading a conversation fails it logs and
returns no tracker, so Rasa starts a new conversation (greeting, empty slots), and when saving fails it
keeps the conversation in this process's memory, where other instances never see it and a restart loses
it. With a database server either happens whenever PostgreSQL restarts.

Rasa gives ``FailSafeTrackerStore`` an error callback; the one installed here raises
``TrackerStoreUnavailable`` instead, so the message fails as a whole: the channel's failsafe tells the
customer to send it again in a minute, the HTTP API answers 500 (the handoff service then tells the agent
the message was not delivered), and nothing is written anywhere else. Once the database is back, the
conversation carries on with everything stored before the outage.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import FailSafeTrackerStore

log = logging.getLogger(__name__)


class TrackerStoreUnavailable(RuntimeError):
    """Reading or saving a conversation failed; nothing was read from or written to anywhere else."""


def raise_tracker_store_error(error: Exception) -> None:
    raise TrackerStoreUnavailable(
        f"the conversation store failed: {type(error).__name__}: {error}"
    ) from error


def make_tracker_failures_loud(agent: Any) -> bool:
    """Install the raising callback on the agent's tracker store; True if it is (now) installed."""
    store = getattr(agent, "tracker_store", None)
    if not isinstance(store, FailSafeTrackerStore):
        return False
    if store._on_tracker_store_error is not raise_tracker_store_error:
        store._on_tracker_store_error = raise_tracker_store_error
        log.info("Tracker store failures are answered as failures, never as a new conversation")
    return True


def install_on_server_start(app: Any) -> None:
    """Have the Sanic app install the callback once Rasa has loaded its agent (before_server_start)."""
    if getattr(app.ctx, "tracker_failures_loud_listener", False):
        return
    app.ctx.tracker_failures_loud_listener = True

    async def after_start(app: Any, _loop: Any) -> None:
        if not make_tracker_failures_loud(getattr(app.ctx, "agent", None)):
            log.warning("No Rasa agent at server start: tracker store failures are made loud per message")

    app.register_listener(after_start, "after_server_start")
