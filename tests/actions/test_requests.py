"""Request types load from data files, a broken file is refused by name, and details are read from text."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.requests import details
from actions.requests.catalogue import DEFAULT_DIR, catalogue, load
from actions.requests.ticket import fulfilment_time
from handoff.models import QUEUES, HandoffRequest


def test_every_request_type_in_data_has_a_handoff_queue_and_known_fields() -> None:
    loaded = load(DEFAULT_DIR)
    assert set(loaded.types) == {"software", "access", "equipment", "new_starter"}
    for kind in loaded.types.values():
        assert kind.queue in QUEUES and kind.queue.startswith("req-")
        assert all(loaded.fields[f].ask.endswith((".", "?")) for f in kind.fields)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("can we get two more Figma seats for the design team", "software"),
        ("I need write access to the \\\\fs02\\legal share", "access"),
        ("could I have a docking station for my desk", "equipment"),
        ("a new joiner starts in support next Tuesday and needs a login", "new_starter"),
    ],
)
def test_a_request_is_typed_from_its_words(text: str, kind: str) -> None:
    found = catalogue().classify(text)
    assert found is not None and found.id == kind


def test_a_message_naming_no_request_type_is_not_typed() -> None:
    assert catalogue().classify("hello there, how are you") is None


def test_a_type_with_an_unknown_queue_or_field_is_refused_naming_the_problem(tmp_path: Path) -> None:
    (tmp_path / "_fields.yml").write_text((DEFAULT_DIR / "_fields.yml").read_text())
    (tmp_path / "bad.yml").write_text(
        "id: bad\ntitle: Bad\nqueue: nowhere\nfulfilment_hours: 8\nkeywords: [x]\nfields: [item]\n"
    )
    with pytest.raises(ValueError, match="nowhere"):
        load(tmp_path)
    (tmp_path / "bad.yml").write_text(
        "id: bad\ntitle: Bad\nqueue: req-access\nfulfilment_hours: 8\nkeywords: [x]\nfields: [colour]\n"
    )
    with pytest.raises(ValueError, match="colour"):
        load(tmp_path)


def test_an_empty_folder_has_no_request_types(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="request types"):
        load(tmp_path)


def test_details_the_first_message_already_gives_are_read() -> None:
    text = "I need Visio for a process mapping project, my manager Priya has approved it"
    got = details.extract(text, ["request_item", "request_for", "request_reason", "request_approver"])
    assert got == {
        "request_item": "Visio",
        "request_for": "the requester",
        "request_reason": "process mapping project",
        "request_approver": "Priya (manager)",
    }


def test_someone_else_is_never_assumed_to_be_the_requester() -> None:
    got = details.extract(
        "her name's Ana Ruiz, I'm her manager, she starts on the 3rd", list(details.EXTRACTORS)
    )
    assert got["request_for"] == "Ana Ruiz"
    assert got["request_by_when"] == "on the 3rd"
    assert got["request_approver"] == "the requester (manager)"


def test_a_new_starter_named_as_her_or_an_apprentice_is_not_the_requester() -> None:
    """ "what do i need to do to get her a login" is for the apprentice; the manager who writes approves it."""
    first = (
        "we've got an apprentice starting in facilities on the 14th, what do i need to do to get her a login"
    )
    assert "request_for" not in details.extract(first, list(details.EXTRACTORS))
    assert details.answer("request_for", "her name's Chloe Bennett") == "Chloe Bennett"
    approved = "i'm her line manager, so it's approved by me"
    assert details.answer("request_approver", approved) == "the requester (line manager)"
    assert catalogue().classify(first).id == "new_starter"


def test_a_card_number_never_goes_into_a_request() -> None:
    value = details.answer("request_reason", "I'll pay myself, card 4532 0151 1283 0366 exp 08/27")
    assert value is not None and "4532" not in value and "08/27" not in value


def test_answers_to_questions() -> None:
    assert details.answer("request_approver", "not yet") == "not approved yet"
    assert details.answer("request_for", "me") == "the requester"
    assert details.answer("request_item", "   ") is None


def test_service_levels_read_as_working_time() -> None:
    assert fulfilment_time(4) == "within 4 working hours"
    assert fulfilment_time(8) == "within 1 working day"
    assert fulfilment_time(40) == "within 5 working days"


def test_a_request_ticket_needs_its_type_and_a_valid_language() -> None:
    base = {"conversation_id": "c", "channel": "rest", "customer": {"channel_user_id": "u"}}
    with pytest.raises(ValueError, match="request_type"):
        HandoffRequest(**base, reason="customer_request", ticket_type="request")
    with pytest.raises(ValueError):
        HandoffRequest(**base, reason="customer_request", language="Spanish")
    ok = HandoffRequest(**base, reason="customer_request", ticket_type="request", request_type="access")
    assert ok.queue == "general" and ok.language is None
