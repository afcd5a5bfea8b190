"""The numbered SQL migrations in handoff/migrations, written once for both databases (handoff/dialect.py
translates the few SQLite words PostgreSQL spells otherwise)."""

from __future__ import annotations

import re
from importlib import resources

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# pg_advisory_lock key taken while migrating: processes starting together migrate one after the other.
MIGRATION_LOCK = "handoff-schema-migration"


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every file in handoff/migrations, in order."""
    found = []
    for entry in resources.files("handoff.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)
