"""action_ticket_status: "what's happening with request 12?" from the handoff service, own tickets only."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import handoff_client
from handoff.errors import RequestRejected, ServiceUnavailable

log = logging.getLogger(__name__)
NUMBER = re.compile(r"(?<![\d.])#?(\d{1,9})(?![\d.])")
STATUS_WORDS = {
    "waiting": "is waiting for the next free person",
    "assigned": "is being worked on by {agent}",
    "offline": "is logged and waiting for the team to pick it up",
    "resolved": "is done",
    "handed_back": "was passed back to me after a person looked at it",
    "cancelled": "was cancelled",
}


def describe(ticket: dict[str, Any]) -> str:
    kind = "request" if ticket.get("ticket_type") == "request" else "ticket"
    words = STATUS_WORDS.get(str(ticket.get("status")), "is open").format(
        agent=ticket.get("assigned_agent") or "someone in IT support"
    )
    title = f" ({ticket['category']})" if ticket.get("category") else ""
    line = f"Your {kind} {ticket.get('ticket_id')}{title} {words}."
    if ticket.get("status") == "offline" and ticket.get("due_time"):
        line += f" It is due by {str(ticket['due_time'])[:16].replace('T', ' ')} UTC."
    if ticket.get("status") == "resolved" and ticket.get("resolution_notes"):
        line += f" Note from the team: {ticket['resolution_notes'][:300]}"
    return line


class ActionTicketStatus(Action):
    def name(self) -> str:
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        client = handoff_client()
        try:
            if client is None:
                raise ServiceUnavailable("handoff service not configured")
            tickets = await client.customer_tickets(tracker.sender_id)
        except (ServiceUnavailable, RequestRejected) as exc:
            log.error("conversation %s: ticket status failed: %s", tracker.sender_id, exc)
            dispatcher.utter_message(
                text="Sorry, I can't reach the ticket system right now, so I can't check your ticket. "
                "Please try again in a few minutes, or ask for a person."
            )
            return []
        match = NUMBER.search(str(tracker.latest_message.get("text") or ""))
        if match:
            wanted = int(match.group(1))
            mine = [t for t in tickets if t.get("ticket_id") == wanted]
            if not mine:
                dispatcher.utter_message(
                    text=f"I can't find a ticket {wanted} that you logged from this chat. I can only show your "
                    "own tickets. Please check the number, or ask for a person."
                )
                return []
            dispatcher.utter_message(text=describe(mine[0]))
            return []
        if not tickets:
            dispatcher.utter_message(
                text="I can't find any tickets from you yet. If you need something, tell me what it is "
                "and I'll log it."
            )
            return []
        dispatcher.utter_message(text="\n".join(describe(t) for t in tickets[:3]))
        return []
