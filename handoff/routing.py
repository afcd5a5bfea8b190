"""Which agent works which queue. A ticket's skill queue (`Ticket.queue`, not its escalation type) picks the
agents; an agent's skills name their queues.

Rules: supervisors and agents without skills work every queue; an agent with skills works those queues plus
``general`` (the catch-all queue everyone answers); an agent always sees tickets assigned to them."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from handoff.models import QUEUES, HandoffRequest, Ticket
from handoff.users import Agent

log = logging.getLogger(__name__)
GENERAL_QUEUE, COMPLAINT_QUEUE = "general", "complaint"
QUEUE_BY_CATEGORY = {
    "wifi": "network",
    "vpn": "network",
    "printer": "hardware",
    "display": "hardware",
    "battery": "hardware",
    "sound": "hardware",
    "email": "software",
    "app_crash": "software",
    "slow_computer": "software",
    "login": "account",
}
"""Skill queue of a problem category (the bot's `problem_<category>` intents and script ids)."""

_COMPLAINT_WORDS = re.compile(
    r"\b(complain(t|ts|ing|ed)?|unacceptable|ridiculous|terrible|awful|horrible|worst|useless|pathetic"
    r"|disgrace(ful)?|incompetent|rubbish|joke|fed up|sick (and tired )?of|had enough|frustrat\w*|furious"
    r"|angry|annoy(ed|ing)|pissed|disappointed|outrage(d|ous)?|fuming|livid|not good enough|waste of (my )?time"
    r"|(third|fourth|fifth|tenth|\d+(st|nd|rd|th)) time|again and again|over and over|never works"
    r"|nobody (helps|answers|cares|listens)|no one (helps|answers|cares|listens)"
    r"|(speak|talk) to (a |your |the )?(manager|supervisor|boss)|escalate|refund|wtf|damn|hell|crap|shit\w*"
    r"|f+u+c+k\w*|bloody|screw (this|it|you))\b",
    re.IGNORECASE,
)
_NOT_A_COMPLAINT = re.compile(r"\bno (complaints?|problem)\b|\bnot (a )?complain", re.IGNORECASE)
_ACRONYMS = {
    "VPN",
    "WIFI",
    "WI-FI",
    "USB",
    "HDMI",
    "MFA",
    "URL",
    "SSO",
    "PDF",
    "RAM",
    "CPU",
    "LAN",
    "DNS",
    "IT",
}
_SHOUTED = re.compile(r"\b[A-Z][A-Z'-]{2,}\b")


def sounds_like_complaint(text: str) -> bool:
    """Whether the customer's own words complain or show frustration: complaint or anger words, swearing,
    "!!", or shouting (two or more capitalised words that are not acronyms). A routine question or a plain
    request for a person is not a complaint, whatever intent the NLU gave it."""
    if not text or text.startswith("/"):
        return False
    if _COMPLAINT_WORDS.search(text) and not _NOT_A_COMPLAINT.search(text):
        return True
    shouted = [w for w in _SHOUTED.findall(text) if w.upper() not in _ACRONYMS]
    return "!!" in text or len(shouted) >= 2


def checked_route(request: HandoffRequest) -> HandoffRequest:
    """The request with complaint routing decided from the customer's words, not one intent label.

    A "complaint" the customer's messages do not bear out (e.g. a routine question the NLU misread) goes to
    its problem's queue at normal priority; frustration in any message raises the priority to high."""
    said = [e.text for e in request.transcript if e.role == "customer"]
    upset = any(sounds_like_complaint(text) for text in said)
    if request.reason == "complaint" and not upset:
        queue = request.queue
        if queue == COMPLAINT_QUEUE:
            queue = QUEUE_BY_CATEGORY.get(request.category or "", GENERAL_QUEUE)
        log.info(
            "conversation %s: complaint label not borne out by the customer's words", request.conversation_id
        )
        return request.model_copy(
            update={
                "reason": "customer_request",
                "priority": "normal",
                "queue": queue,
                "escalation_type": "horizontal"
                if request.escalation_type == "vertical"
                else request.escalation_type,
            }
        )
    if upset and request.priority != "high":
        return request.model_copy(update={"priority": "high"})
    return request


def serves(agent: Agent, queue: str) -> bool:
    """Whether the agent may see and claim waiting tickets of this queue."""
    if agent.is_supervisor or not agent.skills:
        return True
    return queue == GENERAL_QUEUE or queue in agent.skills


def can_see(agent: Agent, ticket: Ticket) -> bool:
    return serves(agent, ticket.queue) or ticket.assigned_agent_id == agent.id


def queues_of(agent: Agent) -> tuple[str, ...]:
    """The agent's queues in the standard order."""
    return tuple(q for q in QUEUES if serves(agent, q))


def unknown_skills(skills: Iterable[str]) -> list[str]:
    return [s for s in skills if s not in QUEUES]
