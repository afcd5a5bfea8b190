"""Running several Rasa instances on shared engines: PostgreSQL trackers, Redis locks, socket.io over Redis.

Everything here is chosen by the environment (docs/rasa-cluster.md): with none of it set, one Rasa process
runs on SQLite with in-process locks, as `make run` does.
"""
