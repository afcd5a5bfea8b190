"""Decide on the sentence or clause that names the problem when the rest of the message is context.

Customers add details that pull a whole message towards another article: "locked out of my account again.
my mobile is [phone number] and my personal email is [email address] if you need them" reads as the
password-reset article (it talks about email and phone numbers), while its first sentence alone is
clearly the lockout article; in "just flew back from singapore and now every code from the authenticator app
gets rejected when i sign in" the clause "every code from the authenticator app gets rejected" is the MFA
article, while the sign-in around it pulls the whole towards password reset.

A part replaces the whole only when the whole already comes near the knowledge base (the clarify floor):
a message that is about something the articles do not cover ("Edge throws NET::ERR_CERT_DATE_INVALID on the
intranet wiki, other sites are fine") must not be answered from a fragment of its context.
"""

from __future__ import annotations

import re

from knowledge_base.chunking import split_sentences
from knowledge_base.hits import Decision
from knowledge_base.kb import KnowledgeBase
from knowledge_base.reported_content import without_reported_content

FOCUS_MARGIN = 0.05
"""How much better a single part's best article must score than the whole message's to replace it."""
MIN_SENTENCE_WORDS = 3
MIN_CLAUSE_WORDS = 4
_CLAUSE_BREAK = re.compile(
    r"\s*(?:[,;]|\s[-–—]\s|\band now\b|\bbut\b|\band\b|\bso\b|\bbecause\b|\bwhen\b)\s*", re.IGNORECASE
)


def message_parts(message: str) -> list[str]:
    """Its sentences (when there are several) and the clauses of each sentence (when it has several)."""
    sentences = split_sentences(message)
    parts = [s for s in sentences if len(s.split()) >= MIN_SENTENCE_WORDS] if len(sentences) >= 2 else []
    for sentence in sentences:
        clauses = [c for c in _CLAUSE_BREAK.split(sentence) if len(c.split()) >= MIN_CLAUSE_WORDS]
        if len(clauses) >= 2:
            parts.extend(clauses)
    return parts


def decide_focused(kb: KnowledgeBase, message: str) -> Decision:
    """The whole message's decision, unless one of its parts answers clearly better on its own, or it asks
    whether a message it quotes is genuine (then the quoted words are left out). All are embedded at once."""
    asked_about_message = without_reported_content(message)
    parts = message_parts(message)
    texts = [message, *parts] if asked_about_message is None else [message, *parts, asked_about_message]
    whole, *decisions = kb.decide_many(texts)
    if asked_about_message is not None:
        about_message = decisions.pop()
        if about_message.kind == "answer":
            return about_message
    if whole.top_score < kb.params.clarify_min_score:
        return whole
    best = whole
    floor = whole.top_score if whole.kind == "answer" else 0.0
    for decision in decisions:
        if decision.kind == "answer" and decision.top_score >= floor + FOCUS_MARGIN:
            best, floor = decision, decision.top_score
    return best
