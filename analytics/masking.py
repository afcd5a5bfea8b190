"""Remove personal data from comments before the report shows them: the privacy package's redaction
(e-mail addresses, phone and card numbers, passwords and other secrets become placeholders)."""

from __future__ import annotations

from privacy import redact


def mask(text: str) -> str:
    return redact(text).text
