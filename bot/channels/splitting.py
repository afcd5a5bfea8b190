"""Split a long reply at each app's length limit, at paragraph, line or word boundaries where possible."""

from __future__ import annotations

TELEGRAM_LIMIT = 4096
SLACK_SECTION_LIMIT = 3000
MESSENGER_LIMIT = 2000
SMS_LIMIT = 1600  # Twilio's limit for one (concatenated) SMS body
WHATSAPP_LIMIT = 1600


def split_message(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` characters; a single word longer than the limit is cut."""
    rest = text.strip()
    parts: list[str] = []
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), -1)
        if cut < limit // 3:
            cut = window.rfind("\n")
        if cut < limit // 3:
            cut = window.rfind(" ")
        if cut < limit // 3:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
