"""The offline language check: foreign IT messages are found, English (jargon, typos, 'ok') never is."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.languages.detect import detect_foreign

SAMPLES = yaml.safe_load((Path(__file__).resolve().parents[2] / "bench" / "language_samples.yml").read_text())
FOREIGN = [(lang, text) for lang in ("es", "fr", "de", "pl", "pt", "it") for text in SAMPLES[lang]]


@pytest.mark.parametrize("text", SAMPLES["en_hard"])
def test_english_is_never_called_foreign(text: str) -> None:
    assert detect_foreign(text) is None


def test_foreign_messages_are_found_in_their_language() -> None:
    found = [(lang, text) for lang, text in FOREIGN if (d := detect_foreign(text)) and d.language == lang]
    missed = sorted(set(FOREIGN) - set(found))
    assert len(found) >= 0.9 * len(FOREIGN), missed


@pytest.mark.parametrize("text", ["", "   ", "👍", "???", "/ask_human", "a" * 5000])
def test_empty_or_odd_input_is_not_foreign(text: str) -> None:
    assert detect_foreign(text) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Szia, nem tudok belépni a laptopomra, mit csináljak?", "hu"),
        ("Hei, tulostin ei toimi ollenkaan tänään", "fi"),
        ("Dobrý den, nefunguje mi tiskárna v kanceláři", "cs"),
        ("Добрый день, не могу подключиться к VPN из дома", "ru"),
        ("Γεια σας, ο εκτυπωτής δεν τυπώνει τίποτα", "el"),
    ],
)
def test_languages_the_assistant_does_not_speak_are_found_too(text: str, language: str) -> None:
    found = detect_foreign(text)
    assert found is not None and found.language == language
