"""Files customers send (a photo of an error message): what the app told us about each one, the quick
check before downloading, and what the customer is told.

The bot cannot read files. Each one is downloaded from the app (bot/channels/file_download.py), checked
by its content and handed to the handoff service (bot/channels/file_handover.py), which keeps it with the
conversation's ticket for the agent; the vendor's address never reaches the transcript (Slack's needs the
bot token, Telegram's contains it, Messenger's expire)."""

from __future__ import annotations

from dataclasses import dataclass

from customer_files.kinds import MAX_FILE_BYTES

MAX_FILES_PER_MESSAGE = 10
# Stated kinds that can never be accepted: refused without downloading. Anything else is downloaded and
# decided by its first bytes (the app's word alone never lets a file through).
REFUSED_PREFIXES = ("video/", "audio/", "application/x-msdownload", "application/zip")
REFUSED_KINDS = ("video", "audio", "sticker")
REFUSED_FILE = (
    "I can only pass on pictures, PDF or text files of up to 10 MB. Please type what it says instead."
)
FILE_NOT_RECEIVED = (
    "Sorry, I could not get your file, so the support team cannot see it yet. Please send it again, "
    "or type what it says."
)
CANNOT_READ_FILES = (
    "I am a bot and I cannot read pictures or files. Please type what the error message says, "
    'or write "I want a person" and a member of the support team will look at it.'
)


@dataclass(frozen=True)
class Attachment:
    url: str  # where the app serves it (Telegram: "telegram-file:<file_id>")
    content_type: str  # what the app says it is: a hint, never trusted
    name: str = ""
    size: int | None = None  # bytes, when the app says


def worth_downloading(item: Attachment) -> bool:
    """False when the app's own description already rules the file out (too big, a video)."""
    stated = item.content_type.lower()
    too_big = item.size is not None and not 0 <= item.size <= MAX_FILE_BYTES
    return (
        bool(item.url)
        and not too_big
        and not stated.startswith(REFUSED_PREFIXES)
        and stated not in REFUSED_KINDS
    )
