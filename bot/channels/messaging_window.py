"""Meta's messaging window for Messenger: a free reply within 24 h of the customer's last message, a
person's reply with the HUMAN_AGENT tag for 7 days, nothing after that until the customer writes again."""

from __future__ import annotations

import time
from dataclasses import dataclass

STANDARD_WINDOW_SECONDS = 24 * 3600
HUMAN_AGENT_WINDOW_SECONDS = 7 * 24 * 3600
CUSTOMER_MUST_WRITE_FIRST = (
    "it is more than 7 days since the customer last wrote on Messenger: they have to write first"
)


@dataclass(frozen=True)
class SendMode:
    messaging_type: str
    tag: str | None = None


RESPONSE = SendMode("RESPONSE")
HUMAN_AGENT = SendMode("MESSAGE_TAG", "HUMAN_AGENT")


def send_mode(
    last_customer_message: float | None, from_person: bool, now: float | None = None
) -> SendMode | None:
    """How to send now; None when Meta forbids it. Unknown age (e.g. after a restart) tries RESPONSE."""
    if last_customer_message is None:
        return RESPONSE
    age = (time.time() if now is None else now) - last_customer_message
    if age <= STANDARD_WINDOW_SECONDS:
        return RESPONSE
    if from_person and age <= HUMAN_AGENT_WINDOW_SECONDS:
        return HUMAN_AGENT
    return None
