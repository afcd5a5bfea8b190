"""What a client may put in a message's metadata (REST `metadata`, the website chat's `customData`).

The client chooses it, so it is customer text: only the keys the project reads are kept (`customer_id`,
`site`, `network`: analytics/tracker_source.py), as short strings, redacted like a message. Anything else is
dropped — free text the tracker store would keep unredacted, and keys the service sets itself
(`redacted`, `channel_user`, `handoff_role`) that a client must not be able to fake."""

from __future__ import annotations

from typing import Any

from privacy import redact

KEPT_KEYS = ("customer_id", "site", "network")
MAX_VALUE_CHARS = 200


def client_metadata(raw: object) -> dict[str, Any] | None:
    """The kept part of client-supplied metadata (None when nothing is left)."""
    if not isinstance(raw, dict):
        return None
    kept = {
        key: redact(value[:MAX_VALUE_CHARS]).text
        for key in KEPT_KEYS
        if isinstance(value := raw.get(key), str) and value.strip()
    }
    return kept or None
