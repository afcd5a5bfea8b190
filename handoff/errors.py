"""Exceptions of the handoff package; views map them to HTTP responses."""

from __future__ import annotations


class HandoffError(Exception):
    """Base class for handoff errors."""


class ConfigError(HandoffError):
    """A setting is missing or invalid; raised at start."""


class TicketNotFound(HandoffError):
    """No ticket with that id."""


class UserNotFound(HandoffError):
    """No agent account with that name or id."""


class InvalidTransition(HandoffError):
    """The ticket is not in a state that allows this step (e.g. claiming a resolved ticket)."""


class NotYourQueue(HandoffError):
    """The agent does not work the ticket's queue (skills) or does not own the ticket."""


class DuplicateUser(HandoffError):
    """An agent account with that user name exists."""


class ServiceUnavailable(HandoffError):
    """The handoff service (seen from the bot) or Rasa (seen from the service) did not answer."""


class RequestRejected(HandoffError):
    """The handoff service refused a request from the bot (4xx)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class DatabaseUnavailable(HandoffError):
    """The ticket database did not answer (down, restarting, out of connections): the API answers 503."""


class LiveStateUnavailable(HandoffError):
    """Redis (agent presence and console updates between handoff processes) did not answer: 503."""


class UniqueViolation(HandoffError):
    """A row broke a unique index of the database; `constraint` names it when the driver says."""

    def __init__(self, constraint: str | None) -> None:
        super().__init__(constraint or "unique constraint")
        self.constraint = constraint


class OpenTicketExists(HandoffError):
    """The conversation already has an open incident ticket (the database allows one): use that one."""
