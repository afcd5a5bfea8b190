"""Reading an app's webhook JSON without trusting its shape: a field that should hold an object, a list, a
text or a size but holds something else reads as empty, so a parser never fails on `.get` of a list or
passes a number on as the customer's text. (Found by tests/channels/test_channel_parse_properties.py.)"""

from __future__ import annotations

from typing import Any


def obj(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def listed(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def text_of(value: object) -> str | None:
    return value if isinstance(value, str) else None


def size_of(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
