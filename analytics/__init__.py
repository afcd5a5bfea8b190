"""The support manager's view: metrics, trends, knowledge gaps and an action plan from the real stores.

One-way imports: analytics reads handoff's settings models and both databases; nothing imports analytics."""
