"""A customer's message is handled to the end, and saved, even when their client stops waiting for the reply.

Sanic (21.12, Rasa 3.6.21's) cancels a request's handler the moment its client disconnects: a REST client
that gave up after 30 s, a closed browser tab, a phone that lost its signal. Rasa saves the conversation only
at the end of a turn, so a turn cancelled halfway (waiting for the conversation's lock, for an action, for
the database) leaves no trace of the customer's message: not in the conversation, not for the agent who
picks it up, not in analytics. `bench/load.py` found it: every REST customer that timed out under load lost
its message (docs/performance.md).

:func:`handle_to_the_end` runs the turn in a task of its own that the handler's cancellation does not reach
(``asyncio.shield``), held in a module-level set until done (the event loop keeps only a weak reference to a
task, so an unreferenced one can be garbage-collected halfway), and logs what happened to a turn whose
client left. The client still gets nothing: its connection is gone. Its next message finds the turn done
(Rasa's conversation lock keeps the order).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Turns still running, whether or not anyone waits for them any more.
_RUNNING: set[asyncio.Task[Any]] = set()


def turns_running() -> int:
    """How many turns are being handled right now (those whose client left included)."""
    return len(_RUNNING)


def _report_left_behind(conversation_id: str, channel: str, task: asyncio.Task[Any]) -> None:
    if task.cancelled():  # the server itself is stopping
        log.warning(
            "conversation %s: the %s message whose client left was cancelled before it was saved",
            conversation_id,
            channel,
        )
        return
    error = task.exception()  # retrieved here: nobody else will
    if error is not None:
        log.error(
            "conversation %s: the %s message whose client left failed",
            conversation_id,
            channel,
            exc_info=error,
        )
        return
    log.info(
        "conversation %s: the %s message whose client left is handled and saved", conversation_id, channel
    )


async def handle_to_the_end(work: Coroutine[Any, Any, T], conversation_id: str, channel: str) -> T:
    """Await `work` (one customer message's turn); if the caller is cancelled, `work` still runs to its end."""
    task: asyncio.Task[T] = asyncio.get_running_loop().create_task(work)
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        if not task.done():
            log.warning(
                "conversation %s: the %s client left before the reply; the message is still handled and saved",
                conversation_id,
                channel,
            )
            task.add_done_callback(lambda done: _report_left_behind(conversation_id, channel, done))
        raise
