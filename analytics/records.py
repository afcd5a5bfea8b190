"""What one conversation and one handoff ticket look like once read from the stores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TicketRecord:
    ticket_id: int
    conversation_id: str
    customer: str
    status: str
    channel: str
    summary: str
    category: str | None
    reason: str
    queue: str
    priority: str
    handoff_time: dt.datetime
    first_agent_response_time: dt.datetime | None
    resolution_time: dt.datetime | None
    agent: str | None
    rating: int | None
    comment: str | None
    resolved_by: str | None = None  # 'agent' | 'assistant' when the column exists
    ticket_type: str | None = None  # 'incident' | 'request' when the column exists
    request_type: str | None = None  # a service request's type (data/requests), when the column exists
    service_level_hours: int | None = None  # that type's fulfilment target, working hours
    callback: dict[str, Any] | None = None  # the customer asked to be called back (an after-hours ticket)


@dataclass
class Conversation:
    """One Rasa session of one sender: from its first customer message to its last event."""

    conversation_id: str  # f"{sender_id}#{session number}"
    sender_id: str
    customer: str
    channel: str
    started: dt.datetime
    ended: dt.datetime
    texts: list[str] = field(default_factory=list)
    first_bot_reply: dt.datetime | None = None
    resolution: str | None = None  # the lead's `resolution` slot
    kb_missed: bool = False  # kb_miss_count > 0 at some point: the knowledge base had no answer
    kb_not_helped: bool = False  # an article shown was marked helped = False
    kb_helped: bool = False
    diagnostic_id: str | None = None
    diagnostic_outcome: str | None = None
    diagnostic_node: str | None = None
    survey_rating: int | None = None  # the one-tap survey after the assistant solved it (slot handoff_rating)
    survey_comment: str | None = None  # its optional comment (slot handoff_comment)
    site: str | None = None  # message metadata `site` or `network`, when a channel sends one
    tickets: list[TicketRecord] = field(default_factory=list)
    topic: int = -1  # set by topics.assign

    @property
    def first_text(self) -> str:
        return self.texts[0] if self.texts else ""

    @property
    def handed_off(self) -> bool:
        return bool(self.tickets)

    @property
    def ticket(self) -> TicketRecord | None:
        return self.tickets[0] if self.tickets else None
