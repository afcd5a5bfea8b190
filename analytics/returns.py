"""When did the same customer come back: next conversation at all, and next on the same topic."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from analytics.records import Conversation


class Returns:
    def __init__(self, conversations: list[Conversation]) -> None:
        self._next_any: dict[str, dt.datetime] = {}
        self._next_same: dict[str, dt.datetime] = {}
        by_customer: dict[str, list[Conversation]] = defaultdict(list)
        for conv in conversations:
            by_customer[conv.customer].append(conv)
        for convs in by_customer.values():
            convs.sort(key=lambda c: c.started)
            next_by_topic: dict[int, dt.datetime] = {}
            following: dt.datetime | None = None
            for conv in reversed(convs):
                if following is not None:
                    self._next_any[conv.conversation_id] = following
                if conv.topic in next_by_topic:
                    self._next_same[conv.conversation_id] = next_by_topic[conv.topic]
                next_by_topic[conv.topic] = conv.started
                following = conv.started

    def came_back_within(self, conv: Conversation, after: dt.datetime, window: dt.timedelta) -> bool:
        """Any new conversation from this customer in (after, after + window]."""
        nxt = self._next_any.get(conv.conversation_id)
        return nxt is not None and after < nxt <= after + window

    def same_topic_within(self, conv: Conversation, after: dt.datetime, window: dt.timedelta) -> bool:
        nxt = self._next_same.get(conv.conversation_id)
        return nxt is not None and nxt <= after + window
