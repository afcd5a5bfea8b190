"""Files customers send (a photo of an error message): which are accepted, and the line an agent sees.

The bot cannot read them. While a person owns the conversation the file's address is passed on as a
customer line, so the handoff service copies it into the ticket's transcript and the console shows a link;
otherwise the customer is asked to type what it says or to ask for a person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_FILE_BYTES = 10 * 1024 * 1024
ACCEPTED_PREFIXES = ("image/", "application/pdf", "text/plain")
# Slack, Twilio and Messenger name the kind, not always the MIME type.
ACCEPTED_KINDS = ("image", "file")
REFUSED_FILE = (
    "I can only pass on pictures, PDF or text files of up to 10 MB. Please type what it says instead."
)


@dataclass(frozen=True)
class Attachment:
    url: str
    content_type: str
    name: str = ""
    size: int | None = None  # bytes, when the app says


def acceptable(item: Attachment) -> bool:
    kind_ok = item.content_type.startswith(ACCEPTED_PREFIXES) or item.content_type in ACCEPTED_KINDS
    return kind_ok and (item.size is None or 0 <= item.size <= MAX_FILE_BYTES) and bool(item.url)


def describe(items: Sequence[Attachment]) -> str:
    """One plain line per file for the transcript; the console turns http(s) addresses into links."""
    return "\n".join(
        f"[The customer sent a file ({item.content_type or 'unknown type'}{', ' + item.name if item.name else ''}): "
        f"{item.url}]"
        for item in items
    )
