"""A running assistant seen from outside, as a customer's app and the bot see it: a message over Rasa's REST
channel, the conversation's tracker, and the handoff service's tickets. The launcher's stack and the cluster
profile's tests talk to their servers through it."""

from __future__ import annotations

from typing import Any

import httpx


def reply_text(messages: list[dict[str, Any]]) -> str:
    """The text of the bot's messages in one string, a line per message (buttons and images left out)."""
    return "\n".join(message.get("text", "") for message in messages)


class AssistantClient:
    """Small client helpers for an assistant's Rasa server and handoff service. A subclass gives where they
    are and their tokens: the four attributes below (properties will do)."""

    rasa_url: str
    rasa_token: str
    handoff_url: str
    handoff_token: str
    send_timeout: float = 60.0
    """How long `send` waits for the bot's answer unless told otherwise."""

    def send(self, sender: str, text: str, timeout: float | None = None) -> list[dict[str, Any]]:
        """Send one customer message over the REST channel and return the bot's messages."""
        reply = httpx.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=self.send_timeout if timeout is None else timeout,
        )
        reply.raise_for_status()
        messages: list[dict[str, Any]] = reply.json()
        return messages

    def send_text(self, sender: str, text: str) -> str:
        """Send one customer message and return the text of the bot's reply."""
        return reply_text(self.send(sender, text))

    def tracker(self, sender: str) -> dict[str, Any]:
        reply = httpx.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.rasa_token},
            timeout=30.0,
        )
        reply.raise_for_status()
        tracker: dict[str, Any] = reply.json()
        return tracker

    def _handoff_auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.handoff_token}"}

    def handoffs(self, conversation_id: str) -> list[dict[str, Any]]:
        """The tickets the handoff service holds for this conversation (incidents and requests)."""
        reply = httpx.get(
            f"{self.handoff_url}/api/conversations/{conversation_id}/handoffs",
            headers=self._handoff_auth(),
            timeout=30.0,
        )
        reply.raise_for_status()
        handoffs: list[dict[str, Any]] = reply.json()["handoffs"]
        return handoffs

    def open_handoff(self, body: dict[str, Any]) -> int:
        """Open a ticket through the handoff API as the bot does (`body` as POST /api/handoffs takes it);
        the ticket's id."""
        reply = httpx.post(
            f"{self.handoff_url}/api/handoffs", json=body, headers=self._handoff_auth(), timeout=30.0
        )
        reply.raise_for_status()
        return int(reply.json()["ticket_id"])
