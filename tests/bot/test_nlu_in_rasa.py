"""The MiniLM featurizer + classifier inside the real Rasa server, and the uncertainty rules end to end."""

from __future__ import annotations

import httpx
import pytest

from stack.services import Stack

pytestmark = pytest.mark.integration


def parse(stack: Stack, text: str) -> dict:
    response = httpx.post(
        f"{stack.rasa_url}/model/parse", params={"token": stack.rasa_token}, json={"text": text}, timeout=60
    )
    response.raise_for_status()
    return response.json()


def intent(stack: Stack, text: str) -> str:
    return parse(stack, text)["intent"]["name"]


def actions_after_last_message(stack: Stack, sender: str) -> list[str]:
    events = stack.tracker(sender)["events"]
    last_user = max(i for i, e in enumerate(events) if e["event"] == "user")
    return [e["name"] for e in events[last_user:] if e["event"] == "action"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my printr wont print anything", "problem_printer"),
        ("how do I add a printer on my new laptop", "ask_howto"),
        ("how do i connect to the vpn from home", "ask_howto"),
        ("How do I connect to the office wifi?", "ask_howto"),
        ("my wifi won't connect, how do I fix it?", "ask_howto"),
        ("i can't connect to the office wifi", "problem_wifi"),
        ("can't get on the vpn from home, it just times out", "problem_vpn"),
        ("wifi keeps cutting out in the meeting rooms", "problem_wifi"),
        ("outlook is stuck and emails won't send", "problem_email"),
        ("vpn fails to connect from the hotel", "problem_vpn"),
        ("laptop is soooo slow since monday", "problem_slow_computer"),
        ("can't hear anyone on teams calls", "problem_sound"),
        ("second screen shows no signal", "problem_display"),
        ("battery drops to zero in an hour", "problem_battery"),
        ("excel crashes whenever i open the budget file", "problem_app_crash"),
        ("let me talk to a real person", "ask_human"),
        ("this is a waste of time, nothing you say works", "complain"),
        ("why do i have to restart it?", "ask_why"),
        ("already did that twice", "already_tried"),
        ("never mind, stop", "cancel"),
    ],
)
def test_customer_wording_gets_the_right_intent(stack: Stack, text: str, expected: str) -> None:
    assert intent(stack, text) == expected


def test_confidences_are_probabilities(stack: Stack) -> None:
    ranking = parse(stack, "my printer won't print")["intent_ranking"]
    confidences = [r["confidence"] for r in ranking if r["name"] != "nlu_fallback"]
    assert 0.5 < confidences[0] <= 1.0
    assert confidences == sorted(confidences, reverse=True)


@pytest.mark.parametrize("text", ["asdf qwerty zxcv", "the coffee machine on floor 2 makes weird noises"])
def test_messages_it_does_not_understand_are_not_forced_into_an_intent(stack: Stack, text: str) -> None:
    assert intent(stack, text) in {"nlu_fallback", "out_of_scope", "noise"}


def test_unclear_message_goes_to_the_knowledge_base(stack: Stack, conversation_id: str) -> None:
    replies = stack.send(conversation_id, "the thing on my desk is doing that again")
    assert replies, "the bot must answer something"
    assert "action_answer_from_kb" in actions_after_last_message(stack, conversation_id)


def test_a_forgotten_password_gets_the_reset_article_not_the_sign_in_script(
    stack: Stack, conversation_id: str
) -> None:
    said = " ".join(
        r.get("text", "") for r in stack.send(conversation_id, "locked out again, forgot my password")
    )
    assert "Reset your password" in said or "Unlock a locked account" in said, said
    assert "action_start_diagnostic" not in actions_after_last_message(stack, conversation_id)


def test_keyboard_mash_gets_the_main_topics_not_a_guessed_article(stack: Stack, conversation_id: str) -> None:
    replies = stack.send(conversation_id, "fjdksla;fjdkslaghh")
    assert "didn't understand" in " ".join(r.get("text", "") for r in replies)
    titles = [b["title"] for r in replies for b in r.get("buttons") or []]
    assert "Talk to a person" in titles and "Wi-Fi or internet" in titles


@pytest.mark.parametrize(
    "text", ["how do i connect to the vpn from home", "How do I connect to the office wifi?"]
)
def test_how_to_question_gets_a_kb_answer_not_a_diagnostic_script(
    stack: Stack, conversation_id: str, text: str
) -> None:
    reply = stack.send_text(conversation_id, text)
    actions = actions_after_last_message(stack, conversation_id)
    assert "action_answer_from_kb" in actions
    assert "diagnostic_form" not in actions
    assert "did this solve it" in reply.lower()


def test_complaint_gets_an_apology_and_the_offer_of_an_urgent_person(
    stack: Stack, conversation_id: str
) -> None:
    replies = stack.send(conversation_id, "this is useless, I'm so fed up")
    said = " ".join(r.get("text", "") for r in replies)
    assert "sorry" in said.lower() and "person" in said
    assert "Yes, get me a person" in [b["title"] for r in replies for b in r.get("buttons") or []]
    stack.send(conversation_id, "yes")  # taking the offer: the customer's own ask, still urgent
    assert "action_request_human" in actions_after_last_message(stack, conversation_id)
    tickets = httpx.get(
        f"{stack.handoff_url}/api/conversations/{conversation_id}/handoffs",
        headers={"Authorization": f"Bearer {stack.handoff_token}"},
        timeout=30,
    ).json()
    ticket = tickets[0] if isinstance(tickets, list) else tickets["handoffs"][0]
    assert ticket["priority"] == "high"
    assert (ticket["reason"], ticket["queue"]) == ("customer_request", "complaint")
