"""action_ask_request_*: the form's questions, worded in data/requests/_fields.yml (one action per field)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.requests.catalogue import catalogue


class AskRequestField(Action):
    """Asks for one request detail; subclasses below name the slot."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        field = catalogue().field_of_slot(self.slot)
        if field is None:  # a data file lost the field: ask in general words rather than say nothing
            dispatcher.utter_message(text="Please tell me a little more about what you need.")
            return []
        dispatcher.utter_message(text=field.ask)
        return []


class AskRequestItem(AskRequestField):
    slot = "request_item"


class AskRequestFor(AskRequestField):
    slot = "request_for"


class AskRequestByWhen(AskRequestField):
    slot = "request_by_when"


class AskRequestReason(AskRequestField):
    slot = "request_reason"


class AskRequestApprover(AskRequestField):
    slot = "request_approver"


class AskRequestType(Action):
    """Which kind of request: one button per request type file."""

    def name(self) -> str:
        return "action_ask_request_type"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(
            text="I can log that as a request for the IT team. What kind of request is it?",
            buttons=[{"title": t.title, "payload": t.title} for t in catalogue().types.values()],
        )
        return []
