"""Recurring requests (one customer, one problem, one product) and their likely causes, by stated rules.

Rules, checked in this order:
- user skills: one customer asked the same how-to question (>= 3 times in 30 days) -> coaching handout;
- intermittent fault: the same problem came back within 7 days after it was resolved, >= 3 times from >= 2
  customers, and at least twice as often (per conversation) as the median topic;
- environment: >= 60 % of a problem's conversations (at least 5) come from one site or network;
- system too weak for its workload: a slowness / capacity problem whose volume grew by half or more from the
  first to the last third of the period;
- otherwise a recurring need (a candidate for a self-service flow)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from analytics.masking import mask
from analytics.outcomes import is_confirmed
from analytics.records import Conversation
from analytics.returns import Returns
from analytics.topics import Topic

WINDOW = dt.timedelta(days=30)
RETURN = dt.timedelta(days=7)
HOWTO = re.compile(r"^\s*(how|where|what|can i|can you|do i|is there|which)\b", re.IGNORECASE)
CAPACITY = re.compile(r"\b(slow|full|space|storage|freez|hang|crash|memory|lag)", re.IGNORECASE)
PRODUCTS = (
    "Outlook",
    "Teams",
    "Zoom",
    "VPN",
    "ExpensePro",
    "Excel",
    "OneDrive",
    "Acrobat",
    "Chrome",
    "Visio",
    "Photoshop",
    "Tableau",
    "printer",
    "wifi",
    "monitor",
    "laptop",
    "phone",
)


@dataclass
class Finding:
    kind: str  # customer | problem | product
    subject: str
    topic: str
    count: int
    cause: str
    evidence: str
    recommendation: str
    examples: list[str]  # the customers' own words, personal data masked (analytics.masking)

    def __post_init__(self) -> None:
        self.examples = [mask(text) for text in self.examples]

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _is_howto(texts: list[str]) -> bool:
    return sum(bool(HOWTO.match(t)) for t in texts) * 2 > len(texts)


def resolved_at(conv: Conversation) -> dt.datetime | None:
    """When the conversation was 'resolved': its ticket's resolution time, or its end if the assistant did."""
    if conv.tickets:
        t = conv.tickets[-1]
        return t.resolution_time if t.status == "resolved" else None
    return conv.ended if is_confirmed(conv) else None


def returned_faults(conversations: list[Conversation]) -> list[tuple[Conversation, Conversation]]:
    """(resolved conversation, the same customer's first one on the same topic that started after it was
    resolved, within 7 days); one started while the ticket was still open is not a return."""
    returns = Returns(conversations)
    pairs = []
    for first in sorted(conversations, key=lambda c: (c.customer, c.started)):
        done = resolved_at(first)
        if done is None:
            continue
        second = returns.next_on_topic(first, done)
        if second is not None and second.started <= done + RETURN:
            pairs.append((first, second))
    return pairs


def recurring_customers(conversations: list[Conversation], topics: list[Topic]) -> list[Finding]:
    names = {t.topic_id: t.name for t in topics}
    by_customer: dict[str, list[Conversation]] = defaultdict(list)
    for conv in conversations:
        by_customer[conv.customer].append(conv)
    # A fault comes back; a second how-to question on the same topic ("how often must I change my password")
    # after the first was answered is a need, not a fault.
    faults = Counter(
        (a.customer, a.topic) for a, b in returned_faults(conversations) if not HOWTO.match(b.first_text)
    )
    findings = []
    for customer, convs in by_customer.items():
        convs.sort(key=lambda c: c.started)
        burst = _busiest_window(convs)
        if len(burst) < 3:
            continue
        topic, same = Counter(c.topic for c in burst).most_common(1)[0]
        texts = [c.first_text for c in burst if c.topic == topic]
        if same >= 3 and _is_howto(texts):
            cause = "user skills"
            advice = f"Send a coaching handout on '{names.get(topic, 'this task')}' and offer a 15-minute walk-through."
        elif faults[(customer, topic)] >= 1:
            cause = "intermittent fault"
            advice = "Open a problem record for this customer's device; check its logs instead of re-applying the fix."
        else:
            cause = "recurring need"
            advice = "Check whether a self-service flow would answer these requests."
        findings.append(
            Finding(
                kind="customer",
                subject=customer,
                topic=names.get(topic, "misc"),
                count=len(burst),
                cause=cause,
                evidence=f"{len(burst)} conversations in 30 days, {same} on the same topic",
                recommendation=advice,
                examples=texts[:3],
            )
        )
    rank = {"user skills": 0, "intermittent fault": 1, "recurring need": 2}
    return sorted(findings, key=lambda f: (rank[f.cause], -f.count))


def _busiest_window(convs: list[Conversation]) -> list[Conversation]:
    best: list[Conversation] = []
    start = 0
    for end in range(len(convs)):
        while convs[end].started - convs[start].started > WINDOW:
            start += 1
        if end - start + 1 > len(best):
            best = convs[start : end + 1]
    return best


