"""Diagnostic scripts: schema, engine, answer understanding, lint/export CLI and the Rasa runtime actions."""
