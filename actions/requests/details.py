"""Read request details out of what the customer typed: for whom, by when, who approved, why, what.

Deliberately cautious: a detail is filled only when the words say it clearly; the form asks for the rest.
"""

from __future__ import annotations

import re

MAX_VALUE = 300
# Card-like digit runs (13-19 digits, spaces or dashes between) never go into a request.
CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
EXPIRY = re.compile(r"\bexp(?:iry|ires)?\.?\s*\d{1,2}\s*/\s*\d{2,4}\b", re.I)

_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tonight)"
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_ORDINAL = r"(?:the\s+)?\d{1,2}(?:st|nd|rd|th)(?:\s+of\s+" + _MONTH + r")?"
WHEN = re.compile(
    r"\b(?:(?:by|on|before|from|for|until|till|starts?|starting|joining\s+\w+\s+on)\s+)?"
    rf"(?:(?:next|this)\s+(?:week|month|{_DAY}|{_MONTH})|{_DAY}|{_ORDINAL}|(?:end|start)\s+of\s+(?:the\s+)?"
    rf"(?:week|month|{_MONTH})|{_MONTH}(?:\s+\d{{1,2}})?|asap|as\s+soon\s+as\s+possible|no\s+rush)\b",
    re.I,
)
APPROVED = re.compile(
    r"\b(?:(?:my\s+)?(?P<role>manager|boss|team\s+lead|director|head\s+of\s+\w+)\s+)?(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?"
    r"\s*(?:has|had|already)?\s*(?:approved|signed\s+off|ok'?d|agreed)\b"
)
APPROVED_BY = re.compile(r"\bapproved\s+by\s+(?:my\s+)?(?P<who>[\w .'-]{2,60}?)(?=[,.;!?]|$| and )", re.I)
SELF_MANAGER = re.compile(
    r"\bI'?\s*a?m\s+(?:his|her|their)\s+(?P<role>(?:line\s+)?manager|boss|team\s+lead)\b", re.I
)
NOT_YET = re.compile(r"^\s*(?:not\s+yet|nobody|no\s+one|none|no)\b", re.I)
NAME_IS = re.compile(
    r"\b(?:(?:her|his|their)\s+name(?:'s|\s+is)|name(?:'s|\s+is)|called|it'?s\s+for)\s+"
    r"(?P<name>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,2})"
)
FOR_ME = re.compile(
    r"\b(?:for\s+me|for\s+myself|I\s+need|I'?d\s+like|can\s+I\s+(?:get|have)|could\s+I|my\s+\w+)", re.I
)
FOR_OTHER = re.compile(
    r"\b(?:new\s+starter|new\s+joiner|new\s+hire|new\s+recruit|apprentice|trainee|contractor|she|he|they|her|him"
    r"|them)\b",
    re.I,
)
REASON = re.compile(
    r"\b(?:because|since|as)\s+(?P<a>[^.?!]{6,200})|\bfor\s+(?:a|an|the|my|our)\s+(?P<b>[^,.?!]{3,120}?"
    r"(?:project|work|job|role|team|client|course|training|report|campaign|analysis|design))\b"
    r"|\b(?P<c>I'?\s*a?m\s+(?:on|doing|working|running)\s+[^.?!]{6,200})",
    re.I,
)
ITEM = re.compile(
    r"\b(?:access\s+to|need|want|get(?:\s+me)?|order|request|like|extend|renew)\s+(?:a\s+|an\s+|the\s+|some\s+|my\s+)?"
    r"(?P<item>[^,.?!;]{2,120}?)(?=\s+(?:for|because|by|so|on|please|since|as|-)\b|\s+-\s|[,.?!;]|$)",
    re.I,
)
VAGUE_ITEM = re.compile(r"^(?:help|some\s+help|access|it|this|that|something|a\s+request)$", re.I)


def clean(text: str) -> str:
    """Customer text made safe to keep on a request: card numbers and expiry dates removed, trimmed."""
    text = EXPIRY.sub("[removed]", CARD.sub("[card number removed]", text))
    return " ".join(text.split())[:MAX_VALUE]


def when(text: str) -> str | None:
    match = WHEN.search(text)
    return clean(match.group(0)) if match else None


def approver(text: str) -> str | None:
    if match := APPROVED_BY.search(text):
        if match.group("who").strip().lower() not in ("me", "myself"):
            return clean(match.group("who"))
        manager = SELF_MANAGER.search(text)
        return f"the requester ({manager.group('role')})" if manager else "the requester"
    if (match := APPROVED.search(text)) and (match.group("name") or match.group("role")):
        name, role = match.group("name"), match.group("role")
        return clean(f"{name} ({role})" if name and role else (name or f"your {role}"))
    if match := SELF_MANAGER.search(text):
        return f"the requester ({match.group('role')})"
    return None


def for_whom(text: str) -> str | None:
    if match := NAME_IS.search(text):
        return clean(match.group("name"))
    if FOR_OTHER.search(text):
        return None
    return "the requester" if FOR_ME.search(text) else None


def reason(text: str) -> str | None:
    match = REASON.search(text)
    if not match:
        return None
    return clean(next(g for g in match.groups() if g))


def item(text: str) -> str | None:
    match = ITEM.search(text)
    if not match:
        return None
    value = clean(match.group("item"))
    return None if VAGUE_ITEM.match(value) else value


EXTRACTORS = {
    "request_item": item,
    "request_for": for_whom,
    "request_by_when": when,
    "request_reason": reason,
    "request_approver": approver,
}


def extract(text: str, slots: list[str]) -> dict[str, str]:
    """Every detail among `slots` that `text` states clearly."""
    found = {}
    for slot in slots:
        extractor = EXTRACTORS.get(slot)
        value = extractor(text) if extractor else None
        if value:
            found[slot] = value
    return found


def answer(slot: str, text: str) -> str | None:
    """The customer's answer to the question for `slot`: the clear detail if there is one, else the text."""
    value = clean(text)
    if not value:
        return None
    if slot == "request_approver" and NOT_YET.match(value):
        return "not approved yet"
    if slot == "request_for" and re.fullmatch(r"(?:me|myself|for me|it'?s for me|mine)", value, re.I):
        return "the requester"
    extractor = EXTRACTORS.get(slot)
    return (extractor(value) if extractor and slot != "request_item" else None) or value
