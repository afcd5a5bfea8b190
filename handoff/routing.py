"""Which agent works which queue. A ticket's skill queue (`Ticket.queue`, not its escalation type) picks the
agents; an agent's skills name their queues.

Rules: supervisors and agents without skills work every queue; an agent with skills works those queues plus
``general`` (the catch-all queue everyone answers); an agent always sees tickets assigned to them."""

from __future__ import annotations

from collections.abc import Iterable

from handoff.models import QUEUES, Ticket
from handoff.users import Agent

GENERAL_QUEUE = "general"


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
