"""A send to a messaging app that did not reach the customer, with the reason an agent can act on.

Output channels raise it instead of logging and carrying on: for an agent's message relayed through
`tracker/events?output_channel=latest`, Rasa answers 500 with the text of the error, and the handoff service
shows the agent "not delivered: <reason>" (see handoff/rasa.py)."""

from __future__ import annotations

REASON_MARKER = "NOT DELIVERED: "


class DeliveryFailed(RuntimeError):
    def __init__(self, reason: str) -> None:
        super().__init__(REASON_MARKER + reason)
        self.reason = reason
