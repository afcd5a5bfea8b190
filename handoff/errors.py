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
