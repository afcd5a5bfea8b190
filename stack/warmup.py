"""Warm the action server up before the first customer arrives.

The knowledge-base action loads MiniLM and the FAISS index lazily (nothing runs at import time), which makes
the first KB question after a start take several seconds. One call of that action straight to the action
server's webhook, with a throw-away tracker, does the loading up front without creating a conversation in the
tracker store.
"""

from __future__ import annotations

import logging

import httpx

logger = logging.getLogger(__name__)

WARM_UPS: tuple[tuple[str, str, str], ...] = (
    # (action, intent, message): the KB (MiniLM + FAISS), the two-problem reader (script router) and the
    # script runtime's answer model all load on their first use; each of these calls loads one of them.
    ("action_answer_from_kb", "ask_howto", "how do I reset my password"),
    ("action_answer_from_kb", "ask_howto", "my laptop is slow and also the wifi keeps dropping"),
    ("action_start_diagnostic", "problem_wifi", "my wifi keeps dropping"),
)


def _request(action: str, intent: str, text: str) -> dict[str, object]:
    return {
        "next_action": action,
        "sender_id": "stack-warm-up",
        "tracker": {
            "sender_id": "stack-warm-up",
            "slots": {},
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 1.0}},
            "events": [],
            "latest_input_channel": "rest",
        },
        "domain": {},
    }


def warm_up_knowledge_base(action_url: str, timeout: float = 120.0) -> bool:
    """Run the KB and script actions once each, so the first customer does not wait (or time out) while
    models load; return whether all answered. A failure only costs speed, so it is logged, not raised."""
    for action, intent, text in WARM_UPS:
        try:
            reply = httpx.post(f"{action_url}/webhook", json=_request(action, intent, text), timeout=timeout)
            reply.raise_for_status()
        except httpx.HTTPError as error:
            logger.warning("Warming up %s failed (the first answers will be slower): %s", action, error)
            return False
    return True
