"""An operator's mistake in the cluster settings stops Rasa with a sentence saying what to fix.

(Rasa itself would answer an unknown tracker store with a warning and keep conversations in memory.)
"""

from __future__ import annotations

import os

import pytest

from tests.rasa_side import run_in_rasa

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(120, func_only=True)]

PROBE = """
import json, os
from bot.scale.lock_store import ConfiguredLockStore
from bot.scale.tracker_store import ClusterSQLTrackerStore
found = {}
for name, make in {
    "mysql": lambda: ClusterSQLTrackerStore(db="mysql://rasa:pw@db:3306/rasa"),
    "no database": lambda: ClusterSQLTrackerStore(db="postgresql://rasa:pw@db:5432"),
    "empty": lambda: ClusterSQLTrackerStore(db=" "),
    "redis host only": lambda: (os.environ.__setitem__("REDIS_URL", "cache:6379"), ConfiguredLockStore())[1],
    "bad lease": lambda: (
        os.environ.update(REDIS_URL="redis://127.0.0.1:1/0", LOCK_LEASE_SECONDS="twenty"), ConfiguredLockStore()
    )[1],
}.items():
    try:
        make()
        found[name] = "accepted"
    except Exception as error:
        found[name] = f"{type(error).__name__}: {error}"
print(json.dumps(found))
"""


def test_bad_cluster_settings_are_refused_with_what_to_fix() -> None:
    env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    env.pop("REDIS_URL", None)
    found = run_in_rasa(["-c", PROBE], env, timeout=100)
    assert found["mysql"] == (
        "TrackerStoreConfigError: TRACKER_DB must be a SQLite file path or a postgresql:// URL, not a mysql:// URL"
    )
    assert "must name the host and the database" in found["no database"]
    assert found["empty"].startswith("TrackerStoreConfigError: TRACKER_DB is empty")
    assert found["redis host only"] == (
        "ValueError: The lock store needs a Redis URL like redis://host:6379/0 (REDIS_URL), got 'cache:6379'"
    )
    assert found["bad lease"] == "ValueError: LOCK_LEASE_SECONDS='twenty' is not a number of seconds"
