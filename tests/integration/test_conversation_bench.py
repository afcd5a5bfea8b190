"""The conversation benchmark against the real servers: a tiny spec file, run through the CLI with --url."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from stack import paths
from stack.services import Stack

pytestmark = pytest.mark.integration

SPECS = """
- id: good-handoff
  turns:
    - say: "I want to talk to a person"
      expect: {outcome: handoff, reason: customer_request}
- id: good-wifi-over-socketio
  channel: socketio
  turns:
    - say: "the wifi on my laptop has stopped working"
      expect: {outcome: script, script: wifi}
- id: wrong-expectations
  turns:
    - say: "the wifi on my laptop has stopped working"
      expect: {outcome: script, script: vpn}
    - press: "A button that is not there"
      expect: {outcome: script, script: wifi}
"""


def test_benchmark_scores_a_known_good_case_and_fails_a_wrong_expectation(
    stack: Stack, tmp_path: Path
) -> None:
    # The first script start of a fresh action server loads the two-problem triage model and can pass Rasa's
    # action timeout on a busy machine (the customer then gets the script menu): warm it up first, so this test
    # measures the benchmark, not the cold start.
    stack.send("bench-warm-up", "my laptop battery will not charge", timeout=120)
    specs = tmp_path / "tiny.yml"
    specs.write_text(SPECS, encoding="utf-8")
    env = {
        **os.environ,
        "RASA_AUTH_TOKEN": stack.rasa_token,
        "HANDOFF_API_TOKEN": stack.handoff_token,
        "HANDOFF_URL": stack.handoff_url,
        "HANDOFF_DB": str(stack.config.handoff_db),
        "BENCH_LOG_DIR": str(stack.config.log_dir),
    }
    command = [
        str(paths.APP_PYTHON),
        "bench/conversations.py",
        "--specs",
        str(specs),
        "--url",
        stack.rasa_url,
    ]
    done = subprocess.run(
        [*command, "--json"], cwd=paths.REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)

    assert set(result) == {
        "conversations_passed",
        "conversations_total",
        "turns_passed",
        "turns_total",
        "by_outcome",
        "failures",
        "turn_ms_p50",
        "turn_ms_p95",
    }
    failures = json.dumps(result["failures"], indent=1)
    assert (result["conversations_passed"], result["conversations_total"]) == (2, 3), failures
    assert (result["turns_passed"], result["turns_total"]) == (2, 4)
    assert result["by_outcome"] == {"handoff": [1, 1], "script": [1, 3]}
    assert result["turn_ms_p50"] > 0 and result["turn_ms_p95"] >= result["turn_ms_p50"]

    failed = {(f["id"], f["turn"]): f for f in result["failures"]}
    assert set(failed) == {("wrong-expectations", 1), ("wrong-expectations", 2)}
    wrong_script = failed[("wrong-expectations", 1)]
    assert wrong_script["expected"] == {"outcome": "script", "script": "vpn"}
    assert any(label.startswith("script(script=wifi") for label in wrong_script["got"])
    assert wrong_script["replies"], "the failure shows what the assistant said"
    assert "no button titled" in failed[("wrong-expectations", 2)]["problems"][0]
