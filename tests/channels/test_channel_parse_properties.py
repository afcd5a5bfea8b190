"""Property test (hypothesis) of every messaging channel's `parse()`: any body — arbitrary bytes, or JSON /
form fields shaped like the app's webhook with any value anywhere — is read or refused with ValueError
(answered 400), never another exception (a 500 the app retries forever), and every customer text it
returns is a string. The channels need Rasa, so hypothesis generates the bodies here and the Rasa venv
parses them all in one run (tests/channels/parse_runner.py)."""

from __future__ import annotations

import base64
import json
import subprocess
from typing import Any
from urllib.parse import urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from stack import paths

EXAMPLES = 300
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
# Each app's field names, so generated bodies reach deep into the parser, with any value in any place.
KEYS = {
    "telegram": ["update_id", "message", "callback_query", "chat", "id", "from", "photo", "document", "text",
                 "caption", "data", "file_id", "file_size", "file_name", "mime_type", "sticker", "emoji",
                 "voice", "video", "first_name", "last_name", "username"],
    "slack": ["type", "event", "event_id", "user", "channel", "text", "subtype", "bot_id", "files",
              "thread_ts", "ts", "url_private_download", "url_private", "mimetype", "name", "size"],
    "facebook": ["object", "entry", "messaging", "sender", "id", "message", "postback", "mid", "text",
                 "quick_reply", "payload", "attachments", "type", "url", "is_echo", "timestamp"],
}  # fmt: skip
TWILIO_FIELDS = ["From", "MessageSid", "SmsSid", "Body", "NumMedia", "MediaUrl0", "MediaContentType0",
                 "ProfileName", "To"]  # fmt: skip


def shaped(keys: list[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(keys), inner, max_size=5),
        max_leaves=20,
    )


# A real webhook of each app (as tests/channels/customers.py sends them); the strategy replaces any part of
# it with any value, so the parser is past its first checks before it meets the surprise.
VALID = {
    "telegram": [
        {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"},
         "from": {"id": 7, "first_name": "Ana"}, "text": "hi", "caption": "c",
         "photo": [{"file_id": "a", "file_size": 100}], "document": {"file_id": "d", "file_name": "x.pdf"},
         "sticker": {"emoji": "x", "file_id": "s"}, "voice": {"file_id": "v"}}},
        {"update_id": 2, "callback_query": {"id": "cb", "from": {"id": 7}, "data": "/affirm",
         "message": {"message_id": 1, "chat": {"id": 7}}}},
    ],
    "slack": [
        {"type": "event_callback", "event_id": "E1", "event": {"type": "message", "user": "U1", "channel": "D1",
         "text": "hi", "ts": "1.0", "thread_ts": "1.0", "subtype": "file_share",
         "files": [{"url_private_download": "https://x", "mimetype": "image/png", "name": "a.png", "size": 3}]}},
    ],
    "facebook": [
        {"object": "page", "entry": [{"messaging": [
            {"sender": {"id": "P1"}, "timestamp": 1, "message": {"mid": "m1", "text": "hi",
             "quick_reply": {"payload": "/affirm"}, "attachments": [{"type": "image", "payload": {"url": "u"}}]}},
            {"sender": {"id": "P1"}, "postback": {"mid": "m2", "payload": "/deny"}},
        ]}]},
    ],
}  # fmt: skip
SLACK_PRESS = {"type": "block_actions", "user": {"id": "U1"}, "channel": {"id": "D1"},
               "actions": [{"value": "/affirm", "action_id": "a"}]}  # fmt: skip


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*here, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*here, index))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


def mutated(template: Any, keys: list[str]) -> st.SearchStrategy[Any]:
    """The template with one to three of its parts (anything from a leaf to the whole) replaced."""
    spots = _paths(template)

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        body = template
        for _ in range(draw(st.integers(1, 3))):
            spots_now = [p for p in spots if _reachable(body, p)]
            body = _replaced(body, draw(st.sampled_from(spots_now)), draw(shaped(keys)))
        return body

    return build()


def _reachable(value: Any, path: tuple[Any, ...]) -> bool:
    for step in path:
        if (isinstance(value, dict) and step in value) or (
            isinstance(value, list) and isinstance(step, int) and step < len(value)
        ):
            value = value[step]
        else:
            return False
    return True


def _case(channel: str, content_type: str, body: bytes) -> dict[str, str]:
    return {"channel": channel, "content_type": content_type, "body": base64.b64encode(body).decode()}


def cases_for(channel: str) -> st.SearchStrategy[dict[str, str]]:
    raw = st.binary(max_size=300).map(lambda b: _case(channel, "application/json", b))
    if channel.startswith("twilio"):
        prefix = "whatsapp:" if channel == "twilio_whatsapp" else ""
        form = st.dictionaries(
            st.sampled_from(TWILIO_FIELDS),
            st.text(max_size=30) | st.just(prefix + "+447700900123") | st.integers(-3, 20).map(str),
        )
        encoded = form.map(
            lambda f: _case(channel, "application/x-www-form-urlencoded", urlencode(f).encode())
        )
        return raw | encoded
    shapes = st.one_of(shaped(KEYS[channel]), *(mutated(t, KEYS[channel]) for t in VALID[channel]))
    body = shapes.map(lambda v: _case(channel, "application/json", json.dumps(v).encode()))
    if channel == "slack":  # button presses come as a form field holding JSON
        press = mutated(SLACK_PRESS, ["type", "user", "channel", "actions", "id", "value", "action_id"])
        body = body | press.map(
            lambda v: _case(
                channel, "application/x-www-form-urlencoded", urlencode({"payload": json.dumps(v)}).encode()
            )
        )
    return raw | body


def generated(strategy: st.SearchStrategy[dict[str, str]]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
    @given(strategy)
    def collect(case: dict[str, str]) -> None:
        found.append(case)

    collect()
    return found


def test_every_channel_reads_or_refuses_any_webhook_body() -> None:
    cases = [c for channel in ("telegram", "slack", "facebook", "twilio", "twilio_whatsapp")
             for c in generated(cases_for(channel))]  # fmt: skip
    done = subprocess.run(
        [str(paths.RASA_PYTHON), "-m", "tests.channels.parse_runner"],
        input=json.dumps(cases),
        cwd=paths.REPO_ROOT,
        env={"PYTHONPATH": str(paths.REPO_ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["cases"] == len(cases) >= 5 * EXAMPLES // 2
    problems = result["problems"]
    shown = [(p["channel"], p["error"], base64.b64decode(p["body"])[:200]) for p in problems[:10]]
    assert problems == [], f"{len(problems)} bodies broke a parser, e.g. {shown}"
