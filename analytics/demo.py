"""A realistic support history written through the real stores, with patterns the report must find:
a customer who keeps asking the same how-to (user skills), a printer fault that returns after 'resolved'
(intermittent fault), Wi-Fi trouble concentrated at one site (environment) and an expense app the knowledge
base knows nothing about (knowledge gap)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import secrets
import sqlite3
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from tqdm import tqdm

from analytics.settings import AnalyticsError, AnalyticsSettings
from analytics.tracker_source import EVENTS_SCHEMA
from handoff.errors import DuplicateUser, OpenTicketExists
from handoff.models import Customer, HandoffRequest, TranscriptEntry
from handoff.sqlite_db import SqliteDatabase
from handoff.store import Store
from handoff.users import hash_password

LABELLED = Path(__file__).resolve().parents[1] / "data" / "analytics" / "labelled_topics.jsonl"
CHANNELS = (
    ("socketio", 0.45),
    ("rest", 0.1),
    ("telegram", 0.15),
    ("slack", 0.15),
    ("twilio", 0.1),
    ("facebook", 0.05),
)
TOPIC_WEIGHTS = {
    "password_reset": 14,
    "vpn": 10,
    "printer": 10,
    "wifi": 10,
    "email": 12,
    "disk_full": 7,
    "software_install": 9,
    "shared_drive": 8,
    "display": 6,
    "backup": 5,
    "expense_app": 7,
}
QUEUE = {
    "vpn": "network",
    "wifi": "network",
    "printer": "hardware",
    "display": "hardware",
    "shared_drive": "account",
    "password_reset": "account",
    "software_install": "software",
    "expense_app": "software",
}
SCRIPT = {"printer": "printer", "wifi": "wifi", "vpn": "vpn", "email": "email", "display": "display"}
SITES = ("London office", "Leeds office", "Home", "Bristol office")
AGENTS = (
    ("demo-ana", "Ana Reyes"),
    ("demo-ben", "Ben Okafor"),
    ("demo-chi", "Chi Wong"),
    ("demo-dev", "Dev Patel"),
)
GOOD = (
    "Quick and friendly help, thanks",
    "Explained everything clearly",
    "Sorted in minutes, great service",
    "Very patient and kind",
    "Fixed it first time",
)
BAD = (
    "Waited far too long for an answer",
    "Took hours before anyone replied",
    "Still broken the next day, not fixed",
    "The same problem came back again",
    "Had to repeat everything to the agent, call me on 07700 900123",
)
HOWTO_CUSTOMER = "demo-robin"
FAULT_CUSTOMERS = ("demo-priya", "demo-sam", "demo-lee", "demo-kim", "demo-max")


def labelled_messages() -> dict[str, list[str]]:
    topics: dict[str, list[str]] = defaultdict(list)
    with LABELLED.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            topics[row["topic"]].append(row["text"])
    return topics


class _Tracker:
    """Rows in Rasa's SQLTrackerStore layout."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path)
        self.conn.executescript(EVENTS_SCHEMA)
        self.rows: list[tuple[Any, ...]] = []

    def event(self, sender: str, data: dict[str, Any], intent: str | None = None) -> None:
        name = data["event"]
        action = data.get("name") if name == "action" else None
        self.rows.append((sender, name, data["timestamp"], intent, action, json.dumps(data)))

    def action(self, sender: str, at: float, name: str) -> None:
        self.event(
            sender,
            {
                "event": "action",
                "timestamp": at,
                "name": name,
                "policy": None,
                "confidence": 1.0,
                "action_text": None,
                "hide_rule_turn": False,
            },
        )

    def user(
        self, sender: str, at: float, text: str, intent: str, channel: str, meta: dict[str, Any]
    ) -> None:
        parse = {
            "text": text,
            "intent": {"name": intent, "confidence": 0.93},
            "entities": [],
            "intent_ranking": [],
            "message_id": uuid.uuid4().hex,
            "metadata": meta,
        }
        self.event(
            sender,
            {
                "event": "user",
                "timestamp": at,
                "metadata": meta,
                "text": text,
                "parse_data": parse,
                "input_channel": channel,
                "message_id": parse["message_id"],
            },
            intent,
        )

    def bot(self, sender: str, at: float, text: str) -> None:
        self.event(
            sender,
            {
                "event": "bot",
                "timestamp": at,
                "metadata": {},
                "text": text,
                "data": {
                    "elements": None,
                    "quick_replies": None,
                    "buttons": None,
                    "attachment": None,
                    "image": None,
                    "custom": None,
                },
            },
        )

    def slot(self, sender: str, at: float, name: str, value: Any) -> None:
        self.event(sender, {"event": "slot", "timestamp": at, "name": name, "value": value})

    def flush(self) -> None:
        self.conn.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES (?, ?, ?, ?, ?, ?)",
            self.rows,
        )
        self.conn.commit()
        self.rows.clear()

    def close(self) -> None:
        self.flush()
        self.conn.close()


