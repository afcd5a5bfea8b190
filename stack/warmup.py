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

WARM_UP_QUESTION = "how do I reset my password"


def warm_up_knowledge_base(action_url: str, timeout: float = 120.0) -> bool:
    """Run `action_answer_from_kb` once; return whether it answered. A failure only costs speed, so log it."""
    request = {
        "next_action": "action_answer_from_kb",
        "sender_id": "stack-warm-up",
        "tracker": {
            "sender_id": "stack-warm-up",
            "slots": {},
            "latest_message": {"text": WARM_UP_QUESTION, "intent": {"name": "ask_howto", "confidence": 1.0}},
            "events": [],
            "latest_input_channel": "rest",
        },
        "domain": {},
    }
    try:
        reply = httpx.post(f"{action_url}/webhook", json=request, timeout=timeout)
        reply.raise_for_status()
    except httpx.HTTPError as error:
        logger.warning("Warming up the knowledge base failed (the first KB answer will be slower): %s", error)
        return False
    return True
