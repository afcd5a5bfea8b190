"""Ticket data crossing the HTTP boundary (pydantic) and ticket records read from the store."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Role = Literal["customer", "bot", "agent", "system"]
Reason = Literal["customer_request", "complaint", "nlu_fallback", "script_dead_end", "kb_not_solved"]
Priority = Literal["normal", "high"]
Status = Literal["waiting", "assigned", "resolved", "handed_back", "cancelled", "offline"]
OPEN_STATUSES: tuple[Status, ...] = ("waiting", "assigned")
# ITIL escalation types: technical (to specialists with deeper knowledge), vertical (up to a supervisor or
# manager, e.g. complaints), horizontal (to another team or agent at the same level), administrative (needs
# an admin or approval action, e.g. access rights, a software purchase).
ESCALATION_TYPES = ("technical", "vertical", "horizontal", "administrative")
# Skill queues: who works the ticket. Agents' skills name queues; `general` is everyone's.
# The req-* queues work service requests (one per request type in data/requests/*.yml).
EscalationType = Literal["technical", "vertical", "horizontal", "administrative"]
Queue = Literal[
    "general",
    "network",
    "hardware",
    "software",
    "account",
    "complaint",
    "req-software",
    "req-access",
    "req-equipment",
    "req-onboarding",
]
QUEUES: tuple[str, ...] = get_args(Queue)
# incident: something is broken (a live handoff); request: ITIL request fulfilment, worked from its queue.
TicketType = Literal["incident", "request"]
LANGUAGE_PATTERN = r"^[a-z]{2}$"
# Before migration 0002 `escalation_type` held the queue; the type each old queue implies (same as the SQL).
TYPE_OF_LEGACY_QUEUE: dict[str, EscalationType] = {
    "complaint": "vertical",
    "network": "technical",
    "hardware": "technical",
    "software": "technical",
    "account": "administrative",
    "general": "horizontal",
}
MAX_TEXT = 10_000
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class TranscriptEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    role: Role
    text: str = Field(max_length=MAX_TEXT)
    timestamp: dt.datetime
    author: str | None = Field(default=None, max_length=200)

    _tz = field_validator("timestamp")(_aware)


class Customer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    channel_user_id: str = Field(min_length=1, max_length=200)
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320, pattern=EMAIL_PATTERN)


class HandoffRequest(BaseModel):
    """What the bot sends when it hands a conversation to a person."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    conversation_id: str = Field(min_length=1, max_length=200)
    channel: str = Field(min_length=1, max_length=50)
    customer: Customer
    summary: str = Field(default="", max_length=2000)
    category: str | None = Field(default=None, max_length=100)
    reason: Reason
    escalation_type: EscalationType = "horizontal"
    queue: Queue = "general"
    priority: Priority = "normal"
    contact_time: dt.datetime | None = None
    transcript: list[TranscriptEntry] = Field(default_factory=list, max_length=5000)
    actions_taken: list[dict[str, Any]] = Field(default_factory=list, max_length=1000)
    ticket_type: TicketType = "incident"
    request_type: str | None = Field(default=None, max_length=50, pattern=r"^[a-z0-9_]+$")
    request_details: dict[str, str] | None = Field(default=None, max_length=20)
    service_level_hours: int | None = Field(default=None, ge=1, le=24 * 60)
    language: str | None = Field(default=None, pattern=LANGUAGE_PATTERN)

    @field_validator("request_details")
    @classmethod
    def _short_details(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value and any(len(k) > 100 or len(v) > 1000 for k, v in value.items()):
            raise ValueError("each request detail is at most 100 characters of label and 1000 of value")
        return value

    @model_validator(mode="after")
    def _request_has_type(self) -> HandoffRequest:
        if self.ticket_type == "request" and not self.request_type:
            raise ValueError("a request ticket needs request_type")
        return self

    @model_validator(mode="before")
    @classmethod
    def _legacy_queue_in_type(cls, data: Any) -> Any:
        """A bot built before the split sends the queue as `escalation_type` and no `queue`: accept it."""
        if isinstance(data, dict) and "queue" not in data:
            old = data.get("escalation_type")
            if isinstance(old, str) and old in TYPE_OF_LEGACY_QUEUE:
                return {**data, "queue": old, "escalation_type": TYPE_OF_LEGACY_QUEUE[old]}
        return data

    @field_validator("contact_time")
    @classmethod
    def _tz(cls, value: dt.datetime | None) -> dt.datetime | None:
        return _aware(value) if value else None


class Message(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    role: Role
    text: str
    timestamp: dt.datetime
    author: str | None = None
    delivery_status: Literal["delivered", "failed"] | None = None
    delivery_error: str | None = None  # why the customer's app did not get it, in words for the agent


class Attachment(BaseModel):
    """A file the customer sent (stored on disk by handoff/attachment_files.py; only this in the table)."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    content_type: str  # checked from the file's first bytes, never the app's word
    size: int
    received_at: dt.datetime
    ticket_id: int | None = None


class Note(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    author: str
    text: str
    created_at: dt.datetime


class Ticket(BaseModel):
    """A handoff ticket: who, what, when, what was tried, and the whole conversation."""

    model_config = ConfigDict(frozen=True)

    ticket_id: int
    conversation_id: str
    status: Status
    channel: str
    customer: Customer
    summary: str
    category: str | None
    reason: Reason
    escalation_type: str
    queue: str
    priority: Priority
    contact_time: dt.datetime | None
    handoff_time: dt.datetime
    first_agent_response_time: dt.datetime | None
    assigned_agent: str | None
    assigned_agent_id: int | None = None
    actions_taken: list[dict[str, Any]]
    resolution_notes: str | None
    resolution_time: dt.datetime | None
    satisfaction_rating: int | None
    satisfaction_comment: str | None
    callback: dict[str, Any] | None
    ticket_type: TicketType = "incident"
    request_type: str | None = None
    request_details: dict[str, str] | None = None
    service_level_hours: int | None = None
    due_time: dt.datetime | None = None
    language: str | None = None
    transcript: list[Message] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
