"""When did the same customer come back: any new conversation, or one on the same topic, after a moment.

"After" is strict and measured from the moment given (a conversation's end, a ticket's `resolution_time`): a
conversation the customer started while their ticket was still open is not a return after it was resolved."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict

from analytics.records import Conversation


class Returns:
    def __init__(self, conversations: list[Conversation]) -> None:
        self._any: dict[str, list[Conversation]] = defaultdict(list)
        self._same: dict[tuple[str, int], list[Conversation]] = defaultdict(list)
        for conv in conversations:
            self._any[conv.customer].append(conv)
            self._same[(conv.customer, conv.topic)].append(conv)
        for convs in (*self._any.values(), *self._same.values()):
            convs.sort(key=lambda c: c.started)
        self._starts = {id(v): [c.started for c in v] for v in (*self._any.values(), *self._same.values())}

    def _first_after(
        self, convs: list[Conversation], conv: Conversation, after: dt.datetime
    ) -> Conversation | None:
        """The first of `convs` that starts later than both `after` and `conv` itself."""
        starts = self._starts.get(id(convs), [])
        index = bisect.bisect_right(starts, max(after, conv.started))
        return convs[index] if index < len(convs) else None

    def next_on_topic(self, conv: Conversation, after: dt.datetime) -> Conversation | None:
        """The customer's first conversation on the same topic that starts after `after`."""
        return self._first_after(self._same.get((conv.customer, conv.topic), []), conv, after)

    def came_back_within(self, conv: Conversation, after: dt.datetime, window: dt.timedelta) -> bool:
        """Any new conversation from this customer in (after, after + window]."""
        nxt = self._first_after(self._any.get(conv.customer, []), conv, after)
        return nxt is not None and nxt.started <= after + window

    def same_topic_within(self, conv: Conversation, after: dt.datetime, window: dt.timedelta) -> bool:
        """A new conversation from this customer on the same topic in (after, after + window]."""
        nxt = self.next_on_topic(conv, after)
        return nxt is not None and nxt.started <= after + window
