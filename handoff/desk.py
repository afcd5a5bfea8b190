"""The help desk's rules: open a handoff, queue place and wait, claim, chat, transfer, resolve, hand back.

Views call these; they keep the ticket, the agent consoles (hub), Rasa and the metrics in step."""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from typing import Any

from handoff import hours
from handoff.errors import InvalidTransition, NotYourQueue, OpenTicketExists, ServiceUnavailable
from handoff.hub import Hub
from handoff.metrics import Metrics
from handoff.models import OPEN_STATUSES, QUEUES, HandoffRequest, Message, Ticket, utc_now
from handoff.presence import Presence
from handoff.privacy_text import redacted, redacted_callback, redacted_handoff
from handoff.rasa import NotDelivered, RasaClient
from handoff.routing import can_see, checked_route, serves
from handoff.settings import Settings
from handoff.store import Store
from handoff.users import Agent
from privacy import redact

log = logging.getLogger(__name__)
AGENT_ROLE_KEY = "handoff_role"


@dataclass(frozen=True)
class QueueInfo:
    position: int
    estimated_wait_minutes: int
    agents_online: int
    open_now: bool
    hours: str
    next_open: dt.datetime | None
    offline_response_hours: int

    def as_json(self) -> dict[str, Any]:
        return {
            "queue_position": self.position,
            "estimated_wait_minutes": self.estimated_wait_minutes,
            "agents_online": self.agents_online,
            "open_now": self.open_now,
            "business_hours": self.hours,
            "next_open": self.next_open.isoformat() if self.next_open else None,
            "offline_response_hours": self.offline_response_hours,
        }