def _start_time(rng: random.Random, start: dt.datetime, days: int) -> dt.datetime:
    while True:
        day = start + dt.timedelta(days=rng.randrange(days))
        if day.weekday() >= 5 and rng.random() < 0.8:
            continue
        hour = min(23, max(0, int(rng.gauss(11.5, 2.8))))
        return day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))


def _plan(
    rng: random.Random, start: dt.datetime, days: int, count: int, messages: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """Who writes about what, when; injected patterns added on top of the random background."""
    # About one conversation per person per period: most people contact the desk once or twice a quarter, so
    # the background alone rarely looks like a recurring customer and the injected ones stand out.
    customers = [f"demo-c{n:04d}" for n in range(max(30, count))]
    names = list(TOPIC_WEIGHTS)
    weights = list(TOPIC_WEIGHTS.values())
    plan = []
    for _ in range(count):
        topic = rng.choices(names, weights)[0]
        site = "Leeds office" if topic == "wifi" and rng.random() < 0.75 else rng.choice(SITES)
        plan.append(
            {
                "customer": rng.choice(customers),
                "topic": topic,
                "at": _start_time(rng, start, days),
                "text": rng.choice(messages[topic]),
                "site": site,
            }
        )
    middle = start + dt.timedelta(days=days // 2)
    howtos = [m for m in messages["email"] if m.lower().startswith("how")]
    for i in range(4):  # the same how-to four times in three weeks
        plan.append(
            {
                "customer": HOWTO_CUSTOMER,
                "topic": "email",
                "at": middle + dt.timedelta(days=5 * i, hours=10),
                "text": howtos[i % len(howtos)],
                "site": "London office",
                "force": "assistant",
            }
        )
    for c, customer in enumerate(FAULT_CUSTOMERS):  # printer fixed by an agent, back two days later, twice
        for i in range(3):
            plan.append(
                {
                    "customer": customer,
                    "topic": "printer",
                    "at": start + dt.timedelta(days=5 + 14 * c + 3 * i, hours=9 + c),
                    "text": messages["printer"][(c + i) % len(messages["printer"])],
                    "site": "Bristol office",
                    "force": "agent",
                }
            )
    plan.sort(key=lambda p: p["at"])
    last: dict[str, dt.datetime] = {}
    for item in plan:  # one customer's conversations never overlap (Rasa would merge them into one session)
        previous = last.get(item["customer"])
        if previous is not None and item["at"] < previous + dt.timedelta(hours=1):
            item["at"] = previous + dt.timedelta(hours=1)
        last[item["customer"]] = item["at"]
    return sorted(plan, key=lambda p: p["at"])


def _has_real_conversations(path: Path) -> bool:
    if not path.is_file():
        return False
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT 1 FROM events WHERE sender_id NOT LIKE 'demo-%' LIMIT 1").fetchone()
    except sqlite3.DatabaseError:
        return False  # no events table yet
    finally:
        conn.close()
    return row is not None


def scratch_files(settings: AnalyticsSettings) -> Path:
    """The SQLite tracker file to write. Made-up conversations never go to PostgreSQL: with
    HANDOFF_DATABASE_URL or a postgresql:// TRACKER_DB set (the cluster's live stores), refuse."""
    if settings.handoff_database_url is not None:
        raise AnalyticsError(
            "demo-data writes only to scratch SQLite files, and HANDOFF_DATABASE_URL points at the live"
            " PostgreSQL desk: unset it and set HANDOFF_DB and TRACKER_DB to scratch files"
        )
    if not isinstance(settings.tracker_db, Path):
        raise AnalyticsError(
            "demo-data writes only to scratch SQLite files, and TRACKER_DB is a PostgreSQL URL (Rasa's live"
            " tracker store): set TRACKER_DB (and HANDOFF_TRACKER_DB) to a scratch file"
        )
    return settings.tracker_db


def generate(
    settings: AnalyticsSettings,
    months: int,
    seed: int,
    end: dt.datetime,
    conversations: int | None = None,
    allow_real: bool = False,
) -> int:
    """Write the history; refuses stores that already hold real (non-demo) conversations unless allowed."""
    return asyncio.run(_generate(settings, months, seed, end, conversations, allow_real))


async def _generate(
    settings: AnalyticsSettings,
    months: int,
    seed: int,
    end: dt.datetime,
    conversations: int | None,
    allow_real: bool,
) -> int:
    rng = random.Random(seed)
    days = 30 * months
    start = end - dt.timedelta(days=days)
    count = conversations if conversations is not None else 40 * days
    if count < 1:
        raise AnalyticsError("--conversations must be at least 1")
    tracker_db = scratch_files(settings)
    if not allow_real and _has_real_conversations(tracker_db):
        raise AnalyticsError(
            f"{settings.tracker_db} already holds real conversations; demo data would mix with them."
            " Point TRACKER_DB and HANDOFF_DB at scratch files, or pass --into-real-stores"
        )
    plan = _plan(rng, start, days, count, labelled_messages())
    tracker = _Tracker(tracker_db)
    database = await SqliteDatabase.open(settings.handoff_db)  # demo data: always a scratch SQLite file
    await database.execute("PRAGMA synchronous = OFF")
    store = Store(database)
    agent_ids = []
    for username, display in AGENTS:
        try:
            agent = await store.create_user(
                username, display, hash_password(secrets.token_urlsafe(16)), "agent"
            )
        except DuplicateUser:
            agent = await store.find_user(username)
        agent_ids.append(agent.id)
    try:
        for n, item in enumerate(tqdm(plan, desc="demo-data", unit="conversation", disable=len(plan) < 2000)):
            await _conversation(rng, tracker, store, item, agent_ids, end)
            if n % 5000 == 4999:
                tracker.flush()
    finally:
        tracker.close()
        await database.close()
    return len(plan)


async def _conversation(
    rng: random.Random,
    tracker: _Tracker,
    store: Store,
    item: dict[str, Any],
    agent_ids: list[int],
    end: dt.datetime,
) -> None:
    sender, topic, text = item["customer"], item["topic"], item["text"]
    channel = (
        rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        if sender.startswith("demo-c")
        else "socketio"
    )
    at = item["at"]
    t = at.timestamp()
    tracker.action(sender, t - 1, "action_session_start")
    tracker.event(sender, {"event": "session_started", "timestamp": t - 1})
    tracker.action(sender, t - 1, "action_listen")
    meta = {"site": item["site"]}
    tracker.user(sender, t, text, "ask_howto", channel, meta)
    t += rng.uniform(0.3, 2.5)
    gap = topic == "expense_app"
    script = SCRIPT.get(topic) if rng.random() < 0.5 else None
    if gap:
        tracker.slot(sender, t, "kb_miss_count", 1.0)
        tracker.bot(sender, t, "Sorry, I could not find an answer to that.")
    elif script:
        tracker.slot(sender, t, "diagnostic_id", script)
        tracker.bot(sender, t, "Let's work through this step by step.")
    else:
        tracker.slot(sender, t, "support_actions", [{"type": "kb_article", "doc_id": topic, "helped": None}])
        tracker.bot(sender, t, "This article should help.")
    force = item.get("force")
    p_handoff = 0.75 if gap else 0.3
    handoff = force == "agent" or (force is None and rng.random() < p_handoff)
    t += rng.uniform(20, 400)
    if handoff:
        reason = (
            "nlu_fallback"
            if gap
            else rng.choice(
                ["customer_request", "customer_request", "kb_not_solved", "script_dead_end", "complaint"]
            )
        )
        if script:
            state = {
                "script_id": script,
                "node_id": rng.choice(["check_power", "restart", "check_cable"]),
                "status": "escalated",
            }
            tracker.slot(sender, t, "diagnostic_state", state)
            tracker.slot(sender, t, "diagnostic_outcome", "escalated")
        elif not gap:
            tracker.slot(
                sender, t, "support_actions", [{"type": "kb_article", "doc_id": topic, "helped": False}]
            )
        tracker.user(sender, t, "I want to talk to a person", "human_handoff", channel, meta)
        tracker.slot(sender, t + 1, "resolution", "handed_off")
        tracker.bot(sender, t + 1, "I am passing you to a person now.")
        await _ticket(
            rng, store, item, channel, reason, dt.datetime.fromtimestamp(t + 1, dt.UTC), agent_ids, end
        )
        return
    if force == "assistant" or rng.random() < 0.5:
        if script:
            tracker.slot(
                sender, t, "diagnostic_state", {"script_id": script, "node_id": "done", "status": "resolved"}
            )
            tracker.slot(sender, t, "diagnostic_outcome", "resolved")
        else:
            tracker.slot(
                sender, t, "support_actions", [{"type": "kb_article", "doc_id": topic, "helped": True}]
            )
        tracker.user(sender, t, "yes that fixed it", "affirm", channel, meta)
        tracker.slot(sender, t + 1, "resolution", "resolved_by_assistant")
        tracker.bot(sender, t + 1, "Great, glad that helped.")
        if rng.random() < 0.3:  # the one-tap survey after the assistant solved it
            tracker.user(sender, t + 20, "/rate_handoff", "rate_handoff", channel, meta)
            tracker.slot(sender, t + 20, "handoff_rating", rng.choice([3, 4, 5, 5]))
            if rng.random() < 0.3:
                tracker.slot(
                    sender,
                    t + 40,
                    "handoff_comment",
                    rng.choice((*GOOD, "The bot did not understand me at first")),
                )
            tracker.slot(sender, t + 41, "handoff_rating", None)
    else:
        if script and rng.random() < 0.5:
            tracker.slot(
                sender, t, "diagnostic_state", {"script_id": script, "node_id": "restart", "status": "active"}
            )
        tracker.slot(sender, t, "resolution", "customer_left")


async def _ticket(
    rng: random.Random,
    store: Store,
    item: dict[str, Any],
    channel: str,
    reason: str,
    when: dt.datetime,
    agent_ids: list[int],
    end: dt.datetime,
) -> None:
    topic = item["topic"]
    request = HandoffRequest(
        conversation_id=item["customer"],
        channel=channel,
        customer=Customer(
            channel_user_id=item["customer"], name=item["customer"].removeprefix("demo-").title()
        ),
        summary=item["text"][:200],
        category=topic,
        reason=reason,
        queue=QUEUE.get(topic, "general"),
        escalation_type="vertical" if reason == "complaint" else "technical",
        priority="high" if reason == "complaint" or rng.random() < 0.15 else "normal",
        contact_time=when - dt.timedelta(minutes=2),
        transcript=[
            TranscriptEntry(role="customer", text=item["text"], timestamp=when - dt.timedelta(minutes=2))
        ],
    )
    first = when + dt.timedelta(minutes=rng.lognormvariate(2.2, 0.9))
    resolved = first + dt.timedelta(hours=rng.lognormvariate(0.8, 1.1))
    if item.get("force") == "agent":
        resolved = first + dt.timedelta(minutes=30)
    status = "resolved" if resolved < end else "assigned"
    if end - when < dt.timedelta(days=2) and rng.random() < 0.3:  # the last days leave a backlog
        first = resolved = end + dt.timedelta(days=1)
        status = "waiting"
    try:
        ticket_id = await store.create_ticket(request, "waiting", when)
    except OpenTicketExists:
        return  # the customer's earlier ticket is still open: the service would add to that one, not open another
    columns: dict[str, Any] = {"status": status}
    if status != "waiting":
        columns["assigned_agent_id"] = rng.choice(agent_ids)
    if first < end:
        columns["first_agent_response_time"] = first
    if status == "resolved":
        columns.update(resolution_time=resolved, resolution_notes="Fixed during the chat.")
        if rng.random() < 0.45:
            slow = (first - when).total_seconds() > 1800 or item.get("force") == "agent"
            bad = slow or rng.random() < 0.2
            columns["satisfaction_rating"] = rng.choice([1, 2, 2, 3]) if bad else rng.choice([4, 5, 5])
            if rng.random() < 0.6:
                columns["satisfaction_comment"] = rng.choice(BAD if bad else GOOD)
    await store.update(ticket_id, **columns)
