"""What a recogniser reports: a labelled character range, and the placeholder that replaces it."""

from __future__ import annotations

from dataclasses import dataclass

LABELS = ("CARD", "PASSWORD", "SECRET", "EMAIL", "PHONE", "IBAN", "NINO")

# Words rather than asterisks, so NLU and the knowledge base still read a sentence ("my [card number]
# was charged twice") and the conversation carries on.
PLACEHOLDERS = {
    "CARD": "[card number]",
    "PASSWORD": "[password]",
    "SECRET": "[secret code]",
    "EMAIL": "[email address]",
    "PHONE": "[phone number]",
    "IBAN": "[bank account number]",
    "NINO": "[national insurance number]",
}


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str

    def __len__(self) -> int:
        return self.end - self.start
