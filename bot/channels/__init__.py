"""Custom Rasa input/output channels."""
