"""What the customer is told when something on our side fails (pure Python, so tests can import it)."""

from __future__ import annotations

FAILURE_TEXT = (
    "Sorry, something went wrong on our side, so I can't answer that right now. Your message is saved. "
    'Please try again in a minute. If it keeps happening, type "talk to a person" and someone from our '
    "IT support team will help you."
)
# Marks the failure message in the tracker, so agents and analytics can tell it from a normal answer.
FAILSAFE_METADATA = {"failsafe": True}
# When the conversation store or the lock store is down, the message itself could not be saved.
STORAGE_FAILURE_TEXT = (
    "Sorry, something went wrong on our side, so I could not read or save our chat just now. Everything "
    "you said before is safe, but this last message was not saved. Please send it again in a minute."
)
