"""The session's own PostgreSQL (marker `cluster`), shared with the handoff tests."""

from tests.handoff.conftest import postgres, postgres_template  # noqa: F401
