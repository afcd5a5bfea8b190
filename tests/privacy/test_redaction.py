"""Secrets and personal details leave customer text before anything stores it (privacy.redact)."""

from __future__ import annotations

import pytest

from privacy import redact
from privacy.checksums import iban_valid, luhn_valid
from privacy.notice import NoticeMemory, removed_notice


@pytest.mark.parametrize(
    ("text", "secret", "placeholder"),
    [
        ("my password is hunter2 and it fails", "hunter2", "[password]"),
        ("pw: Summer2024!", "Summer2024!", "[password]"),
        ("my card is 4111 1111 1111 1111, please fix my login", "4111 1111 1111 1111", "[card number]"),
        ("the code is 483920", "483920", "[secret code]"),
        ("verification code 483 920", "483 920", "[secret code]"),
        ("the authenticator gave me 731 604 but it says wrong code", "731 604", "[secret code]"),
        ("scanned it and the app is showing 204 117 now", "204 117", "[secret code]"),
        ("i set her first password, Welcome#Desk9, so she can sign in monday", "Welcome#Desk9", "[password]"),
        ("ok got a text with 482913 in it, where does that go", "482913", "[secret code]"),
        ("a caller asked for my authenticator code and i gave them 551 208", "551 208", "[secret code]"),
        (
            "vpn wants the code from my authenticator, i type 906 412 and it says invalid code",
            "906 412",
            "[secret code]",
        ),
        ("Authorization: Bearer abcdefghijklmnop1234", "abcdefghijklmnop1234", "[secret code]"),
        ("key AKIAIOSFODNN7EXAMPLE leaked", "AKIAIOSFODNN7EXAMPLE", "[secret code]"),
        (
            "refund to GB29 NWBK 6016 1331 9268 19 please",
            "GB29 NWBK 6016 1331 9268 19",
            "[bank account number]",
        ),
        ("NI number AB 12 34 56 C", "AB 12 34 56 C", "[national insurance number]"),
        ("mail me at jane.doe@example.co.uk", "jane.doe@example.co.uk", "[email address]"),
        ("call 07700 900123 after 3", "07700 900123", "[phone number]"),
        ("or +44 (0)20 7946 0958", "+44 (0)20 7946 0958", "[phone number]"),
        ("postgres://app:S3cret!@db01:5432/crm fails", "S3cret!", "[password]"),
    ],
)
def test_each_kind_of_secret_is_replaced_by_a_placeholder_nlu_can_read(
    text: str, secret: str, placeholder: str
) -> None:
    result = redact(text)
    assert secret not in result.text
    assert placeholder in result.text


@pytest.mark.parametrize(
    "text",
    [
        "my password is not working",
        "my password expired yesterday",
        "my password, as usual, expired on monday",
        "my password, which I changed last week, is not accepted",
        "The code is 0x80070005 when I run Windows Update",
        "Code 43 in device manager",
        "error code 80072EFD",
        "ping 192.168.1.45 and 10.0.0.254",
        "Outlook 16.0.17328.20142 crashes after KB5034441",
        "ticket INC0012345 and REQ0098123",
        "GUID 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "meeting ID 823 4412 9087",
        "4111 1111 1111 1112 is not a card",  # fails the Luhn check
        "GB29 NWBK 6016 1331 9268 18",  # fails the IBAN check
        "the token expired, how do I get a new one?",
        "an email saying my password expires today and to click here, legit?",
        "error code 0x80070005 when i try the 2020 version",
        "i typed 1234 into the printer's display and nothing happened",
    ],
)
def test_ordinary_it_text_comes_out_unchanged(text: str) -> None:
    assert redact(text).text == text


def test_message_keeps_its_meaning_around_placeholders() -> None:
    result = redact("my password is hunter2 and my card is 4111 1111 1111 1111, please fix my login")
    assert result.text == "my password is [password] and my card is [card number], please fix my login"
    assert result.labels == ("CARD", "PASSWORD")


def test_checksums() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert iban_valid("GB29NWBK60161331926819") and not iban_valid("GB29NWBK60161331926818")
    assert not iban_valid("GB29NWBK6016133192681")  # a GB IBAN has 22 characters


def test_notice_names_what_was_removed_and_says_staff_never_ask_for_passwords() -> None:
    notice = removed_notice(("CARD", "PASSWORD"))
    assert "a card number and a password" in notice
    assert "never ask for your password" in notice
    assert "change it" in notice
    assert removed_notice(()) == ""


def test_notice_memory_tells_each_conversation_once() -> None:
    memory = NoticeMemory(limit=2)
    assert memory.first_time("a") and not memory.first_time("a")
    assert memory.first_time("b") and memory.first_time("c")
    assert memory.first_time("a")  # forgotten beyond the limit: told again rather than never


def test_the_contact_given_right_after_agreeing_to_a_callback_is_kept_and_only_then() -> None:
    from bot.channels.customer_text import screen_customer_text

    assert screen_customer_text("mail me at sam@example.com", "c-1").text == "mail me at [email address]"
    assert screen_customer_text("/request_callback", "c-1").text == "/request_callback"
    assert screen_customer_text("not an address", "c-1").text == "not an address"
    assert screen_customer_text("sam@example.com", "c-1").text == "sam@example.com"  # the consented contact
    assert screen_customer_text("and jo@example.com", "c-1").text == "and [email address]"  # consent used up
    assert screen_customer_text("sam@example.com", "c-2").text == "[email address]"  # another conversation