def recurring_problems(conversations: list[Conversation], topics: list[Topic]) -> list[Finding]:
    customers = len({c.customer for c in conversations}) or 1
    pairs = returned_faults(conversations)
    returns_by_topic: dict[int, list[tuple[Conversation, Conversation]]] = defaultdict(list)
    for pair in pairs:
        returns_by_topic[pair[0].topic].append(pair)
    by_topic: dict[int, list[Conversation]] = defaultdict(list)
    for conv in conversations:
        by_topic[conv.topic].append(conv)
    rates = [
        len(returns_by_topic.get(t.topic_id, [])) / max(len(by_topic.get(t.topic_id, [])), 1) for t in topics
    ]
    typical_return = float(np.median(rates)) if rates else 0.0
    findings = []
    for topic in topics:
        convs = by_topic.get(topic.topic_id, [])
        back = returns_by_topic.get(topic.topic_id, [])
        people = {a.customer for a, _ in back}
        sites = Counter(c.site for c in convs if c.site)
        site, at_site = sites.most_common(1)[0] if sites else (None, 0)
        reporters = len({c.customer for c in convs})
        rate = len(back) / max(len(convs), 1)
        if len(back) >= 3 and len(people) >= 2 and rate >= 2 * typical_return:
            cause = "intermittent fault"
            evidence = (
                f"came back within 7 days of 'resolved' {len(back)} times ({len(people)} customers),"
                f" {rate:.0%} of its conversations against {typical_return:.0%} typically"
            )
            advice = "Open a problem record: find the root cause instead of repeating the workaround."
            examples = [b.first_text for _, b in back[:3]]
        elif site and len(convs) >= 5 and at_site / len(convs) >= 0.6:
            cause, evidence = "environment", f"{at_site} of {len(convs)} conversations from {site}"
            advice = f"Check the network and equipment at {site}."
            examples = [c.first_text for c in convs if c.site == site][:3]
        elif CAPACITY.search(" ".join([*topic.terms, topic.representative])) and _growing(convs):
            cause, evidence = (
                "system too weak for its workload",
                f"{reporters} of {customers} customers reported it",
            )
            advice = "Review the capacity (disk, memory, licences) of the affected systems."
            examples = [c.first_text for c in convs[:3]]
        else:
            continue
        findings.append(
            Finding("problem", topic.name, topic.name, len(convs), cause, evidence, advice, examples)
        )
    return findings


def product_of(conv: Conversation) -> str:
    """The script, then the ticket's category, then a product the customer named, else 'unspecified'."""
    if conv.diagnostic_id:
        return conv.diagnostic_id.lower()
    if conv.tickets and conv.tickets[0].category:
        return conv.tickets[0].category.lower()
    text = " ".join(conv.texts).lower()
    for name in PRODUCTS:
        if name.lower() in text:
            return name.lower()  # one row for "VPN" named and the vpn script
    return "unspecified"


def by_product(conversations: list[Conversation]) -> list[dict[str, Any]]:
    groups: dict[str, list[Conversation]] = defaultdict(list)
    for conv in conversations:
        groups[product_of(conv)].append(conv)
    back = Counter(product_of(a) for a, _ in returned_faults(conversations))
    rows = [
        {
            "product": name,
            "conversations": len(convs),
            "handed_off": sum(c.handed_off for c in convs),
            "returned_after_resolved": back[name],
        }
        for name, convs in groups.items()
    ]
    return sorted(rows, key=lambda r: -r["conversations"])


def diagnostics(conversations: list[Conversation]) -> list[dict[str, Any]]:
    """Per diagnostic script: runs, resolved, escalated, dropped (ended without an outcome or stopped), and
    the step where most drop-offs happened."""
    groups: dict[str, list[Conversation]] = defaultdict(list)
    for conv in conversations:
        if conv.diagnostic_id:
            groups[conv.diagnostic_id].append(conv)
    rows = []
    for script, convs in sorted(groups.items()):
        outcomes = Counter(c.diagnostic_outcome or "dropped" for c in convs)
        dropped_at = Counter(
            c.diagnostic_node for c in convs if (c.diagnostic_outcome or "dropped") in {"dropped", "stopped"}
        )
        step = dropped_at.most_common(1)[0][0] if dropped_at else None
        rows.append(
            {
                "script": script,
                "runs": len(convs),
                "resolved": outcomes["resolved"],
                "escalated": outcomes["escalated"],
                "dropped": outcomes["dropped"] + outcomes["stopped"],
                "drop_step": step,
            }
        )
    return rows


def _growing(convs: list[Conversation]) -> bool:
    if len(convs) < 9:
        return False
    times = sorted(c.started for c in convs)
    third = (times[-1] - times[0]) / 3
    first = sum(t < times[0] + third for t in times)
    last = sum(t > times[-1] - third for t in times)
    return last >= 1.5 * max(first, 1)
