"""Files customers send on the messaging apps: which kinds are accepted (by their first bytes) and how big
they may be. Pure Python with no dependencies: the bot's channels (Rasa venv) check a file while downloading
it from the app, and the handoff service checks it again before storing it with the ticket."""
