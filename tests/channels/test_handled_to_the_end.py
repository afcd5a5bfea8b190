"""A turn whose caller is cancelled (Sanic, when the client disconnects) still runs to its end."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.channels.handled_to_the_end import handle_to_the_end, turns_running


async def test_the_turn_goes_on_after_its_caller_is_cancelled(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.handled_to_the_end")
    saved: list[str] = []
    may_finish = asyncio.Event()

    async def turn() -> str:
        await may_finish.wait()  # waiting for the lock, an action, the database
        saved.append("hello")
        return "answer"

    caller = asyncio.create_task(handle_to_the_end(turn(), "conv-1", "rest"))
    await asyncio.sleep(0.05)
    caller.cancel()  # the client left
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert turns_running() == 1
    may_finish.set()
    for _ in range(100):
        if saved and not turns_running():
            break
        await asyncio.sleep(0.01)
    assert saved == ["hello"]
    assert turns_running() == 0
    messages = [record.getMessage() for record in caplog.records]
    assert (
        "conversation conv-1: the rest client left before the reply; the message is still handled and saved"
        in messages
    )
    assert "conversation conv-1: the rest message whose client left is handled and saved" in messages


async def test_a_turn_that_fails_after_its_client_left_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    may_finish = asyncio.Event()

    async def turn() -> None:
        await may_finish.wait()
        raise RuntimeError("the database is gone")

    caller = asyncio.create_task(handle_to_the_end(turn(), "conv-2", "socketio"))
    await asyncio.sleep(0.05)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    may_finish.set()
    for _ in range(100):
        if not turns_running():
            break
        await asyncio.sleep(0.01)
    [failed] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert failed.getMessage() == "conversation conv-2: the socketio message whose client left failed"
    assert failed.exc_info is not None and "the database is gone" in str(failed.exc_info[1])


async def test_a_caller_that_waits_gets_the_answer_or_the_error() -> None:
    async def answer() -> str:
        await asyncio.sleep(0)
        return "answer"

    async def fails() -> None:
        raise ValueError("bad")

    assert await handle_to_the_end(answer(), "conv-3", "rest") == "answer"
    with pytest.raises(ValueError, match="bad"):
        await handle_to_the_end(fails(), "conv-3", "rest")
    assert turns_running() == 0
