"""What the assistant tells a customer whose message had a secret or personal detail removed."""

from __future__ import annotations

import os
from collections import OrderedDict

DEFAULT_RETENTION_DAYS = 90

_NAMES = {
    "CARD": "a card number",
    "PASSWORD": "a password",
    "SECRET": "a code or key",
    "EMAIL": "an email address",
    "PHONE": "a phone number",
    "IBAN": "a bank account number",
    "NINO": "a National Insurance number",
}


def removed_notice(labels: tuple[str, ...] | list[str]) -> str:
    """One or two plain sentences: what was removed, and that IT staff never ask for a password."""
    names = [_NAMES[label] for label in sorted(set(labels)) if label in _NAMES]
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    notice = f"I removed {listed} from your message, so it is not stored. IT staff will never ask for your password."
    if {"PASSWORD", "SECRET"} & set(labels):
        notice += " If you typed a real password or code, change it now."
    return notice


class NoticeMemory:
    """Conversations already told, so the notice comes once. Bounded; after a restart it may come again once,
    which is better than never."""

    def __init__(self, limit: int = 50_000) -> None:
        self._told: OrderedDict[str, None] = OrderedDict()
        self._limit = limit

    def seen(self, conversation_id: str) -> bool:
        """Whether `conversation_id` is remembered, without remembering it."""
        return conversation_id in self._told

    def first_time(self, conversation_id: str) -> bool:
        if conversation_id in self._told:
            self._told.move_to_end(conversation_id)
            return False
        self._told[conversation_id] = None
        if len(self._told) > self._limit:
            self._told.popitem(last=False)
        return True


def first_contact_notice(retention_days: int, help_url: str | None) -> str:
    """The privacy notice in the first reply of every conversation."""
    where = f" See {help_url.rstrip('/')}/privacy for the details." if help_url else ""
    return (
        f"This chat is recorded to help you, and kept for {retention_days} days. "
        f"To get a copy or have it deleted, ask us at any time.{where}"
    )


def stated_retention_days() -> int:
    """The retention period customers are told ($HANDOFF_RETENTION_DAYS; 90 when unset or not a number)."""
    raw = os.environ.get("HANDOFF_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_RETENTION_DAYS
