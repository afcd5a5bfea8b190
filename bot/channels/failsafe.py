"""Never leave a customer in silence when something on our side fails.

What Rasa 3.6.21 does on its own: when the action server is down, answers with an error, or is slow,
``RemoteAction.run`` raises (connection refused, 5xx, or after ``DEFAULT_REQUEST_TIMEOUT`` = 300 s), and
``MessageProcessor._run_action`` logs the exception, records the action with no events and predicts the next
action, usually ``action_listen``. The customer's message is saved in the tracker, but the bot says nothing at
all: over REST an empty list, in the website chat no reply, after up to five minutes.

Two fixes, both applied by every channel that calls :func:`guard_message_handler`:

- the action call times out after ``ACTION_TIMEOUT_SECONDS`` (default 7 s) instead of 300 s. Rasa 3.6 reads
  no timeout from endpoints.yml (``EndpointConfig`` keeps extra keys but never uses them) and passes its
  module constant to every call, so the constant is set here, once, when the channel starts;
- after a customer message, when the bot sent nothing and no person owns the chat (a paused conversation is
  quiet on purpose), or when handling the message raised, the customer gets :data:`FAILURE_TEXT`, and it is
  recorded in the tracker as a bot message (metadata ``{"failsafe": true}``), so agents and analytics see
  it too. If handling raised before Rasa saved the customer's message, the message is saved here.

When the failure is in the shared storage itself (the conversation database or the lock store is down,
``bot/scale/storage_failure.py``), nothing can be saved: the customer gets :data:`STORAGE_FAILURE_TEXT`
(send it again in a minute) and nothing is recorded. A failing tracker store raises instead of letting
Rasa start the conversation over (``bot/scale/tracker_failures.py``, installed here for every channel).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.action_response_check import validate_action_responses_once
from bot.channels.failure_message import FAILSAFE_METADATA, FAILURE_TEXT, STORAGE_FAILURE_TEXT
from bot.scale.storage_failure import is_storage_failure
from bot.scale.tracker_failures import install_on_server_start, make_tracker_failures_loud
from bot.sqlite_tracker_store import tune_sqlite_tracker_store

log = logging.getLogger(__name__)

DEFAULT_ACTION_TIMEOUT_SECONDS = 7.0

MessageHandler = Callable[[UserMessage], Awaitable[Any]]


def action_timeout_seconds() -> float:
    raw = os.environ.get("ACTION_TIMEOUT_SECONDS", "")
    try:
        value = float(raw) if raw else DEFAULT_ACTION_TIMEOUT_SECONDS
    except ValueError:
        log.warning(
            "ACTION_TIMEOUT_SECONDS=%r is not a number; using %s s", raw, DEFAULT_ACTION_TIMEOUT_SECONDS
        )
        return DEFAULT_ACTION_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_ACTION_TIMEOUT_SECONDS


def limit_action_timeout() -> float:
    """Make Rasa give up on a custom action call after a few seconds instead of five minutes."""
    import rasa.core.actions.action as remote_action

    seconds = action_timeout_seconds()
    if seconds != remote_action.DEFAULT_REQUEST_TIMEOUT:
        remote_action.DEFAULT_REQUEST_TIMEOUT = seconds  # type: ignore[assignment]
        log.info("Custom action calls time out after %s s", seconds)
    return seconds


class WatchedOutput(OutputChannel):
    """Passes everything on to the real output channel and counts the bot messages sent through it."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


def _app() -> Any | None:
    """Rasa's Sanic app, or None outside a running Rasa server."""
    from sanic import Sanic

    for name in ("rasa_server", None):  # `rasa run --enable-api` names its app; without the API it is alone
        try:
            return Sanic.get_app(name)
        except Exception:  # SanicException: no such app
            continue
    return None


def _agent() -> Any | None:
    """Rasa's Agent (tracker store, lock store, processor), or None outside a running Rasa server."""
    return getattr(getattr(_app(), "ctx", None), "agent", None)


async def _is_quiet_on_purpose(agent: Any, sender_id: str) -> bool:
    tracker = await agent.tracker_store.retrieve(sender_id)
    return tracker is not None and tracker.is_paused()


async def _record_failure(agent: Any, message: UserMessage) -> None:
    async with agent.lock_store.lock(message.sender_id):
        tracker = await agent.processor.get_tracker(message.sender_id)
        saved = any(
            isinstance(event, UserUttered) and event.message_id == message.message_id
            for event in tracker.events
        )
        if not saved:
            tracker.update(
                UserUttered(
                    message.text,
                    input_channel=message.input_channel,
                    message_id=message.message_id,
                    metadata=message.metadata,
                )
            )
        tracker.update(BotUttered(FAILURE_TEXT, metadata=dict(FAILSAFE_METADATA)))
        await agent.processor.save_tracker(tracker)


async def tell_customer_we_failed(
    message: UserMessage, output: OutputChannel, storage_failed: bool = False
) -> None:
    """Send the failure message, then record it (and the customer's message, if Rasa lost it).

    When the storage itself failed, ask for the message again and record nothing (it would fail too)."""
    text = STORAGE_FAILURE_TEXT if storage_failed else FAILURE_TEXT
    try:
        await output.send_response(message.sender_id, {"text": text})
    except Exception:
        log.exception("conversation %s: could not send the failure message", message.sender_id)
    agent = _agent()
    if agent is None or storage_failed:
        return
    try:
        await _record_failure(agent, message)
    except Exception:
        log.exception("conversation %s: could not record the failure message", message.sender_id)


def guard_message_handler(on_new_message: MessageHandler) -> MessageHandler:
    """Wrap Rasa's message handler so a failure on our side is answered, never silent."""
    limit_action_timeout()
    # Not failsafes, but every channel starts here, before Rasa loads the model (docs/performance.md).
    validate_action_responses_once()
    tune_sqlite_tracker_store()
    app = _app()
    if app is not None:
        install_on_server_start(app)

    async def handle(message: UserMessage) -> None:
        output = message.output_channel
        watched = WatchedOutput(output)
        message.output_channel = watched
        make_tracker_failures_loud(_agent())  # again after a model reload replaced the agent
        try:
            await on_new_message(message)
        except Exception as error:
            log.exception("conversation %s: handling a message failed", message.sender_id)
            if is_storage_failure(error):
                await tell_customer_we_failed(message, output, storage_failed=True)
                return
        else:
            if watched.sent:
                return
            agent = _agent()
            try:
                if agent is None or await _is_quiet_on_purpose(agent, message.sender_id):
                    return
            except Exception:
                log.exception("conversation %s: could not read the tracker", message.sender_id)
            log.warning(
                "conversation %s: the bot sent no reply (an action probably failed; see the Rasa log above)",
                message.sender_id,
            )
        await tell_customer_we_failed(message, output)

    return handle
