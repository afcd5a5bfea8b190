"""The tuned SQLite tracker store (bot/sqlite_tracker_store.py) keeps every turn, across sessions, exactly as
Rasa's own store does, and a turn committed by one Rasa process is there for the next one (in the Rasa venv)."""

from __future__ import annotations

from pathlib import Path

from tests.rasa_side import run_in_rasa

SCRIPT = r"""
import asyncio, json, sys
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

db, mode = sys.argv[1], sys.argv[2]
if mode != "rasa":
    from bot.sqlite_tracker_store import tune_sqlite_tracker_store
    tune_sqlite_tracker_store()
domain = Domain.empty()

def texts(tracker):
    return [e.text for e in tracker.events if isinstance(e, (UserUttered, BotUttered))] if tracker else None

async def main():
    store = SQLTrackerStore(domain, db=db)
    out = {}
    if mode in ("rasa", "tuned-write"):
        for n, sender in enumerate(["alice", "bob"]):
            for session in range(2):  # two sessions, a save per turn, each turn read back first like Rasa
                for turn in range(3):
                    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, domain.slots)
                    at = 100 * n + 10 * session + turn
                    if turn == 0:
                        tracker.update(ActionExecuted("action_session_start", timestamp=at))
                        tracker.update(SessionStarted(timestamp=at + 0.1))
                    tracker.update(UserUttered(f"{sender} s{session} t{turn}", timestamp=at + 0.2))
                    tracker.update(BotUttered(f"reply {turn}", timestamp=at + 0.3))
                    await store.save(tracker)
    for sender in ["alice", "bob", "nobody"]:
        out[sender] = {
            "latest": texts(await store.retrieve(sender)),
            "full": texts(await store.retrieve_full_tracker(sender)),
            "exists": await store.exists(sender),
        }
    with store.session_scope() as session:
        out["rows"] = session.execute(__import__("sqlalchemy").text("select count(*) from events")).scalar()
    print(json.dumps(out))

asyncio.run(main())
"""


def _run(db: Path, mode: str) -> dict:
    env = {"PATH": "/usr/bin:/bin", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    result: dict = run_in_rasa(["-c", SCRIPT, str(db), mode], env, timeout=180)
    return result


def test_every_turn_is_kept_and_read_back_like_rasas_own_store(tmp_path: Path) -> None:
    rasa = _run(tmp_path / "rasa.db", "rasa")
    tuned = _run(tmp_path / "tuned.db", "tuned-write")
    assert tuned == rasa
    assert tuned["alice"]["latest"] == [t for i in range(3) for t in (f"alice s1 t{i}", f"reply {i}")]
    assert len(tuned["bob"]["full"]) == 12 and tuned["nobody"] == {
        "latest": None,
        "full": None,
        "exists": False,
    }
    # A second process (Rasa restarted) reads what the first committed, from the write-ahead log or the file.
    assert _run(tmp_path / "tuned.db", "tuned-read") == tuned
    assert (tmp_path / "tuned.db-wal").exists() or (tmp_path / "tuned.db").stat().st_size > 0
