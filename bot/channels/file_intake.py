"""A message with files: download each one from the app, hand it to the handoff service, and say what
the customer needs to hear (refused, not received, or that the bot cannot read it). A failure with one
file never stops the others or the customer's text."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.channels.attachments import (
    CANNOT_READ_FILES,
    FILE_NOT_RECEIVED,
    MAX_FILES_PER_MESSAGE,
    REFUSED_FILE,
    Attachment,
    worth_downloading,
)
from bot.channels.file_download import Downloaded, FileNotFetched, FileProblem, FileTooBig
from bot.channels.file_handover import hand_over

log = logging.getLogger(__name__)
Fetch = Callable[[aiohttp.ClientSession, Attachment], Awaitable[Downloaded]]


@dataclass
class FilesOutcome:
    stored: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0
    not_received: int = 0

    def replies(self, with_a_person: bool, has_text: bool) -> list[str]:
        said = []
        if self.refused:
            said.append(REFUSED_FILE)
        if self.not_received:
            said.append(FILE_NOT_RECEIVED)
        if self.stored and not with_a_person and not has_text:
            said.append(CANNOT_READ_FILES)  # kept for the ticket if they now ask for a person
        return said


async def take_files(
    fetch: Fetch, session: aiohttp.ClientSession, channel: str, conversation_id: str, items: list[Attachment]
) -> FilesOutcome:
    outcome = FilesOutcome()
    for item in items[:MAX_FILES_PER_MESSAGE]:
        if not worth_downloading(item):
            outcome.refused += 1
            continue
        try:
            downloaded = await fetch(session, item)
            name = item.name or f"{channel}-file"
            outcome.stored.append(await hand_over(session, conversation_id, channel, name, downloaded.data))
        except FileNotFetched as problem:
            log.warning("%s: a file from %s was not received: %s", channel, conversation_id, problem)
            outcome.not_received += 1
        except (FileTooBig, FileProblem) as problem:
            log.info("%s: refused a file from %s: %s", channel, conversation_id, problem)
            outcome.refused += 1
        except Exception:  # our bug: the customer still hears about it, the text still goes on
            log.exception("%s: handling a file from %s failed", channel, conversation_id)
            outcome.not_received += 1
    outcome.refused += max(0, len(items) - MAX_FILES_PER_MESSAGE)
    return outcome
