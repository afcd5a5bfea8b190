"""The kept action-response validator accepts and rejects exactly what Rasa's own check does (in the Rasa venv)."""

from __future__ import annotations

import json

from tests.rasa_side import run_in_rasa

CHECK = r"""
import json, sys
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from bot.channels.action_response_check import validate_action_responses_once

action = RemoteAction("action_x", None)
cases = json.loads(sys.argv[1])

def outcome(result):
    try:
        return ["ok", action._validate_action_result(result)]
    except ValidationError as error:
        return ["rejected", error.message]

before = [outcome(case) for case in cases]
validate_action_responses_once()
validate_action_responses_once()  # a second channel starting changes nothing
after = [outcome(case) for case in cases]
print(json.dumps({"before": before, "after": after}))
"""

RESPONSES = [
    {"events": [{"event": "slot", "name": "kb_miss_count", "value": 1.0}], "responses": [{"text": "hi"}]},
    {"events": [], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": [], "responses": ["a bare string instead of a message"]},
]


def test_bad_action_server_responses_are_still_rejected_with_rasas_explanation() -> None:
    result = run_in_rasa(["-c", CHECK, json.dumps(RESPONSES)], {"PATH": "/usr/bin:/bin"}, timeout=120)
    assert result["after"] == result["before"]
    assert [kind for kind, _ in result["after"]] == ["ok", "ok", "rejected", "rejected", "rejected"]
    assert all("Failed to validate Action server response" in text for _, text in result["after"][2:])
