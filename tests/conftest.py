"""Session fixtures shared by the integration tests: the real servers, started once per test session."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest

from stack import isolated_config, start_stack
from stack.services import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Real Rasa server + action server + handoff service on random free ports.

    The Rasa model is cached in models/ by fingerprint, so a warm rerun does not retrain. Each session gets
    its own tracker DB, handoff DB, KB index and generated secrets.
    """
    config = isolated_config(
        tmp_path_factory.mktemp("stack"),
        # Tests must not depend on the clock: agents answer around the clock here. The after-hours path
        # is tested with its own settings.
        extra_env={"HANDOFF_HOURS__ALWAYS_OPEN": "true"},
    )
    running = start_stack(config)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def conversation_id(request: pytest.FixtureRequest) -> str:
    """A fresh conversation id per test, so tests never depend on each other's state."""
    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:40]
    return f"test-{name}-{secrets.token_hex(4)}"
