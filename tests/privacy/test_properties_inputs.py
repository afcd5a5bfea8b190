"""Property tests (hypothesis) on every other function that takes customer input: they never raise anything
but their documented error, and a card number or stated password never survives where they redact."""

from __future__ import annotations

import json
import random
import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.masking import mask
from bot.channels.client_metadata import client_metadata
from bot.channels.customer_text import CALLBACK_PAYLOAD, BadCustomerText, screen_customer_text
from bot.channels.numbered_choices import OfferedChoices, button_title
from bot.channels.opt_out import HELP_WORDS, START_WORDS, STOP_WORDS, keyword
from bot.channels.rest_body import parse_rest_body
from bot.components.noise import read_noise
from bot.components.person_asks import asks_for_person
from customer_files.kinds import KINDS
from customer_files.names import MAX_NAME_CHARS, safe_name
from handoff.models import HandoffRequest
from handoff.privacy_text import CONSENTED_CALLBACK_FIELDS, redacted_callback, redacted_handoff
from tests.handoff.conftest import handoff_body
from tests.privacy.test_properties import _card

fast = settings(max_examples=200, deadline=None, derandomize=True)
texts = st.text(max_size=300)
words = st.text(alphabet=string.ascii_letters + " ,.!?'", max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
PASSWORD = "Quokka-Lantern-71"


def _secret_sentence(seed: int, words: str) -> tuple[str, str]:
    """A sentence holding a Luhn-valid card (grouped by spaces) and a stated password; the card."""
    card = _card(random.Random(seed))
    grouped = " ".join(card[i : i + 4] for i in range(0, 16, 4))
    return f"{words} card {grouped} and my password is {PASSWORD} {words}", grouped


def _no_secret_in(text: str, card: str) -> None:
    assert card not in text and card.replace(" ", "") not in text.replace(" ", "") and PASSWORD not in text


# ---- the consent path of the channels' gate ------------------------------------------------------
@fast
@given(st.lists(texts, min_size=1, max_size=4), st.text(min_size=1, max_size=20))
def test_screening_with_a_conversation_never_fails_but_with_a_sentence(messages: list[str], who: str) -> None:
    for message in messages:
        try:
            screened = screen_customer_text(message, who)
        except BadCustomerText as refused:
            assert 400 <= refused.status < 500 and str(refused).endswith(".")
            continue
        assert len(screened.text) <= len(message) + 40 * len(screened.spans)


@fast
@given(st.integers(0, 2**32), words, st.text(min_size=1, max_size=20))
def test_after_agreeing_to_a_callback_only_a_contact_is_kept_never_a_card_or_password(
    seed: int, words: str, who: str
) -> None:
    said, card = _secret_sentence(seed, words)
    screen_customer_text(CALLBACK_PAYLOAD, who)  # the customer agreed to a callback
    _no_secret_in(screen_customer_text(f"{said} call me on 07700 900123", who).text, card)
    _no_secret_in(screen_customer_text(said, who).text, card)


# ---- the REST body and client metadata -----------------------------------------------------------
@fast
@given(st.binary(max_size=400))
def test_any_rest_body_is_read_or_refused_with_a_4xx(body: bytes) -> None:
    try:
        parse_rest_body(body)
    except BadCustomerText as refused:
        assert 400 <= refused.status < 500


@fast
@given(json_values, json_values, json_values)
def test_any_rest_json_is_read_or_refused_with_a_4xx(sender: Any, message: Any, metadata: Any) -> None:
    body = json.dumps({"sender": sender, "message": message, "metadata": metadata}).encode()
    try:
        parse_rest_body(body)
    except BadCustomerText as refused:
        assert 400 <= refused.status < 500


@fast
@given(st.integers(0, 2**32), words, st.dictionaries(st.text(max_size=12), json_values, max_size=4))
def test_a_card_or_password_survives_neither_in_the_rest_message_nor_its_metadata(
    seed: int, words: str, extra: dict[str, Any]
) -> None:
    said, card = _secret_sentence(seed, words)
    metadata = {**extra, "site": said, "customer_id": said, "note": said}
    body = json.dumps({"sender": "s-1", "message": said, "metadata": metadata}).encode()
    _, message, kept = parse_rest_body(body)
    _no_secret_in(message.text, card)
    _no_secret_in(json.dumps(kept), card)
    assert client_metadata(metadata) is not None


# ---- channel helpers that read what the customer typed -------------------------------------------
buttons = st.lists(
    st.fixed_dictionaries({}, optional={"title": st.text(max_size=20), "payload": st.text(max_size=20)}),
    max_size=5,
)


@fast
@given(buttons, texts)
def test_a_reply_to_numbered_choices_is_one_of_them_or_the_reply_itself(
    offered: list[Any], reply: str
) -> None:
    choices = OfferedChoices()
    choices.offer("c", offered)
    picked = choices.resolve("c", reply)
    allowed = {str(b.get("payload") or button_title(b)) for b in offered}
    assert picked == reply or picked in allowed
    assert choices.resolve("c", reply) == reply  # the offer is used up


@fast
@given(st.one_of(st.none(), texts))
def test_an_sms_keyword_is_a_known_word_or_none(text: str | None) -> None:
    word = keyword(text)
    assert word is None or word in STOP_WORDS | START_WORDS | HELP_WORDS
    if word is not None:
        assert (text or "").strip().rstrip(".!").upper() == word


@fast
@given(texts)
def test_nlu_overrides_read_any_text_without_failing(text: str) -> None:
    assert isinstance(asks_for_person(text), bool)
    noise = read_noise(text)
    assert noise is None or isinstance(noise, str)


# ---- where the handoff service and reports redact ------------------------------------------------
@fast
@given(st.integers(0, 2**32), words, texts)
def test_a_handoff_keeps_no_card_or_password_from_the_customer_and_leaves_bot_lines(
    seed: int, words: str, bot_line: str
) -> None:
    said, card = _secret_sentence(seed, words)
    body = handoff_body(
        "conv-p", summary=said, ticket_type="request", request_type="laptop", request_details={"Why": said}
    )
    body["transcript"][0]["text"] = said
    body["transcript"][1]["text"] = bot_line or "ok"
    cleaned = redacted_handoff(HandoffRequest.model_validate(body))
    for text in (cleaned.summary, cleaned.transcript[0].text, json.dumps(cleaned.request_details)):
        _no_secret_in(text, card)
    assert cleaned.transcript[1].text == (bot_line or "ok")


@fast
@given(st.integers(0, 2**32), words, st.dictionaries(st.text(max_size=15), json_values, max_size=5))
def test_a_callback_form_keeps_only_the_consented_contact(
    seed: int, words: str, form: dict[str, Any]
) -> None:
    said, card = _secret_sentence(seed, words)
    cleaned = redacted_callback({**form, "preferred_time": said, "phone": "07700 900123"})
    assert cleaned["phone"] == "07700 900123"
    _no_secret_in(cleaned["preferred_time"], card)
    for key, value in cleaned.items():
        if isinstance(value, str) and key not in CONSENTED_CALLBACK_FIELDS:
            assert PASSWORD not in value


@fast
@given(st.integers(0, 2**32), words)
def test_report_masking_removes_cards_and_passwords(seed: int, words: str) -> None:
    said, card = _secret_sentence(seed, words)
    _no_secret_in(mask(said), card)


@fast
@given(st.one_of(st.none(), texts), st.sampled_from(KINDS))
def test_a_stored_file_name_is_safe_for_any_given_name(given_name: str | None, kind: Any) -> None:
    name = safe_name(given_name, kind)
    assert 0 < len(name) <= MAX_NAME_CHARS + max(len(e) for e in kind.extensions)
    assert name.lower().endswith(kind.extensions)
    assert not any(c in name for c in '\\/:*?"<>|') and all(ord(c) >= 0x20 and c != "\x7f" for c in name)
