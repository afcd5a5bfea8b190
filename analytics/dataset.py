"""Join tickets to the conversation (Rasa session) they were handed off from."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict

from analytics.handoff_source import read_tickets
from analytics.records import Conversation, TicketRecord
from analytics.settings import AnalyticsSettings
from analytics.tracker_source import read_conversations


def attach_tickets(conversations: list[Conversation], tickets: list[TicketRecord]) -> None:
    """A ticket belongs to the sender's latest session that started at or before its handoff time."""
    by_sender: dict[str, list[Conversation]] = defaultdict(list)
    for conv in conversations:
        by_sender[conv.sender_id].append(conv)
    for convs in by_sender.values():
        convs.sort(key=lambda c: c.started)
    for ticket in tickets:
        convs = by_sender.get(ticket.conversation_id)
        if not convs:
            continue
        index = bisect.bisect_right([c.started for c in convs], ticket.handoff_time) - 1
        if index >= 0:
            convs[index].tickets.append(ticket)


def load(settings: AnalyticsSettings, since: dt.datetime, until: dt.datetime) -> list[Conversation]:
    conversations = list(read_conversations(settings.tracker_db, since, until))
    url = settings.handoff_database_url
    attach_tickets(conversations, read_tickets(settings.handoff_db, url.get_secret_value() if url else None))
    return conversations
