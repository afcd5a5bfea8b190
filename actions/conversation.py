"""Turns that belong to no single flow: complaints, goodbyes and a typed "yes" or "no" to an offer.

Each one records how the conversation stands (slot `resolution`), so the support record and the conversation
benchmark read what happened from the tracker instead of from the wording.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import privacy_request, problems
from actions.customer_left import customer_left
from actions.diagnostics.catalog import get_engine
from actions.diagnostics.starting import INTRO, start_script
from actions.knowledge import PERSON_OFFER, get_knowledge_base, show_article
from handoff.routing import COMPLAINT_QUEUE

OFFER_SLOT = "pending_offer"
PERSON = PERSON_OFFER
PROBLEM = "problem"
"""The offer to look at the other problem the customer named in the same message."""


async def _start_next_problem(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    still_to_do = problems.remaining(tracker, None)
    if not still_to_do:
        dispatcher.utter_message(text="OK. What can I help you with?")
        return [SlotSet(OFFER_SLOT, None)]
    topic = still_to_do[0]["topic"]
    rest = [SlotSet(OFFER_SLOT, None), SlotSet(problems.PENDING_SLOT, still_to_do[1:])]
    if topic.startswith(problems.ARTICLE_PREFIX):
        kb = await asyncio.to_thread(get_knowledge_base)
        hit = await asyncio.to_thread(kb.article, topic.removeprefix(problems.ARTICLE_PREFIX))
        if hit is None:
            dispatcher.utter_message(text="Sorry, I can't open that help article now. Tell me more about it?")
            return rest
        return [*rest, *show_article(dispatcher, tracker, hit, None)]
    dispatcher.utter_message(text=INTRO.format(title=get_engine().script(topic).title))
    return [*rest, *start_script(tracker, topic, tracker.get_slot("diagnostic_level"))]


class ActionComplaint(Action):
    """A complaint outside a script: apologise first and offer a person, marked urgent.

    The customer chooses: a person at once (their "yes" is then an explicit request, at high priority), or
    carry on with the bot. Venting is not forced into a queue.
    """

    def name(self) -> str:
        return "action_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_complain_apology")
        # If they take the offer, it is their own request (reason customer_request), but it goes up to the
        # complaint queue, marked urgent.
        route = {"escalation_type": "vertical", "queue": COMPLAINT_QUEUE, "reason": "complaint"}
        return [
            SlotSet("handoff_priority", "high"),
            SlotSet(OFFER_SLOT, PERSON),
            SlotSet("diagnostic_escalation", route),
        ]


class ActionAnswerOffer(Action):
    """A typed "yes" or "no" that no more specific rule claimed: it answers the bot's latest offer."""

    def name(self) -> str:
        return "action_answer_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        offer = tracker.get_slot(OFFER_SLOT)
        if offer == PROBLEM and intent == "affirm":
            return await _start_next_problem(dispatcher, tracker)
        if offer == PROBLEM:
            dispatcher.utter_message(text="OK. If you want to look at it later, just tell me.")
            return [SlotSet(OFFER_SLOT, None), SlotSet(problems.PENDING_SLOT, [])]
        if offer in privacy_request.REQUESTS:
            return await privacy_request.answer(offer, intent == "affirm", dispatcher, tracker)
        if offer == PERSON and intent == "affirm":
            return [SlotSet(OFFER_SLOT, None), FollowupAction("action_request_human")]
        if offer == PERSON:
            dispatcher.utter_message(
                text="OK, no person for now. Tell me what is going wrong, and I'll do my best to help. "
                'You can say "talk to a person" at any time.'
            )
            return [SlotSet(OFFER_SLOT, None)]
        # Nothing was offered ("👍" or "ok" out of the blue): the main topics give the customer a way on.
        if intent == "affirm":
            dispatcher.utter_message(text="OK.")
        else:
            dispatcher.utter_message(text='OK. You can say "talk to a person" at any time.')
        dispatcher.utter_message(response="utter_main_topics")
        return []


class ActionGoodbye(Action):
    """Goodbye outside a script: close politely and record that the customer left (unless already solved)."""

    def name(self) -> str:
        return "action_goodbye"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_goodbye")
        return [*customer_left(tracker), SlotSet(OFFER_SLOT, None)]
