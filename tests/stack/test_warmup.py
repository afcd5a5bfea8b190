"""The launcher warms the KB action up, so the first customer question does not wait for MiniLM to load."""

from __future__ import annotations

import pytest

from stack.ports import free_port
from stack.services import Stack
from stack.warmup import warm_up_action_server, warm_up_knowledge_base, warm_up_scripts


def test_warm_up_reports_an_unreachable_action_server_without_raising() -> None:
    assert warm_up_knowledge_base(f"http://127.0.0.1:{free_port()}", timeout=2.0) is False
    assert warm_up_scripts(f"http://127.0.0.1:{free_port()}", timeout=2.0) is False


@pytest.mark.integration
def test_warm_up_runs_the_kb_action_on_the_real_action_server(stack: Stack, conversation_id: str) -> None:
    assert warm_up_action_server(stack.action_url) is True
    # The warm-up talks to the action server directly: no conversation appears in the tracker store.
    events = stack.tracker("stack-warm-up")["events"] or []
    assert not [event for event in events if event["event"] in ("user", "bot")]