@dataclass
class Desk:
    store: Store
    settings: Settings
    hub: Hub
    metrics: Metrics
    presence: Presence
    rasa: RasaClient | None = None

    # ---- opening and queueing ------------------------------------------------------------------
    async def agents_online(self, queue: str | None = None) -> list[Agent]:
        """Agents with a console open (on any handoff process) and presence online (who work `queue`)."""
        connected = await self.presence.online_user_ids()
        return [
            a
            for a in await self.store.list_users()
            if a.presence == "online" and a.id in connected and (queue is None or serves(a, queue))
        ]

    async def open_handoff(self, request: HandoffRequest) -> tuple[Ticket, QueueInfo, bool]:
        """Create the ticket (or return the conversation's open one). Offline when closed or nobody is on."""
        request = checked_route(redacted_handoff(request))
        now = utc_now()
        if request.ticket_type == "request":
            return await self._log_request(request, now)
        staffed = hours.is_open(self.settings.hours, now) and bool(await self.agents_online(request.queue))
        existing = await self.store.open_ticket_for_conversation(request.conversation_id)
        if existing is not None:
            if existing.status == "offline" and staffed:
                try:
                    existing = await self.store.transition(existing.ticket_id, ("offline",), "waiting")
                except InvalidTransition:  # another process moved it at the same moment: its state counts
                    existing = await self.store.get_ticket(existing.ticket_id, with_messages=False)
                else:
                    await self._changed(existing.ticket_id)
            return existing, await self.queue_info(existing), False
        status = "waiting" if staffed else "offline"
        try:
            ticket_id = await self.store.create_ticket(request, status, now)
        except OpenTicketExists:
            # The same request at the same moment (another process, a retry) made the ticket first.
            existing = await self.store.open_ticket_for_conversation(request.conversation_id)
            if existing is None:
                raise
            log.info(
                "conversation %s: already has open ticket %s", request.conversation_id, existing.ticket_id
            )
            return existing, await self.queue_info(existing), False
        # Files the customer sent while the bot was answering go with the ticket (the bot said it cannot
        # read them and offered a person).
        await self.store.link_attachments(request.conversation_id, ticket_id)
        ticket = await self.store.get_ticket(ticket_id)
        self.metrics.handoffs.labels(reason=ticket.reason, status=status).inc()
        log.info("conversation %s: opened ticket %s (%s)", ticket.conversation_id, ticket_id, status)
        await self.hub.tell_about(ticket, {"type": "ticket_created", "ticket": _summary(ticket)})
        await self.refresh_metrics()
        return ticket, await self.queue_info(ticket), True

    async def _log_request(self, request: HandoffRequest, now: dt.datetime) -> tuple[Ticket, QueueInfo, bool]:
        """A service request is not a live chat: it is saved ('offline') in its request queue and worked
        within its service level, so it never takes a place in the live queue or pauses the bot."""
        ticket_id = await self.store.create_ticket(request, "offline", now)
        ticket = await self.store.get_ticket(ticket_id)
        self.metrics.handoffs.labels(reason=ticket.reason, status="request").inc()
        log.info(
            "conversation %s: logged request %s (%s)", ticket.conversation_id, ticket_id, request.request_type
        )
        await self.hub.tell_about(ticket, {"type": "ticket_created", "ticket": _summary(ticket)})
        return ticket, await self.queue_info(ticket), True

    async def queue_info(self, ticket: Ticket, online_agents: list[Agent] | None = None) -> QueueInfo:
        """`online_agents`: all agents online, when the caller has just read them (a whole queue page)."""
        now = utc_now()
        if online_agents is None:
            online = len(await self.agents_online(ticket.queue))
        else:
            online = sum(1 for a in online_agents if serves(a, ticket.queue))
        position = (await self.store.waiting_ahead(ticket)) + 1 if ticket.status == "waiting" else 0
        per = self.settings.service_levels.minutes_per_conversation
        wait = math.ceil(position * per / max(online, 1)) if position else 0
        return QueueInfo(
            position=position,
            estimated_wait_minutes=wait,
            agents_online=online,
            open_now=hours.is_open(self.settings.hours, now),
            hours=hours.describe(self.settings.hours),
            next_open=hours.next_open(self.settings.hours, now),
            offline_response_hours=self.settings.service_levels.offline_response_hours,
        )

    # ---- agent actions -------------------------------------------------------------------------
    async def visible_ticket(self, ticket_id: int, agent: Agent, *, with_messages: bool = True) -> Ticket:
        """The ticket, if the agent works its queue or owns it."""
        ticket = await self.store.get_ticket(ticket_id, with_messages=with_messages)
        if not can_see(agent, ticket):
            raise NotYourQueue(f"ticket {ticket_id} is in the {ticket.queue} queue, not one of yours")
        return ticket

    async def claim(self, ticket_id: int, agent: Agent) -> Ticket:
        await self.visible_ticket(ticket_id, agent, with_messages=False)
        ticket = await self.store.transition(
            ticket_id, ("waiting", "offline"), "assigned", assigned_agent_id=agent.id
        )
        self.metrics.wait_seconds.observe((utc_now() - ticket.handoff_time).total_seconds())
        await self.store.set_notified_position(ticket_id, None)
        log.info(
            "conversation %s: ticket %s claimed by %s", ticket.conversation_id, ticket_id, agent.username
        )
        await self._rasa(ticket, "pause")
        await self._say(
            ticket,
            f"{agent.display_name} from IT support has joined the chat. You are now talking to a person, "
            "not the bot. They can see everything you told me.",
            role="system",
            agent_name=agent.display_name,
        )
        await self._changed(ticket_id)
        return ticket

    async def reply(self, ticket_id: int, agent: Agent, text: str) -> tuple[Message, bool]:
        ticket = await self.store.get_ticket(ticket_id, with_messages=False)
        self._must_own(ticket, agent)
        message = await self.store.add_message(ticket_id, "agent", text, author=agent.display_name)
        if await self.store.mark_first_response(ticket_id, message.timestamp):
            self.metrics.first_response_seconds.observe(
                (message.timestamp - ticket.handoff_time).total_seconds()
            )
        problem = await self._delivery_problem(
            ticket, text, {AGENT_ROLE_KEY: "agent", "agent_name": agent.display_name}
        )
        message = await self.store.set_delivery(message, problem)
        delivered = problem is None
        await self.hub.tell_about(
            ticket, {"type": "message", "ticket_id": ticket_id, "message": message.model_dump(mode="json")}
        )
        return message, delivered

    async def transfer(
        self, ticket_id: int, agent: Agent, queue: str | None, to_user: Agent | None
    ) -> Ticket:
        """Pass a ticket to another agent (it stays with a person) or back to the waiting list of a queue.

        The owner or a supervisor may transfer an assigned ticket; anyone working its queue a waiting one."""
        ticket = await self.visible_ticket(ticket_id, agent, with_messages=False)
        if ticket.status not in OPEN_STATUSES:
            raise InvalidTransition(f"ticket {ticket_id} is {ticket.status}")
        if ticket.status == "assigned":
            self._must_own(ticket, agent)
        before = ticket
        if to_user is not None:
            was_waiting = ticket.status == "waiting"
            ticket = await self.store.transition(
                ticket_id, OPEN_STATUSES, "assigned", assigned_agent_id=to_user.id
            )
            if was_waiting:
                await self._rasa(ticket, "pause")  # a person owns the chat now: the bot goes quiet
            await self._say(
                ticket,
                f"{to_user.display_name} from IT support is taking over this chat.",
                "system",
                agent_name=to_user.display_name,
            )
            await self.hub.broadcast(
                {"type": "ticket_transferred", "ticket": _summary(ticket), "by": agent.display_name},
                user_id=to_user.id,
            )
        else:
            target = queue or ticket.queue
            ticket = await self.store.transition(
                ticket_id, OPEN_STATUSES, "waiting", assigned_agent_id=None, queue=target
            )
            await self._say(
                ticket, "I'm passing your chat to another support team. A person will join soon.", "system"
            )
            await self.hub.broadcast(
                {"type": "ticket_transferred", "ticket": _summary(ticket), "by": agent.display_name},
                queue=target,
            )
        await self.store.add_note(
            ticket_id, agent.display_name, f"Transferred to {to_user.display_name if to_user else queue}."
        )
        # Consoles that may no longer see it learn only that it left (they re-read their queue).
        await self.hub.tell_about(before, {"type": "ticket_moved", "ticket_id": ticket_id})
        await self._changed(ticket_id)
        return ticket

    async def resolve(self, ticket_id: int, agent: Agent, notes: str) -> Ticket:
        ticket = await self.store.get_ticket(ticket_id, with_messages=False)
        self._must_own(ticket, agent)
        now = utc_now()
        ticket = await self.store.transition(
            ticket_id, ("assigned",), "resolved", resolution_notes=notes, resolution_time=now
        )
        self.metrics.resolution_seconds.observe((now - ticket.handoff_time).total_seconds())
        await self._hand_to_bot(ticket, "handoff_resolved", agent)
        await self._changed(ticket_id)
        return ticket

    async def hand_back(self, ticket_id: int, agent: Agent, notes: str) -> Ticket:
        ticket = await self.store.get_ticket(ticket_id, with_messages=False)
        self._must_own(ticket, agent)
        ticket = await self.store.transition(
            ticket_id, ("assigned",), "handed_back", resolution_notes=notes or None, resolution_time=utc_now()
        )
        await self._hand_to_bot(ticket, "handoff_handed_back", agent)
        await self._changed(ticket_id)
        return ticket

    async def add_note(self, ticket_id: int, agent: Agent, text: str) -> None:
        ticket = await self.visible_ticket(ticket_id, agent, with_messages=False)
        note = await self.store.add_note(ticket_id, agent.display_name, text)
        await self.hub.tell_about(
            ticket, {"type": "note", "ticket_id": ticket_id, "note": note.model_dump(mode="json")}
        )

    async def agent_typing(self, ticket_id: int, agent: Agent) -> bool:
        """Show other consoles, and the customer when this agent speaks for the chat, that the agent types.

        True when the customer's chat was told."""
        ticket = await self.visible_ticket(ticket_id, agent, with_messages=False)
        await self.hub.tell_about(
            ticket, {"type": "typing", "ticket_id": ticket_id, "user": agent.display_name, "role": "agent"}
        )
        speaks = ticket.assigned_agent_id == agent.id or agent.is_supervisor
        if ticket.status != "assigned" or not speaks or self.rasa is None:
            return False
        try:
            await self.rasa.send_typing(ticket.conversation_id, ticket.channel, agent.display_name)
        except ServiceUnavailable as exc:
            log.info("conversation %s: typing not shown: %s", ticket.conversation_id, exc)
            return False
        return True

    # ---- customer-side actions (from the bot) --------------------------------------------------
    async def customer_typing(self, conversation_id: str) -> int | None:
        """The customer types while a person owns the chat: show it in the consoles. The ticket id, if any."""
        ticket = await self.store.open_ticket_for_conversation(conversation_id)
        if ticket is None or ticket.status != "assigned":
            return None
        await self.hub.tell_about(
            ticket,
            {"type": "typing", "ticket_id": ticket.ticket_id, "user": "The customer", "role": "customer"},
        )
        return ticket.ticket_id

    async def cancel(self, ticket_id: int) -> Ticket:
        ticket = await self.store.transition(
            ticket_id, ("waiting", "offline"), "cancelled", resolution_time=utc_now()
        )
        await self.store.set_notified_position(ticket_id, None)
        await self._changed(ticket_id)
        return ticket

    async def record_feedback(self, ticket_id: int, rating: int, comment: str | None) -> Ticket:
        await self.store.update(ticket_id, satisfaction_rating=rating, satisfaction_comment=redacted(comment))
        await self._changed(ticket_id)
        return await self.store.get_ticket(ticket_id)

    async def record_callback(self, ticket_id: int, callback: dict[str, Any]) -> Ticket:
        import json

        await self.store.update(ticket_id, callback=json.dumps(redacted_callback(callback)))
        await self._changed(ticket_id)
        return await self.store.get_ticket(ticket_id)

    # ---- background work -----------------------------------------------------------------------
    async def sync_conversations(self) -> None:
        """Copy new customer and bot messages from the Rasa tracker into open tickets; update waiters."""
        if self.rasa is None:
            return
        for ticket in await self.store.list_tickets(("waiting", "assigned")):
            try:
                events = await self.rasa.events(ticket.conversation_id)
            except ServiceUnavailable as exc:
                log.warning("conversation %s: tracker sync failed: %s", ticket.conversation_id, exc)
                continue
            await self._copy_events(ticket, events)
        await self._notify_positions()
        await self.refresh_metrics()

    async def _copy_events(self, ticket: Ticket, events: list[dict[str, Any]]) -> None:
        cursor = await self.store.tracker_cursor(ticket.ticket_id)
        newest = cursor
        for event in events:
            # The cursor was computed from timestamps stored at microsecond precision: compare the event's
            # stamp at that same precision, or the last message sent with the handoff is copied again.
            stamp = _to_microseconds(event.get("timestamp"))
            if stamp <= cursor or event.get("event") not in ("user", "bot"):
                continue
            newest = max(newest, stamp)
            text = event.get("text") or ""
            metadata = event.get("metadata") or {}
            if not text or metadata.get(AGENT_ROLE_KEY):
                continue  # agent and system messages were stored when they were sent
            role = "customer" if event["event"] == "user" else "bot"
            if role == "customer":  # already redacted by the channel; again, for trackers written before
                text = redact(text).text
            when = dt.datetime.fromtimestamp(stamp, dt.UTC)
            message = await self.store.add_message(ticket.ticket_id, role, text, when)
            await self.hub.tell_about(
                ticket,
                {
                    "type": "message",
                    "ticket_id": ticket.ticket_id,
                    "message": message.model_dump(mode="json"),
                },
            )
        if newest > cursor:
            await self.store.update(ticket.ticket_id, tracker_cursor=newest)

    async def _notify_positions(self) -> None:
        told = await self.store.notified_positions()
        online_agents = await self.agents_online()
        for ticket in await self.store.list_tickets(("waiting",)):
            info = await self.queue_info(ticket, online_agents)
            last = told.get(ticket.ticket_id)
            if last != info.position:
                await self.store.set_notified_position(ticket.ticket_id, info.position)
            if last is not None and info.position < last:
                await self._say(
                    ticket,
                    f"Update: you are now number {info.position} in the queue. "
                    f"The wait is about {max(info.estimated_wait_minutes, 1)} minutes.",
                    "system",
                )

    async def refresh_metrics(self) -> None:
        waiting = await self.store.waiting_by_queue()
        for queue in {*waiting, *QUEUES}:
            self.metrics.queue_length.labels(queue=queue).set(waiting[queue][0] if queue in waiting else 0)
        oldest = min((since for _, since in waiting.values()), default=None)
        self.metrics.oldest_wait.set((utc_now() - oldest).total_seconds() if oldest else 0)
        self.metrics.agents_online.set(len(await self.agents_online()))

    # ---- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _must_own(ticket: Ticket, agent: Agent) -> None:
        if ticket.status != "assigned":
            raise InvalidTransition(f"ticket {ticket.ticket_id} is {ticket.status}")
        if ticket.assigned_agent_id != agent.id and not agent.is_supervisor:
            raise NotYourQueue(f"ticket {ticket.ticket_id} belongs to {ticket.assigned_agent}")

    async def _hand_to_bot(self, ticket: Ticket, intent: str, agent: Agent) -> None:
        if self.rasa is None:
            return
        try:
            await self.rasa.resume(ticket.conversation_id)
            await self.rasa.trigger_intent(
                ticket.conversation_id, intent, {"handoff_ticket_id": str(ticket.ticket_id)}
            )
        except ServiceUnavailable as exc:
            log.warning("conversation %s: hand back failed: %s", ticket.conversation_id, exc)

    async def _say(self, ticket: Ticket, text: str, role: str, agent_name: str | None = None) -> bool:
        """A notice from the service (joined, transferred, queue update), recorded and delivered.

        `agent_name` tells the widget which person now owns the chat."""
        await self.store.add_message(ticket.ticket_id, "system", text, author="IT support")
        metadata: dict[str, Any] = {AGENT_ROLE_KEY: role}
        if agent_name:
            metadata["agent_name"] = agent_name
        return await self._deliver(ticket, text, metadata)

    async def _deliver(self, ticket: Ticket, text: str, metadata: dict[str, Any]) -> bool:
        return await self._delivery_problem(ticket, text, metadata) is None

    async def _delivery_problem(self, ticket: Ticket, text: str, metadata: dict[str, Any]) -> str | None:
        """None when the customer's channel took the message, else why not (shown to the agent)."""
        if self.rasa is None:
            return "the bot server is not connected"
        try:
            await self.rasa.send_bot_message(ticket.conversation_id, text, metadata)
        except NotDelivered as refused:
            log.warning("conversation %s: not delivered: %s", ticket.conversation_id, refused.reason)
            return refused.reason
        except ServiceUnavailable as exc:
            log.warning("conversation %s: delivery failed: %s", ticket.conversation_id, exc)
            return "the bot server did not answer"
        return None

    async def _rasa(self, ticket: Ticket, call: str) -> None:
        if self.rasa is None:
            return
        try:
            await getattr(self.rasa, call)(ticket.conversation_id)
        except ServiceUnavailable as exc:
            log.warning("conversation %s: %s failed: %s", ticket.conversation_id, call, exc)

    async def _changed(self, ticket_id: int) -> None:
        ticket = await self.store.get_ticket(ticket_id, with_messages=False)
        await self.hub.tell_about(ticket, {"type": "ticket_updated", "ticket": _summary(ticket)})
        await self.refresh_metrics()


def _to_microseconds(stamp: Any) -> float:
    """A Rasa event timestamp (float seconds) rounded as a stored datetime keeps it."""
    try:
        return dt.datetime.fromtimestamp(float(stamp or 0), dt.UTC).timestamp()
    except (TypeError, ValueError, OverflowError, OSError):
        return 0.0


def _summary(ticket: Ticket) -> dict[str, Any]:
    return ticket.model_dump(mode="json", exclude={"transcript", "notes"})
