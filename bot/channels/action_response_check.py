"""Check custom action responses with a JSON-schema validator built once, not once per action call.

Rasa 3.6.21 checks every action server response with ``jsonschema.validate(result, schema)``
(``RemoteAction._validate_action_result``). That function first checks the schema itself against the
JSON-schema meta-schema, then builds a new validator, on every call. Profiled under 50 concurrent
conversations that was a quarter of the Rasa process's CPU time (docs/performance.md); the check of the
response itself is a small part of it. Here the schema is checked once, the validator is kept, and a response
that does not fit raises the same ``ValidationError`` with the same explanation as before.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def response_validator() -> Any:
    """The validator for Rasa's action response schema, its schema checked once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """Drop-in for ``RemoteAction._validate_action_result``: True, or raises jsonschema's
    ``ValidationError`` exactly as Rasa's did."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(response_validator().iter_errors(result))  # what jsonschema.validate raises
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action "
        f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def validate_action_responses_once() -> None:
    """Make Rasa use the kept validator (idempotent; called when a channel starts)."""
    from rasa.core.actions.action import RemoteAction

    if RemoteAction._validate_action_result is not validate_action_result:  # type: ignore[comparison-overlap]
        RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
        log.info("Custom action responses are checked with a validator built once")
