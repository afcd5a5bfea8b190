"""How conversations ended: assistant resolutions in three tiers, handoffs by reason, FCR, reopen rate.

Every conversation falls in exactly one of: confirmed, assumed, handed off (by reason of its first ticket),
other (came back within 24 h without a ticket, or flagged unfinished). So the shares add up to 100 %.
Durable is a subset of confirmed + assumed, never added to them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from analytics.records import Conversation
from analytics.returns import Returns
from analytics.stats import share

DAY = dt.timedelta(hours=24)
WEEK = dt.timedelta(days=7)


def is_confirmed(conv: Conversation) -> bool:
    """The customer said it solved it: slot resolution = resolved_by_assistant, or a KB article marked helped."""
    return not conv.handed_off and (conv.resolution == "resolved_by_assistant" or conv.kb_helped)


def outcome(conv: Conversation, returns: Returns) -> str:
    if conv.handed_off:
        return "handed_off"
    if is_confirmed(conv):
        return "confirmed"
    if conv.resolution in {"unfinished", "handed_off"} or returns.came_back_within(conv, conv.ended, DAY):
        return "other"
    return "assumed"


@dataclass(frozen=True)
class Outcomes:
    total: int
    confirmed: int
    assumed: int
    durable: int
    handed_off: int
    other: int
    handoff_by_reason: dict[str, int]
    first_contact_resolved: int
    resolved_tickets: int
    reopened_tickets: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "conversations": self.total,
            "confirmed_share": share(self.confirmed, self.total),
            "assumed_share": share(self.assumed, self.total),
            "durable_share": share(self.durable, self.total),
            "assistant_share": share(self.confirmed + self.assumed, self.total),
            "handoff_share": share(self.handed_off, self.total),
            "other_share": share(self.other, self.total),
            "handoff_by_reason": {k: share(v, self.total) for k, v in sorted(self.handoff_by_reason.items())},
            "first_contact_resolution": share(self.first_contact_resolved, self.total),
            "reopen_rate": share(self.reopened_tickets, self.resolved_tickets),
        }


def compute(conversations: list[Conversation], returns: Returns) -> Outcomes:
    kinds = Counter()
    reasons: Counter[str] = Counter()
    durable = fcr = resolved = reopened = 0
    for conv in conversations:
        kind = outcome(conv, returns)
        kinds[kind] += 1
        if kind in {"confirmed", "assumed"}:
            back = returns.same_topic_within(conv, conv.ended, WEEK)
            durable += not back
            fcr += not back
        if kind == "handed_off":
            ticket = conv.tickets[0]
            reasons[ticket.reason] += 1
            if ticket.status == "resolved" and ticket.resolution_time is not None:
                resolved += 1
                back = returns.same_topic_within(conv, ticket.resolution_time, WEEK)
                reopened += back
                fcr += not back and len(conv.tickets) == 1
    return Outcomes(
        total=len(conversations),
        confirmed=kinds["confirmed"],
        assumed=kinds["assumed"],
        durable=durable,
        handed_off=kinds["handed_off"],
        other=kinds["other"],
        handoff_by_reason=dict(reasons),
        first_contact_resolved=fcr,
        resolved_tickets=resolved,
        reopened_tickets=reopened,
    )
