"""Warm the action server up before the first customer arrives.

The knowledge-base action loads MiniLM and the FAISS index lazily (nothing runs at import time), which makes
the first KB question after a start take several seconds. One call of that action straight to the action
server's webhook, with a throw-away tracker, does the loading up front without creating a conversation in the
tracker store.
"""

from __future__ import annotations

import logging
import time

import httpx

logger = logging.getLogger(__name__)

WARM_UP_QUESTION = "how do I reset my password"
WARM_UP_TWO_PROBLEMS = "my laptop is really slow and also the sound doesn't work"
WARM_UP_ONE_PROBLEM = "my wifi keeps dropping"


def _run_once(action_url: str, action: str, text: str, intent: str, timeout: float) -> bool:
    request = {
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
    try:
        reply = httpx.post(f"{action_url}/webhook", json=request, timeout=timeout)
        reply.raise_for_status()
    except httpx.HTTPError as error:
        logger.warning("Warming up %s failed (its first use will be slower): %s", action, error)
        return False
    return True


def warm_up_knowledge_base(action_url: str, timeout: float = 120.0) -> bool:
    """Run `action_answer_from_kb` once; return whether it answered. A failure only costs speed, so log it."""
    return _run_once(action_url, "action_answer_from_kb", WARM_UP_QUESTION, "ask_howto", timeout)


def warm_up_scripts(action_url: str, timeout: float = 120.0) -> bool:
    """Start a diagnostic script once with two problems in one message, which loads the script router and the
    two-problem triage. Cold, that takes longer than Rasa waits for an action (bot/channels/failsafe.py), and
    the first customer to start a script would get the failure message."""
    return _run_once(
        action_url, "action_start_diagnostic", WARM_UP_TWO_PROBLEMS, "problem_slow_computer", timeout
    ) and _run_once(  # one problem: the script runtime's answer model (entry memory) loads too
        action_url, "action_start_diagnostic", WARM_UP_ONE_PROBLEM, "problem_wifi", timeout
    )


def warm_up_action_server(action_url: str) -> bool:
    return warm_up_knowledge_base(action_url) and warm_up_scripts(action_url)


def wait_then_warm_up(action_url: str, timeout: float = 300.0) -> bool:
    """For systemd's ExecStartPost (docs/deploy.md): wait until the action server answers its health check,
    then warm it up. False when it never came up or the warm-up failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{action_url}/health", timeout=2.0).status_code == 200:
                return warm_up_action_server(action_url)
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    logger.warning("The action server at %s did not answer within %.0f s; not warmed up", action_url, timeout)
    return False
