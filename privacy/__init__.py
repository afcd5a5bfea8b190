"""Finds and removes secrets and personal details from customer text before anything stores it.

Pure Python standard library, so the same code runs in the Rasa venv (3.10) and the app venv (3.11).
"""

from privacy.redactor import Redaction, redact
from privacy.spans import LABELS, PLACEHOLDERS, Span

__all__ = ["LABELS", "PLACEHOLDERS", "Redaction", "Span", "redact"]
