"""Buttons as a numbered list for apps without buttons (SMS, WhatsApp), and the customer's "1" / title
mapped back to the button's payload. Also used to keep Telegram's callback data under its 64 bytes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def button_title(button: dict[str, Any]) -> str:
    return str(button.get("title") or button.get("payload") or "").strip()


def numbered_list(text: str, buttons: Sequence[dict[str, Any]]) -> str:
    """The message and its options in one text: never shows a `/intent{...}` payload."""
    lines = [f"{number}. {button_title(button)}" for number, button in enumerate(buttons, start=1)]
    hint = "Reply with the number of your choice."
    return "\n".join([text.strip(), "", *lines, "", hint]) if text.strip() else "\n".join([*lines, "", hint])


def chosen_payload(reply: str, buttons: Sequence[dict[str, Any]]) -> str | None:
    """The payload of the option the customer picked by number ("1", "2.", "#2") or by its title."""
    answer = reply.strip().lstrip("#").rstrip(".)").strip()
    if answer.isdecimal():  # not isdigit: "²" is a digit int() cannot read
        index = int(answer) - 1
        return (
            str(buttons[index].get("payload") or button_title(buttons[index]))
            if 0 <= index < len(buttons)
            else None
        )
    folded = " ".join(reply.split()).casefold()
    for button in buttons:
        if folded and " ".join(button_title(button).split()).casefold() == folded:
            return str(button.get("payload") or button_title(button))
    return None


class OfferedChoices:
    """The buttons last shown to each conversation, taken back by the customer's next message."""

    def __init__(self, capacity: int = 20_000) -> None:
        self._offers: dict[str, list[dict[str, Any]]] = {}
        self._capacity = capacity

    def offer(self, conversation_id: str, buttons: Sequence[dict[str, Any]]) -> None:
        if len(self._offers) >= self._capacity:
            self._offers.pop(next(iter(self._offers)))
        self._offers[conversation_id] = [dict(button) for button in buttons]

    def offered(self, conversation_id: str) -> list[dict[str, Any]]:
        return self._offers.get(conversation_id, [])

    def resolve(self, conversation_id: str, reply: str) -> str:
        """The payload when `reply` picks an offered option, else `reply` itself; the offer is used up."""
        buttons = self._offers.pop(conversation_id, [])
        return chosen_payload(reply, buttons) or reply
