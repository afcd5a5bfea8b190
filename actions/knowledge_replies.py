"""What the bot says for each knowledge-base outcome. Plain functions, so they are easy to test.

Customer-facing text: plain English, short, says what is happening and why, never pretends to be a person.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from knowledge_base import Hit

HUMAN_BUTTON = {"title": "Talk to a person", "payload": "/ask_human"}
FEEDBACK_BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[dict[str, Any]] = field(default_factory=list)


def _payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, separators=(',', ':'))}"


def article_button(hit: Hit) -> dict[str, str]:
    return {"title": hit.title, "payload": _payload("choose_article", kb_article_id=hit.doc_id)}


def diagnostic_button(diagnostic_id: str) -> dict[str, str]:
    return {
        "title": "Check it step by step with me",
        "payload": _payload("start_diagnostic", diagnostic_id=diagnostic_id),
    }


def citation(hit: Hit, link: str) -> str:
    return f'From our help article "{hit.title}" ({link})'


def answer_replies(hit: Hit, link: str) -> list[Reply]:
    """`link`: where the customer can read the whole article (see `knowledge.article_link`)."""
    return [
        Reply(hit.answer),
        Reply(citation(hit, link)),
        Reply("Did this solve it?", list(FEEDBACK_BUTTONS)),
    ]


def clarify_reply(options: Sequence[Hit]) -> Reply:
    """Titles go in the text too, for channels that cannot show buttons (SMS)."""
    listed = "\n".join(f"- {h.title}" for h in options)
    return Reply(
        f"I found a few help articles that could match:\n{listed}\nWhich one is closest to your problem?",
        [article_button(h) for h in options],
    )


def first_miss_reply() -> Reply:
    return Reply(
        "Sorry, I couldn't find a help article that answers that, and I don't want to guess. "
        "Could you say it another way, with a few more details?"
    )


def second_miss_reply() -> Reply:
    return Reply(
        "I still can't find a help article for this, so I won't guess. "
        "A person on our support team can look at it with you.",
        [HUMAN_BUTTON],
    )


def kb_unavailable_reply() -> Reply:
    return Reply(
        "Sorry, I can't open our help articles right now, so I can't answer this myself. "
        "I can pass you to a person on our support team instead.",
        [HUMAN_BUTTON],
    )


def unknown_article_reply() -> Reply:
    return Reply(
        "Sorry, I couldn't find that help article. Could you tell me what the problem is in your own words?",
        [HUMAN_BUTTON],
    )


def solved_reply(more_to_do: bool = False) -> Reply:
    ask = "" if more_to_do else " Is there anything else I can help with?"
    return Reply(f"Great, I'm glad that fixed it! I've marked this as solved.{ask}")


def not_solved_reply(next_hit: Hit | None, diagnostic_id: str | None) -> Reply:
    buttons: list[dict[str, Any]] = []
    if next_hit is not None:
        buttons.append({**article_button(next_hit), "title": f"Read: {next_hit.title}"})
    if diagnostic_id:
        buttons.append(diagnostic_button(diagnostic_id))
    buttons.append(HUMAN_BUTTON)
    if len(buttons) == 1:
        return Reply(
            "Sorry that didn't fix it. I don't have another article that fits, so a person on our "
            "support team is the best next step.",
            buttons,
        )
    return Reply("Sorry that didn't fix it. Here is what we can try next:", buttons)


def no_pending_reply() -> Reply:
    return Reply("Okay. What else can I help you with?")
