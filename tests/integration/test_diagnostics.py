"""Diagnostic scripts in a real conversation: Rasa server + action server + handoff service over REST."""

from __future__ import annotations

import httpx
import pytest

from stack.services import Stack

pytestmark = pytest.mark.integration


def slots(stack: Stack, conversation_id: str) -> dict:
    return stack.tracker(conversation_id)["slots"]


def test_problem_runs_the_script_with_why_help_back_and_resume_after_a_kb_question(
    stack: Stack, conversation_id: str
) -> None:
    text = stack.send_text(conversation_id, "my wifi is not working")
    assert "one step at a time" in text
    assert "how should I explain" in text  # familiarity asked once
    text = stack.send_text(conversation_id, "Spell out every click")
    assert "like your phone" in text
    text = stack.send_text(conversation_id, "why?")
    assert "the problem is the network or the router" in text
    text = stack.send_text(conversation_id, "yep they work fine")
    assert "Is Wi-Fi turned on" in text
    text = stack.send_text(conversation_id, "not sure how to check")
    assert "network icon near the clock" in text
    text = stack.send_text(conversation_id, "go back")
    assert "like your phone" in text
    text = stack.send_text(conversation_id, "yes")
    assert "Is Wi-Fi turned on" in text
    # A how-to question mid-script is answered from the KB, then the same step is asked again.
    text = stack.send_text(conversation_id, "How do I reset my password?")
    assert "Is Wi-Fi turned on" in text.split("\n")[-1] or text.rstrip().endswith("off?")
    records = [r for r in slots(stack, conversation_id)["support_actions"] if r["type"] == "diagnostic_step"]
    assert [r["result"] for r in records][:4] == ["asked_why", "yes", "dont_know", "went_back"]
    assert all(r["at"] and r["question"] and r["script_id"] == "wifi" for r in records)


def test_dead_end_hands_off_with_the_steps_tried(stack: Stack, conversation_id: str) -> None:
    stack.send(conversation_id, '/start_diagnostic{"diagnostic_id":"login"}')
    stack.send(conversation_id, "Short steps")
    stack.send(conversation_id, "yes")  # caps lock fine
    stack.send(conversation_id, "yes")  # locked
    text = stack.send_text(conversation_id, "no, still locked")
    assert "admin" in text.lower()
    escalation = slots(stack, conversation_id)["diagnostic_escalation"]
    assert (escalation["queue"], escalation["escalation_type"]) == ("account", "administrative")
    reply = httpx.get(
        f"{stack.handoff_url}/api/conversations/{conversation_id}/handoffs",
        headers={"Authorization": f"Bearer {stack.handoff_token}"},
        timeout=10.0,
    )
    reply.raise_for_status()
    body = reply.json()
    tickets = body["handoffs"] if isinstance(body, dict) else body
    assert tickets, "a handoff ticket was opened"
    assert (tickets[-1]["reason"], tickets[-1]["escalation_type"], tickets[-1]["queue"]) == (
        "script_dead_end",
        "administrative",
        "account",
    )
    steps = [a for a in tickets[-1]["actions_taken"] if a.get("type") == "diagnostic_step"]
    assert [s["node_id"] for s in steps][:3] == ["caps_lock", "locked_message", "wait_unlock"]


def test_resolved_is_believed_at_once_and_stop_ends_the_script(stack: Stack, conversation_id: str) -> None:
    stack.send(conversation_id, "my printer won't print")
    stack.send(conversation_id, "Short steps")
    stack.send(conversation_id, "no")  # printer fault
    text = stack.send_text(conversation_id, "yes it printed")  # the customer says it works: no second ask
    assert "glad" in text.lower() and "Can you print what you need now?" not in text
    assert slots(stack, conversation_id)["diagnostic_outcome"] == "resolved"
    assert slots(stack, conversation_id)["resolution"] == "resolved_by_assistant"
    stack.send(conversation_id, "my computer is really slow")
    text = stack.send_text(conversation_id, "stop")
    assert "stopped the checks" in text
