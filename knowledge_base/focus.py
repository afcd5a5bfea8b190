"""Decide on the sentence that names the problem when the rest of the message is context.

Customers add details that pull a whole message towards another article: "locked out of my account again.
my mobile is [phone number] and my personal email is [email address] if you need them" reads as the
password-reset article (it talks about email and phone numbers), while its first sentence alone is
clearly the lockout article.
"""

from __future__ import annotations

from knowledge_base.chunking import split_sentences
from knowledge_base.hits import Decision
from knowledge_base.kb import KnowledgeBase

FOCUS_MARGIN = 0.05
"""How much better a single sentence's best article must score than the whole message's to replace it."""
MIN_SENTENCE_WORDS = 3


def decide_focused(kb: KnowledgeBase, message: str) -> Decision:
    """The whole message's decision, unless one of its sentences answers clearly better on its own."""
    whole = kb.decide(message)
    sentences = [s for s in split_sentences(message) if len(s.split()) >= MIN_SENTENCE_WORDS]
    if len(sentences) < 2:
        return whole
    best = whole
    floor = whole.top_score if whole.kind == "answer" else 0.0
    for sentence in sentences:
        decision = kb.decide(sentence)
        if decision.kind == "answer" and decision.top_score >= floor + FOCUS_MARGIN:
            best, floor = decision, decision.top_score
    return best
