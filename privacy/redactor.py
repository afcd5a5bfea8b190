"""Runs every recogniser over a text and replaces what they find with placeholders."""

from __future__ import annotations

from dataclasses import dataclass

from privacy.recognisers import RECOGNISERS
from privacy.spans import PLACEHOLDERS, Span

# When two findings overlap, the more specific kind wins (a card number inside "my pin is ..." is a card).
_PRIORITY = {"SECRET": 0, "CARD": 1, "IBAN": 2, "NINO": 3, "EMAIL": 4, "PASSWORD": 5, "PHONE": 6}


@dataclass(frozen=True)
class Redaction:
    text: str
    spans: tuple[Span, ...]  # in the original text's coordinates, sorted, not overlapping

    @property
    def changed(self) -> bool:
        return bool(self.spans)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted({span.label for span in self.spans}))


def find(text: str) -> tuple[Span, ...]:
    found = [span for recognise in RECOGNISERS for span in recognise(text) if span.end > span.start]
    found.sort(key=lambda s: (_PRIORITY[s.label], -len(s), s.start))
    kept: list[Span] = []
    for span in found:
        overlapping = [k for k in kept if k.start < span.end and span.start < k.end]
        if not overlapping:
            kept.append(span)
            continue
        # Keep one span covering both, so no part of either is left behind.
        winner = overlapping[0]
        merged = Span(min([span.start, *(k.start for k in overlapping)]),
                      max([span.end, *(k.end for k in overlapping)]), winner.label)  # fmt: skip
        kept = [k for k in kept if k not in overlapping] + [merged]
    return tuple(sorted(kept))


def redact(text: str, keep: frozenset[str] = frozenset()) -> Redaction:
    """Return the text with every secret or personal detail replaced by a placeholder like ``[card number]``.
    `keep`: labels to leave in place (the email or phone a customer gives for a callback they agreed to)."""
    spans = tuple(span for span in find(text) if span.label not in keep)
    parts: list[str] = []
    position = 0
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(PLACEHOLDERS[span.label])
        position = span.end
    parts.append(text[position:])
    return Redaction("".join(parts), spans)
