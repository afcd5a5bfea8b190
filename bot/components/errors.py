"""Errors raised by the custom NLU components."""

from __future__ import annotations


class NLUComponentError(Exception):
    """Base class for errors of the custom NLU components."""


class ModelNotFoundError(NLUComponentError, FileNotFoundError):
    """The exported ONNX model or its tokenizer is not where the config says."""
