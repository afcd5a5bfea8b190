"""Ticket and agent storage. Every SQL statement of the service lives here, in SQL that SQLite and
PostgreSQL both run (handoff/database.py: `?` placeholders, one interface for both)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from handoff.database import Database, Queries, Row
from handoff.errors import (
    DuplicateUser,
    InvalidTransition,
    OpenTicketExists,
    TicketNotFound,
    UniqueViolation,
    UserNotFound,
)
from handoff.models import (
    OPEN_STATUSES,
    Attachment,
    Customer,
    HandoffRequest,
    Message,
    Note,
    Role,
    Status,
    Ticket,
    utc_now,
)
from handoff.users import Agent

_TICKET_SELECT = (
    "SELECT t.*, u.display_name AS agent_name FROM tickets t LEFT JOIN users u ON u.id = t.assigned_agent_id"
)
_PRIORITY_ORDER = "CASE t.priority WHEN 'high' THEN 0 ELSE 1 END, t.handoff_time, t.id"


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


_Model = TypeVar("_Model", Agent, Attachment, Message, Note)


def _from_row(model: type[_Model], row: Row, **converted: Any) -> _Model:
    """`model` with each field read from the row's column of the same name; `converted` gives the fields
    whose column holds them otherwise (ISO times, JSON)."""
    if dataclasses.is_dataclass(model):
        names = [f.name for f in dataclasses.fields(model)]
    else:
        names = list(model.model_fields)
    return model(**{name: row[name] for name in names if name not in converted}, **converted)


class Store:
    """Async access to tickets, messages, notes, agents and canned responses."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @property
    def database(self) -> Database:
        return self._db

    # ---- tickets -------------------------------------------------------------------------------
    async def create_ticket(self, request: HandoffRequest, status: Status, now: dt.datetime) -> int:
        """The new ticket's id. An incident for a conversation that has an open one raises OpenTicketExists
        (a unique index: two requests at once on two processes still make one ticket)."""
        try:
            async with self._db.transaction() as tx:
                ticket_id = await self._insert_ticket(tx, request, status, now)
                await tx.executemany(
                    "INSERT INTO messages (ticket_id, role, text, timestamp, author) VALUES (?, ?, ?, ?, ?)",
                    [(ticket_id, e.role, e.text, _iso(e.timestamp), e.author) for e in request.transcript],
                )
        except UniqueViolation as exc:
            raise OpenTicketExists(request.conversation_id) from exc
        return ticket_id

    @staticmethod
    async def _insert_ticket(tx: Queries, request: HandoffRequest, status: Status, now: dt.datetime) -> int:
        return await tx.insert(
            "INSERT INTO tickets (conversation_id, status, channel, customer_channel_user_id, customer_name,"
            " customer_email, summary, category, reason, escalation_type, queue, priority, contact_time,"
            " handoff_time, actions_taken, tracker_cursor, ticket_type, request_type, request_details,"
            " service_level_hours, due_time, language)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                request.conversation_id,
                status,
                request.channel,
                request.customer.channel_user_id,
                request.customer.name,
                request.customer.email,
                request.summary,
                request.category,
                request.reason,
                request.escalation_type,
                request.queue,
                request.priority,
                _iso(
                    request.contact_time or (request.transcript[0].timestamp if request.transcript else now)
                ),
                _iso(now),
                json.dumps(request.actions_taken),
                max((e.timestamp.timestamp() for e in request.transcript), default=0.0),
                request.ticket_type,
                request.request_type,
                json.dumps(request.request_details) if request.request_details is not None else None,
                request.service_level_hours,
                _iso(now + dt.timedelta(hours=request.service_level_hours))
                if request.service_level_hours
                else None,
                request.language,
            ),
        )

    async def get_ticket(self, ticket_id: int, *, with_messages: bool = True) -> Ticket:
        row = await self._db.fetchrow(f"{_TICKET_SELECT} WHERE t.id = ?", (ticket_id,))
        if row is None:
            raise TicketNotFound(ticket_id)
        if not with_messages:
            return self._ticket(row, [], [])
        return await self._full_ticket(row)

    async def _full_ticket(self, row: Row) -> Ticket:
        ticket_id = int(row["id"])
        ticket = self._ticket(row, await self.messages(ticket_id), await self.notes(ticket_id))
        return ticket.model_copy(update={"attachments": await self.attachments(ticket_id)})

    async def tickets_for_conversation(self, conversation_id: str) -> list[Ticket]:
        rows = await self._db.fetch(
            f"{_TICKET_SELECT} WHERE t.conversation_id = ? ORDER BY t.id", (conversation_id,)
        )
        return [await self._full_ticket(r) for r in rows]

    async def tickets_for_customer(self, channel_user_id: str, limit: int = 20) -> list[Ticket]:
        """The customer's newest tickets first, without messages (what a status question needs)."""
        rows = await self._db.fetch(
            f"{_TICKET_SELECT} WHERE t.customer_channel_user_id = ? ORDER BY t.id DESC LIMIT ?",
            (channel_user_id, limit),
        )
        return [self._ticket(r, [], []) for r in rows]

    async def open_ticket_for_conversation(self, conversation_id: str) -> Ticket | None:
        row = await self._db.fetchrow(
            f"{_TICKET_SELECT} WHERE t.conversation_id = ? AND t.ticket_type = 'incident'"
            " AND t.status IN ('waiting', 'assigned', 'offline')"
            " ORDER BY t.id DESC LIMIT 1",
            (conversation_id,),
        )
        return self._ticket(row, [], []) if row else None

    async def list_tickets(self, statuses: Sequence[Status], limit: int = 200) -> list[Ticket]:
        marks = ", ".join("?" for _ in statuses)
        rows = await self._db.fetch(
            f"{_TICKET_SELECT} WHERE t.status IN ({marks}) ORDER BY {_PRIORITY_ORDER} LIMIT ?",
            (*statuses, limit),
        )
        return [self._ticket(r, [], []) for r in rows]

    async def recent_closed(self, limit: int = 50) -> list[Ticket]:
        rows = await self._db.fetch(
            f"{_TICKET_SELECT} WHERE t.status NOT IN ('waiting', 'assigned') ORDER BY t.id DESC LIMIT ?",
            (limit,),
        )
        return [self._ticket(r, [], []) for r in rows]

    async def rated_tickets(self, limit: int = 1000) -> list[Ticket]:
        """Tickets with a satisfaction rating, newest first."""
        rows = await self._db.fetch(
            f"{_TICKET_SELECT} WHERE t.satisfaction_rating IS NOT NULL ORDER BY t.id DESC LIMIT ?", (limit,)
        )
        return [self._ticket(r, [], []) for r in rows]

    async def waiting_by_queue(self) -> dict[str, tuple[int, dt.datetime]]:
        """Per queue: how many tickets wait and since when the oldest (all of them, one query)."""
        rows = await self._db.fetch(
            "SELECT queue, COUNT(*), MIN(handoff_time) FROM tickets WHERE status = 'waiting' GROUP BY queue"
        )
        return {r[0]: (int(r[1]), _time(r[2]) or utc_now()) for r in rows}

    async def waiting_ahead(self, ticket: Ticket) -> int:
        """How many waiting tickets in the same queue come before this one (read from the database, so
        every handoff process tells the same place)."""
        rows = await self._db.fetch(
            f"SELECT t.id FROM tickets t WHERE t.status = 'waiting' AND t.queue = ? ORDER BY {_PRIORITY_ORDER}",
            (ticket.queue,),
        )
        ids = [int(r[0]) for r in rows]
        return ids.index(ticket.ticket_id) if ticket.ticket_id in ids else 0

    async def transition(
        self, ticket_id: int, allowed_from: Sequence[Status], to: Status, **columns: Any
    ) -> Ticket:
        """Move a ticket to `to` if its status is one of `allowed_from`; set extra columns on the way.

        One conditional UPDATE: of two agents claiming the same ticket on two processes, one wins and the
        other gets InvalidTransition."""
        sets = ", ".join(f"{name} = ?" for name in ["status", *columns])
        values = [to, *(_iso(v) if isinstance(v, dt.datetime) else v for v in columns.values())]
        marks = ", ".join("?" for _ in allowed_from)
        changed = await self._db.execute(
            f"UPDATE tickets SET {sets} WHERE id = ? AND status IN ({marks})",
            (*values, ticket_id, *allowed_from),
        )
        ticket = await self.get_ticket(ticket_id, with_messages=False)
        if not changed:
            raise InvalidTransition(f"ticket {ticket_id} is {ticket.status}")
        return ticket

    async def update(self, ticket_id: int, **columns: Any) -> None:
        await self.get_ticket(ticket_id, with_messages=False)
        sets = ", ".join(f"{name} = ?" for name in columns)
        values = [_iso(v) if isinstance(v, dt.datetime) else v for v in columns.values()]
        await self._db.execute(f"UPDATE tickets SET {sets} WHERE id = ?", (*values, ticket_id))

    async def mark_first_response(self, ticket_id: int, now: dt.datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE tickets SET first_agent_response_time = ? WHERE id = ? AND first_agent_response_time IS NULL",
            (_iso(now), ticket_id),
        )
        return changed > 0

    async def tracker_cursor(self, ticket_id: int) -> float:
        row = await self._db.fetchrow("SELECT tracker_cursor FROM tickets WHERE id = ?", (ticket_id,))
        return float(row[0]) if row else 0.0

    async def notified_positions(self) -> dict[int, int]:
        """The queue place each waiting customer was last told, by ticket (kept in the database, so a
        customer hears each better place once, whichever process runs the queue updates)."""
        rows = await self._db.fetch(
            "SELECT id, notified_position FROM tickets WHERE status = 'waiting' AND notified_position IS NOT NULL"
        )
        return {int(r[0]): int(r[1]) for r in rows}

    async def set_notified_position(self, ticket_id: int, position: int | None) -> None:
        await self._db.execute("UPDATE tickets SET notified_position = ? WHERE id = ?", (position, ticket_id))

    # ---- messages and notes --------------------------------------------------------------------
    async def add_message(
        self,
        ticket_id: int,
        role: Role,
        text: str,
        timestamp: dt.datetime | None = None,
        author: str | None = None,
    ) -> Message:
        when = timestamp or utc_now()
        message_id = await self._db.insert(
            "INSERT INTO messages (ticket_id, role, text, timestamp, author) VALUES (?, ?, ?, ?, ?)",
            (ticket_id, role, text, _iso(when), author),
        )
        return Message(id=message_id, role=role, text=text, timestamp=when, author=author)

    async def set_delivery(self, message: Message, error: str | None) -> Message:
        """Record whether an agent's message reached the customer (error None) or why it did not."""
        status = "failed" if error else "delivered"
        await self._db.execute(
            "UPDATE messages SET delivery_status = ?, delivery_error = ? WHERE id = ?",
            (status, error, message.id),
        )
        return message.model_copy(update={"delivery_status": status, "delivery_error": error})

    async def messages(self, ticket_id: int) -> list[Message]:
        rows = await self._db.fetch(
            "SELECT * FROM messages WHERE ticket_id = ? ORDER BY timestamp, id", (ticket_id,)
        )
        return [_from_row(Message, r, timestamp=_time(r["timestamp"])) for r in rows]

    async def add_note(self, ticket_id: int, author: str, text: str) -> Note:
        await self.get_ticket(ticket_id, with_messages=False)
        now = utc_now()
        note_id = await self._db.insert(
            "INSERT INTO notes (ticket_id, author, text, created_at) VALUES (?, ?, ?, ?)",
            (ticket_id, author, text, _iso(now)),
        )
        return Note(id=note_id, author=author, text=text, created_at=now)

    async def notes(self, ticket_id: int) -> list[Note]:
        rows = await self._db.fetch("SELECT * FROM notes WHERE ticket_id = ? ORDER BY id", (ticket_id,))
        return [_from_row(Note, r, created_at=_time(r["created_at"])) for r in rows]

    async def canned_responses(self) -> list[dict[str, Any]]:
        return [
            dict(r) for r in await self._db.fetch("SELECT id, title, text FROM canned_responses ORDER BY id")
        ]

    # ---- customers' files (metadata only; the bytes are in handoff/attachment_files.py) ----------
    async def add_attachment(self, conversation_id: str, channel: str, item: Attachment, sha256: str) -> None:
        await self._db.execute(
            "INSERT INTO attachments (id, conversation_id, ticket_id, channel, name, content_type, size,"
            " sha256, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                item.id,
                conversation_id,
                item.ticket_id,
                channel,
                item.name,
                item.content_type,
                item.size,
                sha256,
                _iso(item.received_at),
            ),
        )

    async def link_attachments(self, conversation_id: str, ticket_id: int) -> int:
        """Give the conversation's files sent before there was a ticket to this ticket; how many."""
        return await self._db.execute(
            "UPDATE attachments SET ticket_id = ? WHERE conversation_id = ? AND ticket_id IS NULL",
            (ticket_id, conversation_id),
        )

    async def attachments(self, ticket_id: int) -> list[Attachment]:
        rows = await self._db.fetch(
            "SELECT * FROM attachments WHERE ticket_id = ? ORDER BY received_at, id", (ticket_id,)
        )
        return [self._attachment(r) for r in rows]

    async def get_attachment(self, attachment_id: str) -> Attachment | None:
        row = await self._db.fetchrow("SELECT * FROM attachments WHERE id = ?", (attachment_id,))
        return self._attachment(row) if row else None

    # ---- agents --------------------------------------------------------------------------------
    async def create_user(
        self, username: str, display_name: str, password_hash: str, role: str, skills: Sequence[str] = ()
    ) -> Agent:
        try:
            user_id = await self._db.insert(
                "INSERT INTO users (username, display_name, password_hash, role, skills, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (username, display_name, password_hash, role, json.dumps(list(skills)), _iso(utc_now())),
            )
        except UniqueViolation as exc:
            raise DuplicateUser(username) from exc
        return await self.get_user(user_id)

    async def get_user(self, user_id: int) -> Agent:
        row = await self._db.fetchrow("SELECT * FROM users WHERE id = ?", (user_id,))
        if row is None:
            raise UserNotFound(user_id)
        return self._agent(row)

    async def find_user(self, username: str) -> Agent:
        row = await self._db.fetchrow("SELECT * FROM users WHERE username = ?", (username,))
        if row is None:
            raise UserNotFound(username)
        return self._agent(row)

    async def list_users(self) -> list[Agent]:
        return [self._agent(r) for r in await self._db.fetch("SELECT * FROM users ORDER BY username")]

    async def set_password(self, user_id: int, password_hash: str) -> None:
        await self._db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))

    async def set_skills(self, user_id: int, skills: Sequence[str]) -> None:
        await self._db.execute(
            "UPDATE users SET skills = ? WHERE id = ?", (json.dumps(list(skills)), user_id)
        )

    async def set_presence(self, user_id: int, presence: str) -> None:
        await self._db.execute("UPDATE users SET presence = ? WHERE id = ?", (presence, user_id))

    # ---- row mapping ---------------------------------------------------------------------------
    @staticmethod
    def _agent(row: Row) -> Agent:
        return _from_row(Agent, row, skills=tuple(json.loads(row["skills"])))

    @staticmethod
    def _attachment(row: Row) -> Attachment:
        return _from_row(Attachment, row, received_at=_time(row["received_at"]))

    @staticmethod
    def _ticket(row: Row, messages: list[Message], notes: list[Note]) -> Ticket:
        return Ticket(
            ticket_id=row["id"],
            conversation_id=row["conversation_id"],
            status=row["status"],
            channel=row["channel"],
            customer=Customer(
                channel_user_id=row["customer_channel_user_id"],
                name=row["customer_name"],
                email=row["customer_email"],
            ),
            summary=row["summary"],
            category=row["category"],
            reason=row["reason"],
            escalation_type=row["escalation_type"],
            queue=row["queue"],
            priority=row["priority"],
            contact_time=_time(row["contact_time"]),
            handoff_time=_time(row["handoff_time"]),
            first_agent_response_time=_time(row["first_agent_response_time"]),
            assigned_agent=row["agent_name"],
            assigned_agent_id=row["assigned_agent_id"],
            actions_taken=json.loads(row["actions_taken"]),
            resolution_notes=row["resolution_notes"],
            resolution_time=_time(row["resolution_time"]),
            satisfaction_rating=row["satisfaction_rating"],
            satisfaction_comment=row["satisfaction_comment"],
            callback=json.loads(row["callback"]) if row["callback"] else None,
            ticket_type=row["ticket_type"],
            request_type=row["request_type"],
            request_details=json.loads(row["request_details"]) if row["request_details"] else None,
            service_level_hours=row["service_level_hours"],
            due_time=_time(row["due_time"]),
            language=row["language"],
            transcript=messages,
            notes=notes,
        )


__all__ = ["OPEN_STATUSES", "Store"]
