"""Exceptions of the diagnostics package."""

from __future__ import annotations


class DiagnosticsError(Exception):
    """Base class for diagnostic-script errors."""


class ScriptError(DiagnosticsError, ValueError):
    """A script file is missing, unreadable or does not match the schema."""


class UnknownScriptError(DiagnosticsError, KeyError):
    """No script with the requested id."""
