"""Launcher for the whole assistant: prepares artefacts and runs Rasa, the action server and handoff.

`make run` and the integration tests both go through this package, so what the tests start is exactly
what users start.
"""

from stack.prepare import ensure_kb_index, ensure_model, ensure_onnx_model
from stack.services import Stack, StackConfig, isolated_config, start_stack

__all__ = [
    "Stack",
    "StackConfig",
    "ensure_kb_index",
    "ensure_model",
    "ensure_onnx_model",
    "isolated_config",
    "start_stack",
]
