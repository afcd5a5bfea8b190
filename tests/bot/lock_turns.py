"""Turns of one Rasa process taking conversation locks, run in .venv-rasa by test_in_process_lock.py.

    python -m tests.bot.lock_turns PLAN_JSON

The store is what ``bot/endpoints.yml`` builds without ``REDIS_URL`` (``ConfiguredLockStore``: the single
box's store), with its settings from the environment, as in Rasa. PLAN is JSON:

- ``lease``: the ticket lifetime in seconds, passed as Rasa passes ``lock_lifetime`` (the store reads
  ``TICKET_LOCK_LIFETIME``, which the caller sets to the same);
- ``turns``: ``{"name", "start", "hold"}``: a message of conversation ``chat`` arriving ``start`` seconds in,
  whose turn takes ``hold`` seconds once it holds the lock;
- ``abandoned``: start times of tickets taken and never renewed nor given back (a task that vanished);
- ``until``: when to stop (turns still running are cancelled).

Prints one JSON line: ``trace``, a list of ``[seconds, "enter" | "exit" | "refused", name]``, and ``errors``,
the lock store's error log lines.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from typing import Any

from rasa.core.lock_store import LockError

from bot.scale.lock_store import ConfiguredLockStore

CONVERSATION = "chat"


class Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def main(plan: dict[str, Any]) -> dict[str, Any]:
    store = ConfiguredLockStore()
    loop = asyncio.get_running_loop()
    began = loop.time()
    trace: list[list[Any]] = []

    def note(what: str, name: str) -> None:
        trace.append([round(loop.time() - began, 3), what, name])

    async def turn(name: str, start: float, hold: float) -> None:
        await asyncio.sleep(start)
        try:
            async with store.lock(CONVERSATION, lock_lifetime=plan["lease"]):
                note("enter", name)
                await asyncio.sleep(hold)
                note("exit", name)
        except LockError:
            note("refused", name)

    async def abandon(start: float) -> None:
        await asyncio.sleep(start)
        store.issue_ticket(CONVERSATION, plan["lease"])

    tasks = [asyncio.create_task(turn(t["name"], t["start"], t["hold"])) for t in plan["turns"]]
    tasks += [asyncio.create_task(abandon(start)) for start in plan.get("abandoned", [])]
    _, running = await asyncio.wait(tasks, timeout=plan["until"])
    for task in running:
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)
    return {"trace": trace}


if __name__ == "__main__":
    errors = Errors()
    logging.getLogger("bot.scale").addHandler(errors)
    result = asyncio.run(main(json.loads(sys.argv[1])))
    print(json.dumps({**result, "errors": errors.lines}))
