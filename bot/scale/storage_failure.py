"""Whether a failure was in the shared storage (the conversation database or the lock store).

Then nothing of the customer's message was saved, and recording the failure would fail the same way; the
channel asks the customer to send the message again instead (``bot/channels/failsafe.py``)."""

from __future__ import annotations

from rasa.core.lock_store import LockError

from bot.scale.tracker_failures import TrackerStoreUnavailable

_STORAGE_ERRORS: tuple[type[BaseException], ...] = (TrackerStoreUnavailable, LockError)


def is_storage_failure(error: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, _STORAGE_ERRORS):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
